"""The potential-customer worksheet: score, current revenue (invoices of the last 365
days), the priority of each quadrant of the matrix, the customer's priority and history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import shared_personas
from roots.customers.models import Customer
from roots.finance.tests.factories import invoice
from roots.sales import selectors, services
from roots.sales.models import PotentialAssessment
from roots.sales.tests.test_pipeline_support import (
    SCORES_HIGH,
    SCORES_LOW,
    make_assessment,
    today,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    ("total", "score"),
    [(7, 20), (14, 40), (20, 57), (21, 60), (22, 63), (28, 80), (35, 100)],
)
def test_score_is_the_sum_over_35_as_a_percentage(total, score):
    scores = dict.fromkeys(services.SCORE_FIELDS, 1)
    extra = total - 7
    for name in services.SCORE_FIELDS:
        step = min(4, extra)
        scores[name] += step
        extra -= step
    assert sum(scores.values()) == total
    assert services.assessment_score(scores) == score


@pytest.mark.parametrize(
    ("score", "current", "potential", "priority"),
    [
        (80, "600000", "1000000", "A+"),  # high potential, high current: defend and grow
        (80, "100000", "1000000", "A"),  # high potential, low current: most upside
        (40, "600000", "1000000", "B"),  # low potential, high current: maintain
        (40, "100000", "1000000", "C"),  # low and low: serve at low cost
        (60, "500000", "1000000", "A+"),  # both thresholds are inclusive
        (59, "499999.99", "1000000", "C"),
    ],
)
def test_priority_matrix(score, current, potential, priority):
    assert (
        services.assessment_priority(
            score=score, current_revenue=Decimal(current), potential_revenue=Decimal(potential)
        )
        == priority
    )


def test_current_revenue_counts_the_invoices_of_the_last_365_days(personas):
    day = today()
    invoice(personas.cust_a1, "100000", day)
    invoice(personas.cust_a1, "250000", day - timedelta(days=364))
    invoice(personas.cust_a1, "999999", day - timedelta(days=365))  # a year and a day ago
    invoice(personas.cust_a2, "777777", day)  # another customer
    revenue = selectors.customer_current_revenue(user=personas.am_a, customer=personas.cust_a1)
    assert revenue == Decimal("350000.00")


@pytest.mark.parametrize(
    ("scores", "invoiced", "priority"),
    [
        (SCORES_HIGH, "600000", "A+"),
        (SCORES_HIGH, "100000", "A"),
        (SCORES_LOW, "600000", "B"),
        (SCORES_LOW, "0", "C"),
    ],
)
def test_assessment_sets_score_revenue_and_priority(personas, scores, invoiced, priority):
    if invoiced != "0":
        invoice(personas.cust_a1, invoiced, today() - timedelta(days=30))
    assessment = make_assessment(personas.am_a, personas.cust_a1, scores, potential="1000000")
    assert assessment.current_revenue == Decimal(invoiced)
    assert assessment.score == services.assessment_score(scores)
    assert assessment.priority == priority
    assert Customer.objects.get(pk=personas.cust_a1.pk).priority == priority


def test_the_customers_priority_change_is_in_its_history(personas):
    make_assessment(personas.am_a, personas.cust_a1, SCORES_HIGH)  # no revenue: A
    customer = Customer.objects.get(pk=personas.cust_a1.pk)
    assert customer.priority == "A"
    latest = customer.history.first()
    assert latest.priority == "A" and latest.history_user == personas.am_a


def test_scores_out_of_range_are_refused(personas):
    with pytest.raises(ValidationError) as exc:
        make_assessment(personas.am_a, personas.cust_a1, {**SCORES_HIGH, "growth": 6})
    assert "growth" in exc.value.message_dict
    assert not PotentialAssessment.objects.exists()


@pytest.mark.parametrize("role", ["am_a2", "am_b", "bm_b", "pm", "cu_a1", "agent"])
def test_only_those_who_sell_to_the_customer_assess_it(personas, role):
    with pytest.raises(PermissionDenied):
        make_assessment(getattr(personas, role), personas.cust_a1)


def test_assessments_are_seen_by_the_customers_sellers_only(personas):
    assessment = make_assessment(personas.bm_a, personas.cust_a1)
    for role, seen in [
        ("hq", True),
        ("bm_a", True),
        ("am_a", True),
        ("am_a2", False),
        ("bm_b", False),
        ("pm", False),
        ("cu_a1", False),
        ("su", False),
    ]:
        visible = PotentialAssessment.objects.visible_to(getattr(personas, role))
        assert visible.filter(pk=assessment.pk).exists() is seen, role


def test_matrix_points_use_each_customers_latest_assessment(personas):
    make_assessment(personas.am_a, personas.cust_a1, SCORES_LOW, potential="200000")
    newest = make_assessment(personas.am_a, personas.cust_a1, SCORES_HIGH, potential="900000")
    make_assessment(personas.am_a2, personas.cust_a2, SCORES_LOW)
    points = selectors.matrix_points(user=personas.bm_a)
    assert {p.customer for p in points} == {"C100001", "C100002"}
    a1 = next(p for p in points if p.customer == "C100001")
    assert (a1.score, a1.potential_revenue, a1.priority) == (80, Decimal("900000"), "A")
    assert a1.share == 0.0
    assert [p.customer for p in selectors.matrix_points(user=personas.am_a)] == ["C100001"]
    only_a = selectors.matrix_points(user=personas.hq, priority="A")
    assert [p.customer for p in only_a] == ["C100001"]
    assert selectors.latest_assessment(user=personas.am_a, customer=personas.cust_a1) == newest
