"""Template helpers of the order pages: status badges and timeline icons."""

from __future__ import annotations

from django import template

from roots.orders.models import OrderStatus

register = template.Library()

STATUS_COLOURS = {
    "submitted": "azure",
    "confirmed": "blue",
    "allocated": "indigo",
    "shipped": "orange",
    "delivered": "teal",
    "closed": "green",
    "cancelled": "red",
}
STATUS_ICONS = {
    "submitted": "ti-send",
    "confirmed": "ti-check",
    "allocated": "ti-packages",
    "shipped": "ti-truck-delivery",
    "delivered": "ti-package-import",
    "closed": "ti-lock",
    "cancelled": "ti-x",
}


@register.filter
def order_badge(status: str | None) -> str:
    """CSS classes of an order status badge."""
    return f"badge bg-{STATUS_COLOURS.get(status or '', 'secondary')}-lt"


@register.filter
def order_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", "secondary")


@register.filter
def event_icon(status: str | None) -> str:
    """Tabler icon of a timeline event (a note has a speech bubble)."""
    return STATUS_ICONS.get(status or "", "ti-message")


@register.filter
def status_label(status: str | None) -> str:
    """The translated name of an order status (`shipped` -> 已发货)."""
    try:
        return str(OrderStatus(status or "").label)
    except ValueError:
        return status or ""
