"""The customer 360 page's tabs of orders: the customer's orders and custom orders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.customers.models import Customer
from roots.customers.tabs import TAB_ROWS, CustomerTab, list_url, register
from roots.orders.custom.selectors import custom_order_list
from roots.orders.models import CustomOrder, Order
from roots.orders.selectors import order_list

if TYPE_CHECKING:
    from roots.org.models import User


def _orders_tab(user: User, customer: Customer) -> dict[str, Any]:
    orders = list(
        order_list(user=user).filter(customer=customer).order_by("-submitted_at", "-id")[:TAB_ROWS]
    )
    for order in orders:
        order.link = reverse("order-detail", args=[order.number])  # type: ignore[attr-defined]
    return {"orders": orders, "orders_url": list_url("order-list", customer)}


def _custom_orders_tab(user: User, customer: Customer) -> dict[str, Any]:
    rows = list(
        custom_order_list(user=user)
        .filter(customer=customer)
        .order_by("-created_at", "-id")[:TAB_ROWS]
    )
    for row in rows:
        row.link = reverse("custom-order-detail", args=[row.number])  # type: ignore[attr-defined]
    return {"custom_orders": rows, "custom_orders_url": list_url("custom-order-list", customer)}


register(
    CustomerTab(
        key="orders",
        label=_("Orders"),
        order=40,
        load=_orders_tab,
        staff_only=True,
        counted=lambda user: Order.objects.visible_to(user),
    )
)
register(
    CustomerTab(
        key="custom_orders",
        label=_("Custom orders"),
        order=50,
        load=_custom_orders_tab,
        staff_only=True,
        counted=lambda user: CustomOrder.objects.visible_to(user),
    )
)
