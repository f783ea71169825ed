"""Writes of the sales pipeline: leads, opportunities, activities and the potential-customer
worksheet, one module per aggregate. Each public function is one business action in one
transaction; views and the API call these and never save models themselves. The steps of
leads, opportunities and activities are declared in `roots.sales.lifecycles` and taken
through `Lifecycle.take()`; the functions here are their entry points."""

from roots.sales.services.activities import (
    ACTIVITY_FIELDS,
    LOG_FUTURE_TOLERANCE,
    activity_cancel,
    activity_complete,
    activity_log,
    activity_plan,
    activity_update,
)
from roots.sales.services.assessments import (
    CURRENT_HIGH_SHARE,
    POTENTIAL_HIGH_SCORE,
    SCORE_FIELDS,
    SCORE_MAX_TOTAL,
    assessment_create,
    assessment_priority,
    assessment_score,
)
from roots.sales.services.leads import (
    LEAD_FIELDS,
    lead_convert,
    lead_create,
    lead_disqualify,
    lead_qualify,
    lead_update,
)
from roots.sales.services.opportunities import (
    OPPORTUNITY_FIELDS,
    opportunity_create,
    opportunity_move,
    opportunity_reopen,
    opportunity_update,
)

__all__ = [
    "ACTIVITY_FIELDS",
    "CURRENT_HIGH_SHARE",
    "LEAD_FIELDS",
    "LOG_FUTURE_TOLERANCE",
    "OPPORTUNITY_FIELDS",
    "POTENTIAL_HIGH_SCORE",
    "SCORE_FIELDS",
    "SCORE_MAX_TOTAL",
    "activity_cancel",
    "activity_complete",
    "activity_log",
    "activity_plan",
    "activity_update",
    "assessment_create",
    "assessment_priority",
    "assessment_score",
    "lead_convert",
    "lead_create",
    "lead_disqualify",
    "lead_qualify",
    "lead_update",
    "opportunity_create",
    "opportunity_move",
    "opportunity_reopen",
    "opportunity_update",
]
