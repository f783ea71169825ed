"""The sales tab of the customer 360 page."""

from __future__ import annotations

from typing import Any

from roots.customers.models import Customer
from roots.org.models import User
from roots.sales import policies, selectors
from roots.sales.models import OPEN_STAGES, STAGE_PROBABILITY
from roots.sales.views.common import DETAIL_ROWS, _mark


# --- the customer 360 tab ------------------------------------------------------------------------
def customer_sales_tab(user: User, customer: Customer) -> dict[str, Any]:
    """The sales tab of the customer 360 page (`sales/_customer_tab.html`): planned and
    recent activities, open opportunities, the latest assessment. Five queries. Roles
    without a pipeline get an empty tab."""
    if not policies.works_pipeline(user):
        return {"sales_visible": False}
    activities = selectors.customer_activities(user=user, customer=customer)
    _mark(user, activities.planned)
    _mark(user, activities.recent)
    opportunities = list(
        selectors.opportunity_list(user=user)
        .filter(customer=customer, stage__in=OPEN_STAGES)
        .order_by("close_date", "pk")[:DETAIL_ROWS]
    )
    return {
        "sales_visible": True,
        "sales_planned": activities.planned,
        "sales_recent": activities.recent,
        "sales_opportunities": opportunities,
        "sales_pipeline_value": sum((o.expected_value for o in opportunities), start=0),
        "sales_assessment": selectors.latest_assessment(user=user, customer=customer),
        "sales_can_sell": policies.can_sell_to(user, customer),
        "stage_probability": STAGE_PROBABILITY,
    }
