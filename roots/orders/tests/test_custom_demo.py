"""The made-to-order demo data: every state, consistent clocks and timelines, deterministic,
and the services carry on from it."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from roots.catalog.models import Category
from roots.catalog.tests.factories import CategoryFactory, ProductModelFactory
from roots.orders.custom import services
from roots.orders.custom.demo import seed_custom_orders
from roots.orders.models import CustomOrder, CustomOrderStatus, EventKind, OrderEvent
from roots.org.demo.common import DemoRandom

pytestmark = pytest.mark.django_db
S = CustomOrderStatus


@pytest.fixture
def catalog(personas):
    """The demo's category codes, with custom-capable fridge lines."""
    ref = CategoryFactory.create(code="REF", name="冰箱", name_en="Refrigerators")
    CategoryFactory.create(code="WM", name="洗衣机", name_en="Washing machines")
    CategoryFactory.create(code="AC", name="空调", name_en="Air conditioners")
    for n in range(3):
        ProductModelFactory.create(code=f"BCD-20{n}DZ", category=ref, is_custom_capable=True)
    return personas


def seeded() -> list[tuple]:
    return list(
        CustomOrder.objects.order_by("number").values_list(
            "number", "status", "customer_id", "title", "quantity", "target_price", "features"
        )
    )


def test_demo_has_every_state_with_consistent_clocks(catalog):
    started = time.perf_counter()
    counts = seed_custom_orders(scale="medium", rng=DemoRandom(2026, "custom_orders"))
    elapsed = time.perf_counter() - started
    assert counts["custom_orders"] == 600
    assert counts["custom_order_events"] == OrderEvent.objects.count()
    assert elapsed < 30
    statuses = Counter(CustomOrder.objects.values_list("status", flat=True))
    assert set(statuses) == set(S.values), statuses
    now = timezone.now()
    for co in CustomOrder.objects.all():
        assert co.created_at <= now
        if co.status == S.REQUESTED:
            assert co.quoted_at is None
        if co.quoted_at is not None:
            assert co.quoted_price and co.quote_valid_until and co.quoted_lead_days
            assert co.quoted_at >= co.created_at
        if co.status in (S.ACCEPTED, S.IN_PRODUCTION, S.PRODUCED):
            assert co.accepted_at is not None and co.quoted_at is not None
            assert co.production_due == co.accepted_at + timedelta(days=7)
            assert co.accepted_at.date() <= co.quote_valid_until
            assert co.order_id is None  # the demo makes no orders
        if co.status in (S.IN_PRODUCTION, S.PRODUCED):
            assert co.production_started_at is not None
            assert co.production_started_at >= co.accepted_at
        if co.status == S.PRODUCED:
            assert co.produced_at is not None and co.produced_at <= now
        if co.status == S.QUOTED:
            assert co.quote_valid_until >= timezone.localdate(co.quoted_at)
        if co.capacity_min is not None:
            assert co.capacity_max is not None and co.capacity_min <= co.capacity_max
        assert set(co.features) <= set(services.CustomFeature.values)
        events = list(co.events.order_by("created_at", "id"))
        assert events[0].to_status == S.REQUESTED
        status_events = [e for e in events if e.kind == EventKind.STATUS]
        assert status_events[-1].to_status == co.status
        if co.risk_alerted_at is not None:
            assert any(e.kind == EventKind.ALERT and not e.visible_to_customer for e in events)
    # Fridges 180-220 L around 2,000 yuan lead the demand, as at Gome.
    fridges = CustomOrder.objects.filter(category__code="REF")
    assert fridges.count() > CustomOrder.objects.filter(category__code="WM").count()
    assert fridges.filter(capacity_min=180, capacity_max=220).count() > fridges.count() // 4


def test_demo_is_deterministic_and_numbers_continue(catalog):
    seed_custom_orders(scale="small", rng=DemoRandom(7, "custom_orders"))
    first = seeded()
    assert len(first) == 120 and first[0][0] == "MO00000001"
    assert seed_custom_orders(scale="small", rng=DemoRandom(7, "custom_orders")) == {}
    OrderEvent.objects.all().delete()
    CustomOrder.history.all().delete()
    CustomOrder.objects.all().delete()
    seed_custom_orders(scale="small", rng=DemoRandom(7, "custom_orders"))
    assert seeded() == first
    CustomOrder.objects.update(status=S.CANCELLED)  # numbers continue after the demo's
    fresh = services.request_custom_order(
        user=catalog.cu_a1,
        data={
            "outlet": catalog.outlet_a1,
            "title": "新需求",
            "category": Category.objects.get(code="REF"),
            "quantity": 5,
        },
    )
    assert fresh.number == "MO00000121"


def test_demo_history_is_dated_at_creation(catalog):
    seed_custom_orders(scale="small", rng=DemoRandom(1, "custom_orders"))
    co = CustomOrder.objects.order_by("number").first()
    assert co is not None
    entry = co.history.get()
    assert entry.history_date == co.created_at
