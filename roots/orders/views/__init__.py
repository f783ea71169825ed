"""Order pages, one module per page family: the list and an order (`orders`), the order
builder (`builder`) and the staff desk (`desk`)."""

from roots.orders.views.builder import order_new, order_new_cart, order_new_products
from roots.orders.views.desk import order_desk, order_desk_bulk
from roots.orders.views.orders import (
    order_action,
    order_detail,
    order_export,
    order_list,
    order_page_context,
)

__all__ = [
    "order_action",
    "order_desk",
    "order_desk_bulk",
    "order_detail",
    "order_export",
    "order_list",
    "order_new",
    "order_new_cart",
    "order_new_products",
    "order_page_context",
]
