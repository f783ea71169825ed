"""The demo orders: every status, priced lines, allocations, events; deterministic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F, Sum

from roots.catalog.models import Promotion, StockLevel
from roots.core.models import Sequence
from roots.demo.seeder import reset_demo_data, seed_demo
from roots.orders.demo import seed_orders
from roots.orders.models import (
    OPEN_ORDER_STATUSES,
    Order,
    OrderAllocation,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderStatus,
)
from roots.org.demo.common import DemoRandom

pytestmark = pytest.mark.django_db


def _seed(seed: int = 11) -> dict[str, int]:
    """The small demo with its orders (`seed_demo` runs `seed_orders`; should it not, the
    orders are seeded here)."""
    counts = seed_demo(scale="small", seed=seed, log=lambda _m: None).counts
    if "orders" not in counts:
        counts.update(seed_orders(scale="small", rng=DemoRandom(seed, "orders")))
    return counts


def _fingerprint() -> list[tuple[str, str, str, Decimal]]:
    return list(
        Order.objects.order_by("number").values_list("number", "status", "customer__code", "total")
    )


def test_small_demo_has_orders_in_every_status_with_lines_allocations_and_events():
    counts = _seed()
    # Made-to-order orders and custom-order events come from the custom-order demo.
    orders = Order.objects.filter(kind=OrderKind.STANDARD)
    assert counts["orders"] == orders.count() > 300
    statuses = set(orders.values_list("status", flat=True))
    assert statuses == set(OrderStatus.values)
    closed = orders.filter(status__in=[OrderStatus.CLOSED, OrderStatus.DELIVERED]).count()
    assert closed > orders.count() / 2
    lines = OrderLine.objects.filter(order__kind=OrderKind.STANDARD)
    assert lines.count() == counts["order_lines"] >= counts["orders"]
    assert OrderAllocation.objects.count() == counts["order_allocations"]
    events = OrderEvent.objects.filter(order__kind=OrderKind.STANDARD)
    assert events.count() == counts["order_events"]
    assert Promotion.objects.filter(is_published=True).exists()
    assert OrderLine.objects.filter(promotion__isnull=False).exists()
    # Totals add up, and every order's events start with its submission, in its past.
    order = orders.filter(status=OrderStatus.CLOSED).first()
    assert order is not None
    lines = order.lines.aggregate(total=Sum("line_total"))["total"]
    assert lines == order.total == order.subtotal - order.discount_total
    events = list(order.events.order_by("created_at", "id"))
    assert events[0].to_status == OrderStatus.SUBMITTED
    assert events[-1].to_status == OrderStatus.CLOSED
    assert events[0].created_at == order.submitted_at < order.closed_at
    # The order number counter starts after the demo's numbers.
    assert Sequence.objects.get(name="order").last_value >= orders.count()


def test_open_demo_orders_hold_their_stock_and_stay_within_credit():
    _seed()
    assert not StockLevel.objects.filter(reserved__gt=F("on_hand")).exists()
    open_orders = Order.objects.filter(status__in=OPEN_ORDER_STATUSES)
    standard = open_orders.filter(kind=OrderKind.STANDARD)
    assert open_orders.exists()
    for order in standard[:50]:
        assert OrderAllocation.objects.filter(line__order=order).exists()
    by_customer = open_orders.values("customer__credit_limit").annotate(total=Sum("total"))
    for row in by_customer:
        assert row["total"] <= row["customer__credit_limit"]


def test_demo_orders_are_deterministic():
    _seed()
    first = _fingerprint()
    reset_demo_data()
    _seed()
    assert _fingerprint() == first
