"""The KPI formulas on hand-computed data: edge cases, weighting, trend buckets, periods,
scope and the number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from conftest import shared_personas
from roots.customers.models import Customer
from roots.customers.tests.factories import CustomerFactory, OutletFactory
from roots.kpis import selectors
from roots.kpis.selectors import Components, Period, customer_values, group_values
from roots.kpis.tests.factories import category_sales, complaint, expense, feed, local

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))


def _values(p, customer=None, period=JUNE):
    return selectors.customer_summary(user=p.hq, customer=customer or p.cust_a1, period=period)


def _row(p, day, **kw):
    kw.setdefault("sold", 1)
    kw.setdefault("revenue", "100.00")
    kw.setdefault("stock", 1)
    kw.setdefault("cost", "80.00")
    return feed(p.cust_a1, p.outlet_a1, p.sku, day, **kw)


# --- one customer: the formulas and their edge cases -------------------------------------------
def test_no_sales_in_the_period_leaves_every_sales_kpi_undefined(personas):
    _row(personas, date(2025, 5, 31))  # the day before
    _row(personas, date(2025, 7, 1))  # the day after
    v = _values(personas)
    assert (v.revenue, v.cogs, v.stock_value_days) == (0, 0, 0)
    assert (v.turnover_days, v.margin, v.resolution, v.share) == (None, None, None, None)


def test_period_days_are_inclusive(personas):
    _row(personas, date(2025, 6, 1), revenue="100.00")
    _row(personas, date(2025, 6, 30), revenue="50.00")
    assert _values(personas).revenue == D("150")


def test_zero_stock_is_zero_turnover_days(personas):
    _row(personas, date(2025, 6, 3), sold=2, revenue="300.00", stock=0, cost="100.00")
    v = _values(personas)
    assert v.turnover_days == 0
    assert v.margin == D("100") / D("300")


def test_stock_without_sales_has_no_turnover(personas):
    _row(personas, date(2025, 6, 3), sold=0, revenue="0.00", stock=5, cost="100.00")
    v = _values(personas)
    assert v.stock_value_days == D("500") and v.cogs == 0
    assert v.turnover_days is None and v.margin is None


def test_one_outlet_one_sku_over_days(personas):
    # Stock 10, 20, 30 units at 50.00; sold 1, 2, 3: average stock 1,000 a day at cost, COGS
    # 100 a day: 10 days.
    for day, sold, stock in ((1, 1, 10), (2, 2, 20), (3, 3, 30)):
        _row(personas, date(2025, 6, day), sold=sold, revenue="0.00", stock=stock, cost="50.00")
    v = _values(personas)
    assert (v.cogs, v.stock_value_days, v.turnover_days) == (D("300"), D("3000"), D("10"))


def test_several_outlets_and_skus_add_up(personas):
    from roots.catalog.tests.factories import SkuFactory

    p = personas
    other_outlet = OutletFactory.create(customer=p.cust_a1, province=p.outlet_a1.province)
    other_sku = SkuFactory.create()
    day = date(2025, 6, 5)
    feed(p.cust_a1, p.outlet_a1, p.sku, day, sold=1, revenue="10.00", stock=2, cost="5.00")
    feed(p.cust_a1, other_outlet, p.sku, day, sold=2, revenue="20.00", stock=4, cost="5.00")
    feed(p.cust_a1, p.outlet_a1, other_sku, day, sold=3, revenue="30.00", stock=6, cost="7.00")
    v = _values(p)
    assert (v.revenue, v.cogs, v.stock_value_days) == (D("60"), D("36"), D("72"))
    assert v.turnover_days == 2


def test_cents_sum_exactly(personas):
    # 0.1 + 0.2 is not 0.3 in floating point; the sums are exact Decimals on every backend.
    for day in range(1, 11):
        _row(personas, date(2025, 6, day), sold=3, revenue="0.10", cost="0.10", stock=7)
    v = _values(personas)
    assert (v.revenue, v.cogs, v.stock_value_days) == (D("1.00"), D("3.00"), D("7.00"))


def test_rebate_straddling_the_period_counts_its_days_inside(personas):
    _row(personas, date(2025, 6, 10), sold=1, revenue="1000.00", cost="900.00")
    # 1 May to 31 July: 92 days, 30 of them in June.
    expense(personas.cust_a1, "920.00", date(2025, 5, 1), date(2025, 7, 31))
    v = _values(personas)
    assert v.rebates == D("300")
    assert v.margin == (D("1000") - (D("900") - D("300"))) / D("1000")


def test_rebate_with_a_repeating_share_is_exact(personas):
    expense(personas.cust_a1, "100.00", date(2025, 6, 1), date(2025, 6, 3))
    period = Period(date(2025, 6, 1), date(2025, 6, 1))
    assert _values(personas, period=period).rebates == D("100.00") / 3


def test_rebates_outside_not_credited_or_not_rebates_do_not_count(personas):
    c = personas.cust_a1
    expense(c, "100.00", date(2025, 5, 1), date(2025, 5, 31))  # before
    expense(c, "100.00", date(2025, 7, 1), date(2025, 7, 31))  # after
    expense(c, "100.00", date(2025, 6, 1), date(2025, 6, 30), status="submitted")
    expense(c, "100.00", date(2025, 6, 1), date(2025, 6, 30), status="rejected")
    expense(c, "100.00", date(2025, 6, 1), date(2025, 6, 30), kind="marketing_expense")
    expense(c, "7.00", date(2025, 6, 30), date(2025, 6, 30), status="credited")  # last day
    expense(personas.cust_a2, "100.00", date(2025, 6, 1), date(2025, 6, 30))  # other customer
    assert _values(personas).rebates == D("7")


def test_rebate_alone_does_not_make_a_margin(personas):
    expense(personas.cust_a1, "100.00", date(2025, 6, 1), date(2025, 6, 30))
    v = _values(personas)
    assert v.rebates == D("100") and v.margin is None


def test_no_complaints_no_resolution(personas):
    _row(personas, date(2025, 6, 2))
    assert _values(personas).resolution is None


def test_open_complaints_count_as_raised_not_resolved(personas):
    c = personas.cust_a1
    complaint(c, local(2025, 6, 2), True)
    complaint(c, local(2025, 6, 3), None)
    complaint(c, local(2025, 6, 4), False)
    complaint(c, local(2025, 6, 5), None)
    v = _values(personas)
    assert (v.complaints_raised, v.complaints_in_sla, v.resolution) == (4, 1, D("0.25"))


def test_complaints_count_by_local_date_at_both_ends(personas):
    c = personas.cust_a1
    complaint(c, local(2025, 5, 31, 23, 59), True)  # 15:59 UTC on 31 May: outside
    complaint(c, local(2025, 6, 1, 0, 1), True)  # 16:01 UTC on 31 May: inside
    complaint(c, local(2025, 6, 30, 23, 59), False)  # inside
    complaint(c, local(2025, 7, 1, 0, 0), True)  # 16:00 UTC on 30 June: outside
    v = _values(personas)
    assert (v.complaints_raised, v.complaints_in_sla) == (2, 1)


def test_zero_category_sales_leave_the_share_undefined(personas):
    p = personas
    _row(p, date(2025, 6, 2), revenue="100.00")
    category_sales(p.cust_a1, p.outlet_a1, p.sku.product_model.category, date(2025, 6, 2), "0")
    assert _values(p).share is None
    category_sales(p.cust_a1, p.outlet_a1, p.sku.product_model.category, date(2025, 6, 3), "400")
    assert _values(p).share == D("0.25")


def test_other_customers_rows_do_not_leak(personas):
    p = personas
    feed(
        p.cust_a2,
        p.outlet_a2,
        p.sku,
        date(2025, 6, 2),
        sold=1,
        revenue="9.00",
        stock=1,
        cost="1.00",
    )
    complaint(p.cust_a2, local(2025, 6, 2), True)
    v = _values(p)
    assert (v.revenue, v.complaints_raised) == (0, 0)


# --- groups: the weighting ---------------------------------------------------------------------
def _kpis(revenue, cogs="0", stock="0", rebates="0", category="0", raised=0, in_sla=0):
    """A customer's components (what `group_values` weighs)."""
    return Components(
        revenue=D(revenue),
        cogs=D(cogs),
        stock_value_days=D(stock),
        rebates=D(rebates),
        category_sales=D(category),
        complaints_raised=raised,
        complaints_in_sla=in_sla,
    )


