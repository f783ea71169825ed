"""What the top bar's search finds among orders and custom orders (by number, reference
or title)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.core.global_search import record_kind
from roots.orders.models import CustomOrder, Order

record_kind(
    key="orders",
    label=_("Orders"),
    icon="ti-shopping-cart",
    nav="order-list",
    queryset=lambda user: Order.objects.visible_to(user).select_related("customer"),
    title=lambda o: o.number,
    subtitle=lambda o: f"{o.customer.name} · {o.get_status_display()}",
    url=lambda o: reverse("order-detail", args=[o.number]),
    order=30,
)

record_kind(
    key="custom_orders",
    label=_("Custom orders"),
    icon="ti-adjustments-horizontal",
    nav="custom-order-list",
    queryset=lambda user: CustomOrder.objects.visible_to(user).select_related("customer"),
    title=lambda o: f"{o.number} · {o.title}",
    subtitle=lambda o: f"{o.customer.name} · {o.get_status_display()}",
    url=lambda o: reverse("custom-order-detail", args=[o.number]),
    order=40,
)
