"""Pages of the sales pipeline: the board (kanban of the six steps, forecast), opportunities,
leads, activities, the priority matrix and the potential-customer worksheet, and the sales
tab of the customer 360 page (`customer_sales_tab`).

Only the roles that sell (account managers, branch managers, headquarters) have these
pages: the others get 403. A record outside the user's scope is 404; a step the user may
not take on a record in scope is 403; a step not possible in the record's state is 409.
"""

from roots.sales.views.activities import (
    activity_cancel,
    activity_complete,
    activity_create,
    activity_detail,
    activity_edit,
    activity_export,
    activity_list,
)
from roots.sales.views.assessments import assessment_create, assessment_detail, priority_matrix
from roots.sales.views.board import opportunity_move, opportunity_reopen, pipeline_board
from roots.sales.views.customer_tab import customer_sales_tab
from roots.sales.views.leads import (
    lead_convert,
    lead_create,
    lead_detail,
    lead_disqualify,
    lead_edit,
    lead_export,
    lead_list,
    lead_qualify,
)
from roots.sales.views.opportunities import (
    opportunity_create,
    opportunity_detail,
    opportunity_edit,
    opportunity_export,
    opportunity_list,
)

__all__ = [
    "activity_cancel",
    "activity_complete",
    "activity_create",
    "activity_detail",
    "activity_edit",
    "activity_export",
    "activity_list",
    "assessment_create",
    "assessment_detail",
    "customer_sales_tab",
    "lead_convert",
    "lead_create",
    "lead_detail",
    "lead_disqualify",
    "lead_edit",
    "lead_export",
    "lead_list",
    "lead_qualify",
    "opportunity_create",
    "opportunity_detail",
    "opportunity_edit",
    "opportunity_export",
    "opportunity_list",
    "opportunity_move",
    "opportunity_reopen",
    "pipeline_board",
    "priority_matrix",
]