def test_a_customer_alone_is_its_own_group():
    parts = _kpis(
        "3000", cogs="1500", stock="15000", rebates="30", category="6000", raised=3, in_sla=2
    )
    alone, own = group_values([parts]), customer_values(parts)
    for name in ("turnover_days", "margin", "resolution", "share", "revenue", "rebates"):
        assert getattr(alone, name) == getattr(own, name), name
    assert alone.counted == own.counted


def test_group_weights_each_kpi_by_revenue_over_defined_values():
    big = _kpis("3000", cogs="1500", stock="15000", category="6000", raised=2, in_sla=2)
    small = _kpis("1000", cogs="900", stock="27000", category="0", raised=4, in_sla=1)
    g = group_values([big, small])
    assert g.turnover_days == (3000 * D(10) + 1000 * D(30)) / 4000  # 15
    assert g.margin == (3000 * D("0.5") + 1000 * D("0.1")) / 4000
    assert g.resolution == (3000 * D(1) + 1000 * D("0.25")) / 4000
    assert g.share == D("0.5")  # only `big` has category sales
    assert dict(g.counted) == {"turnover_days": 2, "margin": 2, "resolution": 2, "share": 1}
    assert (g.revenue, g.cogs, g.complaints_raised, g.customers) == (D(4000), D(2400), 6, 2)


