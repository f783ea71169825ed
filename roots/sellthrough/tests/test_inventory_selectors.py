"""Stock position, days of cover, sell-through rate and stock alerts against hand-computed
values (docs/inventory.md), including the edges: no sales, zero stock, a report older than
the 28-day window, the 7- and 60-day boundaries, one outlet with one SKU; and scoping."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import shared_personas
from roots.catalog.tests.factories import SkuFactory
from roots.sellthrough.inventory import selectors as inventory
from roots.sellthrough.inventory.selectors import StockAlert
from roots.sellthrough.tests.inventory_helpers import feed_row

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 3, 31)
COST = Decimal("1999.00")


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2026, month, dom)


row = functools.partial(feed_row, cost=COST)  # revenue 2,500 a unit sold unless given


@pytest.fixture
def skus(personas):
    return {
        "s1": personas.sku,
        "s2": SkuFactory.create(code="BCD-460WDGZ", name="海尔 460升对开门冰箱"),
        "s3": SkuFactory.create(code="XQG100-HB", name="海尔 10公斤洗衣机"),
    }


@pytest.fixture
def feed(personas, skus):
    """The positions of the worked example at D = 2026-03-31 (window 03-04 … 03-31)."""
    p, s = personas, skus
    # A1 × S1: healthy. A stale row (before the window) is ignored; 14 sold in the window.
    row(p.outlet_a1, s["s1"], day(2, 1), sold=100, stock=999)
    row(p.outlet_a1, s["s1"], day(3, 10), received=10, sold=4, stock=20)
    row(p.outlet_a1, s["s1"], day(3, 20), sold=10, stock=10)
    row(p.outlet_a1, s["s1"], day(3, 30), received=5, sold=0, stock=15)
    # A1 × S2: sold out today (zero stock, sales): stock-out with 0 days of cover.
    row(p.outlet_a1, s["s2"], day(3, 31), sold=6, stock=0, cost=Decimal("3599.00"))
    # A1 × S3: only a report from 03-03, one day before the window: stale, not shown.
    row(p.outlet_a1, s["s3"], day(3, 3), sold=5, stock=40)
    # A2 × S1: 28 sold (1 a day), 6 left: 6 days, a stock-out risk.
    row(p.outlet_a2, s["s1"], day(3, 4), sold=28, stock=6)
    # A2 × S2: 28 sold, 7 left: exactly 7 days, healthy.
    row(p.outlet_a2, s["s2"], day(3, 25), sold=28, stock=7)
    # A2 × S3: nothing sold, nothing in stock: healthy, no cover.
    row(p.outlet_a2, s["s3"], day(3, 15), sold=0, stock=0)
    # B1 × S1: stock and no sales: overstock, no cover.
    row(p.outlet_b1, s["s1"], day(3, 15), sold=0, stock=3)
    # B1 × S2: 14 sold (0.5 a day), 31 left: 62 days, overstock.
    row(p.outlet_b1, s["s2"], day(3, 28), sold=14, stock=31)
    # B1 × S3: 14 sold, 30 left: exactly 60 days, healthy.
    row(p.outlet_b1, s["s3"], day(3, 28), sold=14, stock=30)


def _by_key(positions):
    return {(x.outlet_code, x.sku_code): x for x in positions}


# --- stock position ------------------------------------------------------------------------
def test_position_of_one_outlet_and_sku_is_its_latest_report_in_the_window(personas, feed):
    positions = list(inventory.stock_position_list(user=personas.hq, as_of=D))
    a1s1 = _by_key(positions)[("S1000001", "BCD-216STPT-W")]
    assert a1s1.stock_units == 15
    assert a1s1.reported_on == day(3, 30)
    assert a1s1.unit_cost == COST
    assert a1s1.stock_value == Decimal("29985.00")  # 15 × 1,999.00
    assert a1s1.sold_in_window == 14  # the stale February row is not counted
    assert a1s1.daily_sales == Decimal("0.50")  # 14 / 28
    assert a1s1.days_of_cover == Decimal("30.0")  # 15 / 0.5
    assert a1s1.status == inventory.HEALTHY
    assert a1s1.customer_code == "C100001" and a1s1.customer_name == "国美电器青岛有限公司"


def test_positions_cover_and_status_of_each_edge(personas, feed):
    positions = _by_key(inventory.stock_position_list(user=personas.hq, as_of=D))
    expected = {
        ("S1000001", "BCD-216STPT-W"): (15, Decimal("30.0"), inventory.HEALTHY),
        ("S1000001", "BCD-460WDGZ"): (0, Decimal("0.0"), inventory.STOCK_OUT),
        ("S1000002", "BCD-216STPT-W"): (6, Decimal("6.0"), inventory.STOCK_OUT),
        ("S1000002", "BCD-460WDGZ"): (7, Decimal("7.0"), inventory.HEALTHY),
        ("S1000002", "XQG100-HB"): (0, None, inventory.HEALTHY),
        ("S1000003", "BCD-216STPT-W"): (3, None, inventory.OVERSTOCK),
        ("S1000003", "BCD-460WDGZ"): (31, Decimal("62.0"), inventory.OVERSTOCK),
        ("S1000003", "XQG100-HB"): (30, Decimal("60.0"), inventory.HEALTHY),
    }
    got = {k: (v.stock_units, v.days_of_cover, v.status) for k, v in positions.items()}
    assert got == expected  # A1 × S3 (stale) is not there


def test_stale_report_shows_again_when_the_day_is_inside_its_window(personas, feed):
    positions = _by_key(inventory.stock_position_list(user=personas.hq, as_of=day(3, 30)))
    # At 03-30 the window is 03-03 … 03-30: A1 × S3's report counts, and A1 × S2's (03-31)
    # does not exist yet.
    a1s3 = positions[("S1000001", "XQG100-HB")]
    assert (a1s3.stock_units, a1s3.sold_in_window, a1s3.days_of_cover) == (40, 5, Decimal("224.0"))
    assert ("S1000001", "BCD-460WDGZ") not in positions


def test_status_filter_and_totals(personas, feed):
    def keys(status):
        rows = inventory.stock_position_list(user=personas.hq, as_of=D, status=status)
        return sorted((x.outlet_code, x.sku_code) for x in rows)

    assert keys(inventory.STOCK_OUT) == [
        ("S1000001", "BCD-460WDGZ"),
        ("S1000002", "BCD-216STPT-W"),
    ]
    assert keys(inventory.OVERSTOCK) == [
        ("S1000003", "BCD-216STPT-W"),
        ("S1000003", "BCD-460WDGZ"),
    ]
    assert len(keys(inventory.HEALTHY)) == 4
    totals = inventory.stock_totals(user=personas.hq, as_of=D)
    assert totals.positions == 8
    assert totals.stock_units == 15 + 0 + 6 + 7 + 0 + 3 + 31 + 30
    assert totals.stock_value == Decimal(92) * COST + 0  # A1 × S2 holds nothing at 3,599.00
    assert (totals.stock_outs, totals.overstocks) == (2, 2)


def test_sorting_by_cover_puts_no_sales_last_and_first_descending(personas, feed):
    ascending = [
        x.days_of_cover
        for x in inventory.stock_position_list(user=personas.hq, as_of=D, ordering="cover")
    ]
    assert ascending == [
        Decimal("0.0"),
        Decimal("6.0"),
        Decimal("7.0"),
        Decimal("30.0"),
        Decimal("60.0"),
        Decimal("62.0"),
        None,
        None,
    ]
    descending = list(inventory.stock_position_list(user=personas.hq, as_of=D, ordering="-cover"))
    assert [x.days_of_cover for x in descending[:3]] == [None, None, Decimal("62.0")]
    by_stock = inventory.stock_position_list(user=personas.hq, as_of=D, ordering="-stock")
    assert [x.stock_units for x in by_stock][:2] == [31, 30]


def test_filters_by_customer_outlet_sku_and_search(personas, feed, skus):
    hq = personas.hq
    by_customer = inventory.stock_position_list(user=hq, as_of=D, customer=personas.cust_b1)
    assert {x.outlet_code for x in by_customer} == {"S1000003"}
    by_outlet = inventory.stock_position_list(user=hq, as_of=D, outlet=personas.outlet_a2)
    assert len(by_outlet) == 3
    by_sku = inventory.stock_position_list(user=hq, as_of=D, sku=skus["s2"])
    assert {x.sku_code for x in by_sku} == {"BCD-460WDGZ"}
    assert len(inventory.stock_position_list(user=hq, as_of=D, search="洗衣机")) == 2
    assert len(inventory.stock_position_list(user=hq, as_of=D, search="216stpt")) == 3


def test_paging_slices_in_sql(personas, feed):
    page = inventory.stock_position_list(user=personas.hq, as_of=D, ordering="outlet")
    assert page.count() == 8
    assert [x.outlet_code for x in page[6:8]] == ["S1000003", "S1000003"]
    assert page[0].outlet_code == "S1000001"
    assert page[8:20] == []


def test_no_report_no_position(personas, feed):
    assert len(inventory.stock_position_list(user=personas.hq, as_of=day(1, 1))) == 0
    totals = inventory.stock_totals(user=personas.hq, as_of=day(1, 1))
    assert (totals.positions, totals.stock_value) == (0, Decimal("0.00"))


# --- alerts --------------------------------------------------------------------------------
def test_alerts_stock_outs_first_worst_cover_first(personas, feed):
    alerts = inventory.stock_alerts(user=personas.hq, as_of=D)
    assert [(a.kind, a.outlet_code, a.sku_code, a.days_of_cover) for a in alerts] == [
        ("stock_out", "S1000001", "BCD-460WDGZ", Decimal("0.0")),
        ("stock_out", "S1000002", "BCD-216STPT-W", Decimal("6.0")),
        ("overstock", "S1000003", "BCD-216STPT-W", None),
        ("overstock", "S1000003", "BCD-460WDGZ", Decimal("62.0")),
    ]
    first = alerts[0]
    assert first == StockAlert(
        kind="stock_out",
        customer_id=personas.cust_a1.pk,
        customer_code="C100001",
        customer_name="国美电器青岛有限公司",
        outlet_id=personas.outlet_a1.pk,
        outlet_code="S1000001",
        outlet_name=personas.outlet_a1.name,
        sku_id=first.sku_id,
        sku_code="BCD-460WDGZ",
        sku_name="海尔 460升对开门冰箱",
        stock_units=0,
        daily_sales=Decimal("0.21"),  # 6 / 28
        days_of_cover=Decimal("0.0"),
        reported_on=D,
    )


def test_alerts_by_kind_customer_and_limit(personas, feed):
    hq = personas.hq
    outs = inventory.stock_alerts(user=hq, as_of=D, kind="stock_out")
    assert [a.outlet_code for a in outs] == ["S1000001", "S1000002"]
    over = inventory.stock_alerts(user=hq, as_of=D, kind="overstock", limit=1)
    assert [(a.outlet_code, a.sku_code) for a in over] == [("S1000003", "BCD-216STPT-W")]
    of_a2 = inventory.stock_alerts(user=hq, as_of=D, customer=personas.cust_a2)
    assert [(a.kind, a.outlet_code) for a in of_a2] == [("stock_out", "S1000002")]
    assert inventory.stock_alerts(user=hq, as_of=D, limit=0) == []


def test_alerts_default_to_today_in_shanghai(personas, feed, monkeypatch):
    # 2026-03-30 17:00 UTC is already 03-31 01:00 in Shanghai: A1 × S2 (03-31) is there.
    monkeypatch.setattr(
        inventory.timezone,
        "now",
        lambda: datetime.datetime(2026, 3, 30, 17, 0, tzinfo=datetime.UTC),
    )
    assert inventory.today() == D
    assert ("S1000001", "BCD-460WDGZ") in {
        (a.outlet_code, a.sku_code) for a in inventory.stock_alerts(user=personas.hq)
    }


def test_alerts_are_one_query(personas, feed):
    with CaptureQueriesContext(connection) as queries:
        inventory.stock_alerts(user=personas.am_a, as_of=D, kind="stock_out", limit=5)
    assert len(queries) == 1


# --- scoping -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "outlets"),
    [
        ("hq", {"S1000001", "S1000002", "S1000003"}),
        ("pm", {"S1000001", "S1000002", "S1000003"}),
        ("bm_a", {"S1000001", "S1000002"}),
        ("bm_b", {"S1000003"}),
        ("am_a", {"S1000001"}),
        ("am_a2", {"S1000002"}),
        ("am_b", {"S1000003"}),
        ("cu_a1", {"S1000001"}),
        ("cu_b1", {"S1000003"}),
        ("agent", set()),
        ("engineer", set()),
        ("su", set()),
    ],
)
def test_every_read_is_scoped(personas, feed, role, outlets):
    user = getattr(personas, role)
    period = {"date_from": day(3, 1), "date_to": D}
    seen = {
        "positions": {x.outlet_code for x in inventory.stock_position_list(user=user, as_of=D)},
        "alerts": {a.outlet_code for a in inventory.stock_alerts(user=user, as_of=D)},
        "rates": {r.key for r in inventory.sell_through_rates(user=user, **period)},
    }
    assert seen["positions"] == outlets
    assert seen["rates"] == outlets
    assert seen["alerts"] <= outlets
    assert inventory.stock_totals(user=user, as_of=D).positions == len(
        list(inventory.stock_position_list(user=user, as_of=D))
    )


# --- sell-through rate -----------------------------------------------------------------------
@pytest.fixture
def period_feed(personas, skus):
    """March 1–10: A1 × S1 opens with 10 (17 − 10 + 3), receives 18 and sells 12; A1 × S2
    opens with 5 and sells 2; B1 × S1 has nothing at all to sell."""
    p, s = personas, skus
    row(p.outlet_a1, s["s1"], day(2, 28), received=50, sold=50, stock=10)  # before the period
    row(p.outlet_a1, s["s1"], day(3, 1), received=10, sold=3, stock=17)
    row(p.outlet_a1, s["s1"], day(3, 5), received=0, sold=5, stock=12)
    row(p.outlet_a1, s["s1"], day(3, 9), received=8, sold=4, stock=16)
    row(p.outlet_a1, s["s2"], day(3, 2), received=0, sold=2, stock=3)
    row(p.outlet_b1, s["s1"], day(3, 3), received=0, sold=0, stock=0)
    row(p.outlet_b1, s["s1"], day(3, 11), received=9, sold=9, stock=0)  # after the period


PERIOD = {"date_from": day(3, 1), "date_to": day(3, 10)}


def test_rate_per_outlet_and_sku(personas, period_feed):
    rates = {
        r.key: r for r in inventory.sell_through_rates(user=personas.hq, by="outlet_sku", **PERIOD)
    }
    a1s1 = rates["S1000001/BCD-216STPT-W"]
    assert (a1s1.opening_stock, a1s1.units_received, a1s1.units_sold) == (10, 18, 12)
    assert a1s1.rate == Decimal("0.4286")  # 12 / (10 + 18)
    assert a1s1.percent == Decimal("42.9")
    assert a1s1.revenue == Decimal("30000.00")
    assert rates["S1000001/BCD-460WDGZ"].rate == Decimal("0.4000")  # 2 / (5 + 0)
    b1s1 = rates["S1000003/BCD-216STPT-W"]
    assert (b1s1.opening_stock, b1s1.units_received, b1s1.units_sold) == (0, 0, 0)
    assert b1s1.rate is None  # nothing to sell


def test_rate_rolled_up_per_outlet_sku_and_customer(personas, period_feed):
    hq = personas.hq
    outlets = {r.key: r for r in inventory.sell_through_rates(user=hq, by="outlet", **PERIOD)}
    assert (outlets["S1000001"].units_sold, outlets["S1000001"].opening_stock) == (14, 15)
    assert outlets["S1000001"].rate == Decimal("0.4242")  # 14 / (15 + 18)
    assert outlets["S1000001"].customer_code == "C100001"
    assert outlets["S1000003"].rate is None
    skus = {r.key: r for r in inventory.sell_through_rates(user=hq, by="sku", **PERIOD)}
    assert skus["BCD-216STPT-W"].rate == Decimal("0.4286")  # (12 + 0) / (10 + 0 + 18 + 0)
    assert skus["BCD-460WDGZ"].rate == Decimal("0.4000")
    customers = {r.key: r for r in inventory.sell_through_rates(user=hq, by="customer", **PERIOD)}
    assert customers["C100001"].rate == Decimal("0.4242")
    total = inventory.sell_through_total(user=hq, **PERIOD)
    assert (total.opening_stock, total.units_received, total.units_sold) == (15, 18, 14)
    assert total.rate == Decimal("0.4242")


def test_rate_ordering(personas, period_feed):
    hq = personas.hq
    by_rate = inventory.sell_through_rates(user=hq, by="outlet_sku", ordering="-rate", **PERIOD)
    assert [r.key for r in by_rate] == [
        "S1000001/BCD-216STPT-W",
        "S1000001/BCD-460WDGZ",
        "S1000003/BCD-216STPT-W",  # no rate: last
    ]
    by_sold = inventory.sell_through_rates(user=hq, by="outlet_sku", **PERIOD)
    assert [r.units_sold for r in by_sold] == [12, 2, 0]
    assert by_sold.count() == 3


def test_one_outlet_one_sku_one_day(personas, skus):
    row(personas.outlet_a2, skus["s3"], day(3, 5), received=4, sold=3, stock=6)
    rate = inventory.sell_through_total(user=personas.hq, **PERIOD)
    assert (rate.opening_stock, rate.units_received, rate.units_sold) == (5, 4, 3)
    assert rate.rate == Decimal("0.3333")  # 3 / (5 + 4)


def test_daily_points_are_zero_filled(personas, period_feed):
    points = inventory.sell_through_daily(user=personas.hq, **PERIOD)
    assert len(points) == 10
    assert [(p.date.day, p.units_sold, p.stock_units) for p in points[:5]] == [
        (1, 3, 17),
        (2, 2, 3),
        (3, 0, 0),
        (4, 0, 0),
        (5, 5, 12),
    ]


def test_helpers_compute_exact_boundaries():
    assert inventory.status_of(7, 28) == inventory.HEALTHY  # exactly 7 days
    assert inventory.status_of(6, 28) == inventory.STOCK_OUT
    assert inventory.status_of(60, 28) == inventory.HEALTHY  # exactly 60 days
    assert inventory.status_of(61, 28) == inventory.OVERSTOCK
    assert inventory.status_of(0, 0) == inventory.HEALTHY
    assert inventory.status_of(1, 0) == inventory.OVERSTOCK
    assert inventory.cover_of(5, 0) is None
    assert inventory.rate_of(1, -3, 2) is None
    assert inventory.window_start(D) == day(3, 4)
