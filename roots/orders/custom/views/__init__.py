"""Custom-order pages, one module per page family: the list, the request form and a record
with its steps (`records`), and the demand view (`demand`)."""

from roots.orders.custom.views.demand import custom_demand, custom_demand_export
from roots.orders.custom.views.records import (
    custom_order_create,
    custom_order_detail,
    custom_order_export,
    custom_order_list,
    custom_order_step,
)

__all__ = [
    "custom_demand",
    "custom_demand_export",
    "custom_order_create",
    "custom_order_detail",
    "custom_order_export",
    "custom_order_list",
    "custom_order_step",
]