def test_customer_without_revenue_weighs_nothing():
    sold = _kpis("1000", cogs="500", raised=1, in_sla=1)
    none_sold = _kpis("0", raised=3, in_sla=0)  # its resolution is 0, but without weight
    g = group_values([sold, none_sold])
    assert g.resolution == 1
    assert g.counted["resolution"] == 1


def test_group_without_weight_is_undefined():
    g = group_values([_kpis("0", raised=2, in_sla=1), _kpis("0")])
    assert (g.turnover_days, g.margin, g.resolution, g.share) == (None, None, None, None)
    assert g.customers == 2
    assert group_values([]).customers == 0 and group_values([]).margin is None


def test_weighted_margin_equals_pooled_margin():
    a = _kpis("9000", cogs="7200", rebates="450")
    b = _kpis("5000", cogs="4000")
    g = group_values([a, b])
    assert g.margin == (g.revenue - g.cogs + g.rebates) / g.revenue


def test_account_manager_weights_their_customers(personas):
    p = personas
    third = CustomerFactory.create(branch=p.branch_a, account_manager=p.am_a)
    outlet = OutletFactory.create(customer=third, province=p.outlet_a1.province)
    _row(p, date(2025, 6, 2), sold=1, revenue="300.00", stock=2, cost="150.00")  # margin 0.5
    feed(third, outlet, p.sku, date(2025, 6, 2), sold=1, revenue="100.00", stock=0, cost="90.00")
    report = selectors.account_manager_report(user=p.am_a, account_manager=p.am_a, period=JUNE)
    assert report.values.margin == (300 * D("0.5") + 100 * D("0.1")) / 400
    assert report.values.turnover_days == (300 * D(2) + 100 * D(0)) / 400
    assert [r.key for r in report.rows] == ["C100001", third.code]


def test_branch_ranking_has_every_account_manager_and_the_unmanaged(personas):
    p = personas
    CustomerFactory.create(branch=p.branch_a, account_manager=None, code="C199999")
    report = selectors.branch_report(user=p.hq, branch=p.branch_a, period=JUNE)
    keys = [r.key for r in report.rows]
    assert keys == ["am_a", "am_a2", None]
    assert [r.values.customers for r in report.rows] == [1, 1, 1]
    assert report.values.customers == 3


