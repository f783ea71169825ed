"""The standard `Order` a custom order makes when its quote is accepted, and cancels when it
is cancelled (effects of the steps in `lifecycles.py`, inside their transaction)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError
from roots.core.lifecycle import INVALID_TRANSITION
from roots.core.search import build_search_text
from roots.core.services import record_history_user
from roots.orders import texts
from roots.orders.models import CustomOrder, Order, OrderKind, OrderLine, OrderStatus
from roots.orders.services import next_order_number
from roots.orders.timeline import record_event
from roots.org.models import User


def make_order(*, custom_order: CustomOrder, user: User, total: Decimal, now: datetime) -> Order:
    """The confirmed made-to-order `Order` of an accepted quote: one line, the quoted model's
    first active SKU (or none) at the quoted price."""
    model = custom_order.quoted_model
    sku = None
    if model is not None:
        sku = model.skus.filter(is_active=True).order_by("code").first()
    description = custom_order.title
    if model is not None:
        description = f"{custom_order.title} · {model.code}"
    order = Order(
        number=next_order_number(),
        kind=OrderKind.MADE_TO_ORDER,
        customer_id=custom_order.customer_id,
        outlet_id=custom_order.outlet_id,
        status=OrderStatus.CONFIRMED,
        placed_by=user,
        requested_date=custom_order.wanted_date,
        note=_("Made to order: %(number)s") % {"number": custom_order.number},
        subtotal=total,
        discount_total=Decimal("0.00"),
        total=total,
        submitted_at=now,
        confirmed_at=now,
    )
    customer, outlet = custom_order.customer, custom_order.outlet
    # The same search keys as an order placed from the catalog (number, customer, outlet).
    order.search_text = build_search_text(order.number, customer.name, outlet.name)[:500]
    record_history_user(order, user)
    order.save()
    price = custom_order.quoted_price
    if price is None:
        raise AssertionError("price is not None")
    OrderLine.objects.create(
        order=order,
        line_no=1,
        sku=sku,
        description=description[:300],
        quantity=custom_order.quantity,
        list_price=price,
        unit_price=price,
        discount=Decimal("0.00"),
        line_total=total,
    )
    return order


def cancel_order(*, custom_order: CustomOrder, user: User, reason: str) -> None:
    """Cancel the order made from the accepted quote (nothing to do without one, or when it
    is cancelled already); once it has shipped it is too late (409)."""
    if custom_order.order_id is None:
        return
    order = Order.objects.select_for_update().get(pk=custom_order.order_id)
    if order.status == OrderStatus.CANCELLED:
        return
    if order.status not in (OrderStatus.SUBMITTED, OrderStatus.CONFIRMED, OrderStatus.ALLOCATED):
        raise ConflictError(
            _("Order %(order)s is already %(status)s; the custom order can no longer be cancelled.")
            % {"order": order.number, "status": order.get_status_display()},
            code=INVALID_TRANSITION,
        )
    previous = order.status
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = timezone.now()
    order.cancel_reason = (
        reason or _("Custom order %(number)s cancelled.") % {"number": custom_order.number}
    )[:500]
    order.version += 1
    record_history_user(order, user)
    order.save()
    record_event(
        subject=order,
        actor=user,
        from_status=previous,
        to_status=OrderStatus.CANCELLED,
        text=texts.CANCELLED_WITH_CUSTOM(number=custom_order.number),
        notify=[],
    )
