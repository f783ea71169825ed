"""The board and the forecast, with numbers worked out by hand, and their scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import shared_personas
from roots.sales import selectors, services
from roots.sales.models import Opportunity, Stage
from roots.sales.tests.test_pipeline_support import make_opportunity

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = date(2026, 3, 15)


def _opp(personas, stage, value, close, probability=None, user=None, customer=None):
    opp = make_opportunity(
        user or personas.am_a,
        customer=customer or personas.cust_a1,
        expected_value=Decimal(value),
        close_date=close,
        probability=probability,
        stage=stage if stage not in (Stage.WON, Stage.LOST) else Stage.PROSPECTING,
    )
    if stage in (Stage.WON, Stage.LOST):
        services.opportunity_move(
            user=user or personas.am_a, opportunity=opp, stage=stage, lost_reason="price"
        )
        Opportunity.objects.filter(pk=opp.pk).update(close_date=close)  # closed that day
    return opp


@pytest.fixture
def pipeline(personas):
    """am_a's opportunities around 15 March 2026 (and one of am_b's)."""
    return {
        "A": _opp(personas, Stage.PROSPECTING, "100000", date(2026, 3, 20)),  # 10% → 10,000
        "B": _opp(personas, Stage.NEGOTIATION, "200000", date(2026, 3, 31), 35),  # → 70,000
        "C": _opp(personas, Stage.CONTRACT, "50000", date(2026, 4, 1)),  # 80% → 40,000
        "D": _opp(personas, Stage.DEMO, "12345.67", date(2026, 5, 10)),  # 40% → 4,938.27
        "E": _opp(personas, Stage.FIRST_VISIT, "80000", date(2026, 2, 10)),  # overdue, 16,000
        "F": _opp(personas, Stage.WON, "300000", date(2026, 3, 5)),
        "G": _opp(personas, Stage.LOST, "99999", date(2026, 3, 6)),
        "H": _opp(personas, Stage.MAINTENANCE, "70000", date(2026, 6, 1)),  # 90% → 63,000
        "X": _opp(
            personas,
            Stage.PROSPECTING,
            "555555",
            date(2026, 3, 20),
            user=personas.am_b,
            customer=personas.cust_b1,
        ),
    }


def test_forecast_by_month_by_hand(personas, pipeline, django_assert_num_queries):
    with django_assert_num_queries(2):
        forecast = selectors.forecast_by_month(user=personas.am_a, months=3, past=1, today=TODAY)
    rows = [
        (m.month, m.count, m.unweighted, m.weighted, m.won, m.won_count) for m in forecast.months
    ]
    assert rows == [
        (date(2026, 2, 1), 1, Decimal("80000.00"), Decimal("16000.00"), Decimal("0.00"), 0),
        (date(2026, 3, 1), 2, Decimal("300000.00"), Decimal("80000.00"), Decimal("300000.00"), 1),
        (date(2026, 4, 1), 1, Decimal("50000.00"), Decimal("40000.00"), Decimal("0.00"), 0),
        (date(2026, 5, 1), 1, Decimal("12345.67"), Decimal("4938.27"), Decimal("0.00"), 0),
    ]
    assert forecast.unweighted == Decimal("442345.67")
    assert forecast.weighted == Decimal("140938.27")
    assert forecast.won == Decimal("300000.00")
    assert (forecast.overdue_count, forecast.overdue_value) == (1, Decimal("80000.00"))


def test_forecast_scope_and_filters(personas, pipeline):
    def march(**kwargs):
        return selectors.forecast_by_month(months=1, today=TODAY, **kwargs).months[0]

    assert march(user=personas.bm_a).unweighted == Decimal("300000.00")
    assert march(user=personas.hq).unweighted == Decimal("855555.00")
    assert march(user=personas.hq, branch=personas.branch_b).unweighted == Decimal("555555.00")
    assert march(user=personas.hq, owner=personas.am_a).won == Decimal("300000.00")
    assert march(user=personas.am_a2).unweighted == Decimal("0.00")
    assert march(user=personas.pm).unweighted == Decimal("0.00")


def test_board_by_hand(personas, pipeline, django_assert_num_queries):
    with django_assert_num_queries(3):
        board = selectors.pipeline_board(user=personas.am_a, today=TODAY)
    columns = {c.stage: (c.count, c.total, c.weighted) for c in board.columns}
    assert columns == {
        "prospecting": (1, Decimal("100000.00"), Decimal("10000.00")),
        "first_visit": (1, Decimal("80000.00"), Decimal("16000.00")),
        "demo": (1, Decimal("12345.67"), Decimal("4938.27")),
        "negotiation": (1, Decimal("200000.00"), Decimal("70000.00")),
        "contract": (1, Decimal("50000.00"), Decimal("40000.00")),
        "maintenance": (1, Decimal("70000.00"), Decimal("63000.00")),
    }
    assert [c.stage for c in board.columns] == list(columns)
    assert (board.count, board.total, board.weighted) == (
        6,
        Decimal("512345.67"),
        Decimal("203938.27"),
    )
    assert (board.won_this_month, board.won_this_month_count) == (Decimal("300000.00"), 1)
    assert board.overdue == 1
    first_visit = board.columns[1]
    assert [c.code for c in first_visit.cards] == [pipeline["E"].code]
    assert first_visit.cards[0].overdue


def test_board_shows_the_first_cards_of_each_column(personas, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_CARDS", 2)
    made = [_opp(personas, Stage.DEMO, "1000", date(2026, 4, day)) for day in (9, 3, 6)]
    board = selectors.pipeline_board(user=personas.am_a, today=TODAY)
    demo = next(c for c in board.columns if c.stage == Stage.DEMO)
    assert [c.code for c in demo.cards] == [made[1].code, made[2].code]  # soonest first
    assert (demo.count, demo.more) == (3, 1)


def test_board_of_an_owner_and_of_the_branch(personas, pipeline):
    other = _opp(personas, Stage.DEMO, "1000", TODAY, user=personas.bm_a, customer=personas.cust_a2)
    branch = selectors.pipeline_board(user=personas.bm_a, today=TODAY)
    assert branch.count == 7
    mine = selectors.pipeline_board(user=personas.bm_a, owner=personas.am_a, today=TODAY)
    assert mine.count == 6
    assert other.owner == personas.am_a2
    assert selectors.pipeline_board(user=personas.pm, today=TODAY).count == 0
