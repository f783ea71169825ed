"""docs/kpis.md, "Worked example": every number of the doc, from the rows it lists
(`conftest.build_worked_example`). Keep the two in step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from roots.kpis import selectors
from roots.kpis.views import show_days, show_percent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_customer_a1(example):
    p = example.personas
    v = selectors.customer_summary(user=p.hq, customer=p.cust_a1, period=example.period)
    assert (v.revenue, v.cogs, v.stock_value_days) == (D("9000"), D("7200"), D("36000"))
    assert v.rebates == D("450")  # 900 × 15 / 30
    assert v.category_sales == D("36000")
    assert (v.complaints_raised, v.complaints_in_sla) == (2, 1)
    assert v.turnover_days == D("5")
    assert v.margin == D("0.25")  # (9000 − (7200 − 450)) / 9000
    assert v.resolution == D("0.5")
    assert v.share == D("0.25")
    assert [show_days(v.turnover_days), show_percent(v.margin)] == ["5.0", "25.0%"]
    assert [show_percent(v.resolution), show_percent(v.share)] == ["50.0%", "25.0%"]


def test_customer_a2(example):
    p = example.personas
    v = selectors.customer_summary(user=p.hq, customer=p.cust_a2, period=example.period)
    assert (v.revenue, v.cogs, v.stock_value_days) == (D("5000"), D("4000"), D("19200"))
    assert (v.rebates, v.category_sales) == (D("0"), D("12500"))
    # Raised at 23:30 on 30 June in Shanghai (15:30 UTC): inside June.
    assert (v.complaints_raised, v.complaints_in_sla) == (1, 1)
    assert v.turnover_days == D("4.8")
    assert v.margin == D("0.2")
    assert v.resolution == D("1")
    assert v.share == D("0.4")
    assert show_days(v.turnover_days) == "4.8"
    assert [show_percent(v.margin), show_percent(v.resolution), show_percent(v.share)] == [
        "20.0%",
        "100.0%",
        "40.0%",
    ]


def test_account_manager_with_one_customer_has_its_kpis(example):
    p = example.personas
    report = selectors.account_manager_report(
        user=p.am_a, account_manager=p.am_a, period=example.period
    )
    v = report.values
    assert (v.turnover_days, v.margin, v.resolution, v.share) == (
        D("5"),
        D("0.25"),
        D("0.5"),
        D("0.25"),
    )
    assert [r.key for r in report.rows] == ["C100001"]


def test_branch_a_weighted_by_revenue(example):
    p = example.personas
    report = selectors.branch_report(user=p.bm_a, branch=p.branch_a, period=example.period)
    v = report.values
    assert v.turnover_days == D(69000) / D(14000)
    assert v.margin == D(3250) / D(14000)
    assert v.resolution == D(9500) / D(14000)
    assert v.share == D(4250) / D(14000)
    assert [show_days(v.turnover_days), show_percent(v.margin)] == ["4.9", "23.2%"]
    assert [show_percent(v.resolution), show_percent(v.share)] == ["67.9%", "30.4%"]
    assert (v.revenue, v.cogs, v.stock_value_days, v.rebates, v.category_sales) == (
        D("14000"),
        D("11200"),
        D("55200"),
        D("450"),
        D("48500"),
    )
    assert (v.complaints_raised, v.complaints_in_sla, v.customers) == (3, 2, 2)
    # The ranking: one row per account manager of the branch.
    rows = {r.key: r.values for r in report.rows}
    assert set(rows) == {"am_a", "am_a2"}
    assert rows["am_a"].margin == D("0.25") and rows["am_a2"].margin == D("0.2")


def test_a1_weekly_trend(example):
    p = example.personas
    report = selectors.customer_report(user=p.hq, customer=p.cust_a1, period=example.period)
    assert [(t.period_start, t.period_end) for t in report.trend] == [
        (date(2025, 6, 1), date(2025, 6, 1)),
        (date(2025, 6, 2), date(2025, 6, 8)),
        (date(2025, 6, 9), date(2025, 6, 15)),
        (date(2025, 6, 16), date(2025, 6, 22)),
        (date(2025, 6, 23), date(2025, 6, 29)),
        (date(2025, 6, 30), date(2025, 6, 30)),
    ]
    rows = [
        (t.values.revenue, t.values.cogs, t.values.stock_value_days, t.values.rebates)
        for t in report.trend
    ]
    assert rows == [
        (D("3000"), D("2400"), D("12000"), D("30")),
        (D("6000"), D("4800"), D("24000"), D("210")),
        (D("0"), D("0"), D("0"), D("210")),
        (D("0"), D("0"), D("0"), D("0")),
        (D("0"), D("0"), D("0"), D("0")),
        (D("0"), D("0"), D("0"), D("0")),
    ]
    assert [t.values.turnover_days for t in report.trend] == [D(5), D(5), None, None, None, None]
    assert [t.values.margin for t in report.trend] == [
        D("0.21"),
        D("0.235"),
        None,
        None,
        None,
        None,
    ]
    assert [t.values.resolution for t in report.trend] == [None, D(1), None, D(0), None, None]


def test_api_answers_the_example(example, api):
    p = example.personas
    response = api.as_(p.bm_a).get(f"/api/v1/kpis/branches/BA/{example.query}")
    assert response.status_code == 200, response.data
    body = response.json()
    assert body["period"] == {"from": "2025-06-01", "to": "2025-06-30"}
    kpis = body["kpis"]
    assert kpis["turnover_days"] == pytest.approx(69000 / 14000)
    assert kpis["profit_margin"] == pytest.approx(3250 / 14000)
    assert kpis["problem_resolution"] == pytest.approx(9500 / 14000)
    assert kpis["sales_share"] == pytest.approx(4250 / 14000)
    assert body["totals"]["revenue"] == "14000.00"
    assert body["totals"]["rebates"] == "450.00"
    assert body["totals"]["stock_value_days"] == "55200.00"
    assert body["totals"]["counted"] == {
        "turnover_days": 2,
        "profit_margin": 2,
        "problem_resolution": 2,
        "sales_share": 2,
    }