def test_overall_report_has_one_row_per_branch(personas):
    p = personas
    _row(p, date(2025, 6, 2), revenue="100.00")
    feed(
        p.cust_b1,
        p.outlet_b1,
        p.sku,
        date(2025, 6, 2),
        sold=1,
        revenue="300.00",
        stock=1,
        cost="10.00",
    )
    report = selectors.overall_report(user=p.hq, period=JUNE)
    assert [(r.key, r.values.revenue) for r in report.rows] == [("BA", 100), ("BB", 300)]
    assert report.values.revenue == 400


# --- trends ------------------------------------------------------------------------------------
def test_buckets_are_iso_weeks_up_to_92_days_and_months_beyond():
    short = Period(date(2025, 1, 1), date(2025, 4, 2))  # 92 days
    assert short.days == 92 and short.weekly
    assert short.buckets()[0] == Period(date(2025, 1, 1), date(2025, 1, 5))  # Wed to Sun
    assert short.buckets()[1] == Period(date(2025, 1, 6), date(2025, 1, 12))
    assert short.buckets()[-1] == Period(date(2025, 3, 31), date(2025, 4, 2))
    assert len(short.buckets()) == 14
    long = Period(date(2025, 1, 15), date(2025, 4, 20))
    assert not long.weekly
    assert long.buckets() == [
        Period(date(2025, 1, 15), date(2025, 1, 31)),
        Period(date(2025, 2, 1), date(2025, 2, 28)),
        Period(date(2025, 3, 1), date(2025, 3, 31)),
        Period(date(2025, 4, 1), date(2025, 4, 20)),
    ]
    leap = Period(date(2024, 1, 1), date(2024, 12, 31))
    assert leap.buckets()[1] == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert len(leap.buckets()) == 12


def test_monthly_trend_spreads_rebates_and_buckets_sales_and_complaints(personas):
    p = personas
    period = Period(date(2025, 1, 15), date(2025, 4, 20))
    _row(p, date(2025, 1, 20), sold=1, revenue="1000.00", stock=3, cost="600.00")
    _row(p, date(2025, 3, 31), sold=2, revenue="2000.00", stock=4, cost="600.00")
    # 1 Jan to 30 April: 120 days, of which 17 + 28 + 31 + 20 = 96 in the period.
    expense(p.cust_a1, "1200.00", date(2025, 1, 1), date(2025, 4, 30))
    complaint(p.cust_a1, local(2025, 2, 28, 23, 30), True)  # local February
    complaint(p.cust_a1, local(2025, 3, 1, 0, 30), False)  # local March (still Feb in UTC)
    report = selectors.customer_report(user=p.hq, customer=p.cust_a1, period=period)
    trend = report.trend
    assert [t.period_start for t in trend] == [
        date(2025, 1, 15),
        date(2025, 2, 1),
        date(2025, 3, 1),
        date(2025, 4, 1),
    ]
    assert [t.values.rebates for t in trend] == [D(170), D(280), D(310), D(200)]
    assert report.values.rebates == D(960)
    assert [t.values.revenue for t in trend] == [D(1000), 0, D(2000), 0]
    assert [t.values.margin for t in trend] == [
        (D(1000) - D(600) + D(170)) / D(1000),
        None,
        (D(2000) - D(1200) + D(310)) / D(2000),
        None,
    ]
    assert [(t.values.complaints_raised, t.values.complaints_in_sla) for t in trend] == [
        (0, 0),
        (1, 1),
        (1, 0),
        (0, 0),
    ]


def test_group_trend_is_weighted_per_bucket(example):
    p = example.personas
    report = selectors.branch_report(user=p.hq, branch=p.branch_a, period=example.period)
    week_of_10th = report.trend[2]  # 9–15 June: only A2 sold (turnover 4.8, margin 0.2)
    assert week_of_10th.values.turnover_days == D("4.8")
    assert week_of_10th.values.margin == D("0.2")
    first_week = report.trend[1]  # 2–8 June: only A1 (margin 23.5%)
    assert first_week.values.margin == D("0.235")
    assert sum((t.values.revenue for t in report.trend), D(0)) == report.values.revenue


# --- periods -----------------------------------------------------------------------------------
def test_default_period_is_the_last_90_days():
    today = date(2025, 6, 30)
    period = selectors.period_from(start=None, end=None, today=today)
    assert period == Period(date(2025, 4, 2), today) and period.days == 90
    assert period.previous() == Period(date(2025, 1, 2), date(2025, 4, 1))
    assert selectors.period_from(start=None, end=date(2025, 1, 31), today=today).days == 90
    assert selectors.period_from(start=date(2025, 6, 1), end=None, today=today) == JUNE


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2025, 6, 2), date(2025, 6, 1), "to"),
        (date(2022, 1, 1), date(2025, 1, 1), "from"),  # 1,097 days
        (date(1969, 12, 31), date(2025, 1, 1), "from"),
        (None, date(2101, 1, 1), "to"),
        (date(2026, 1, 1), None, "to"),  # after today
    ],
)
def test_bad_periods_raise_field_errors(start, end, field):
    with pytest.raises(ValidationError) as info:
        selectors.period_from(start=start, end=end, today=date(2025, 6, 30))
    assert field in info.value.message_dict


def test_three_years_is_the_longest_period():
    period = selectors.period_from(
        start=date(2022, 1, 1), end=date(2024, 12, 31), today=date.today()
    )
    assert period.days == 1096


# --- scope and queries -------------------------------------------------------------------------
def test_selectors_see_only_the_users_scope(example):
    p = example.personas
    # am_a2 reading am_a's customers through their own scope finds none.
    report = selectors.account_manager_report(user=p.am_a2, account_manager=p.am_a, period=JUNE)
    assert report.rows == [] and report.values.revenue == 0
    with pytest.raises(Http404):
        selectors.kpi_customer(user=p.am_a2, code="C100001")
    with pytest.raises(Http404):
        selectors.kpi_account_manager(user=p.am_a2, username="am_a")
    with pytest.raises(Http404):
        selectors.kpi_account_manager(user=p.bm_b, username="am_a")
    with pytest.raises(Http404):
        selectors.kpi_account_manager(user=p.pm, username="am_a")
    with pytest.raises(Http404):
        selectors.kpi_account_manager(user=p.hq, username="bm_a")  # not an account manager
    with pytest.raises(Http404):
        selectors.kpi_branch(user=p.bm_b, code="BA")
    with pytest.raises(Http404):
        selectors.kpi_branch(user=p.am_a, code="BA")
    with pytest.raises(Http404):
        selectors.kpi_customer(user=p.hq, code="C1\x00")
    assert selectors.kpi_customer(user=p.pm, code="C100001") == p.cust_a1
    assert selectors.kpi_account_manager(user=p.bm_a, username="am_a") == p.am_a
    assert selectors.kpi_branch(user=p.bm_a, code="BA") == p.branch_a


def _queries(p, trend: bool) -> int:
    customers = Customer.objects.visible_to(p.hq)
    with CaptureQueriesContext(connection) as ctx:
        collected = selectors.collect(user=p.hq, customers=customers, period=JUNE, trend=trend)
        selectors.trend_of(collected, [c.pk for c in collected.customers])
    return len(ctx.captured_queries)


@pytest.mark.parametrize("trend", [False, True])
def test_queries_do_not_grow_with_customers(personas, trend):
    p = personas
    before = _queries(p, trend)
    for n in range(5):
        c = CustomerFactory.create(branch=p.branch_a, account_manager=p.am_a)
        o = OutletFactory.create(customer=c, province=p.outlet_a1.province)
        feed(c, o, p.sku, date(2025, 6, n + 1), sold=1, revenue="1.00", stock=1, cost="1.00")
        expense(c, "10.00", date(2025, 6, 1), date(2025, 6, 30))
        complaint(c, local(2025, 6, 3), True)
    assert _queries(p, trend) == before == 5
