"""Writes of the potential-customer worksheet (潜在客户评估) and its priority matrix
(docs/sales.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from roots.core.text import clean_text
from roots.customers.models import Customer, Priority
from roots.sales import policies
from roots.sales.models import PotentialAssessment
from roots.sales.selectors import customer_current_revenue

if TYPE_CHECKING:
    from collections.abc import Mapping

    from roots.org.models import User

# The seven criteria of the worksheet, each scored 1 (poor) to 5 (excellent).
SCORE_FIELDS = (
    "growth",
    "business_plan",
    "revenue_potential",
    "opportunities",
    "solution_fit",
    "competitiveness",
    "relationship",
)
SCORE_MAX_TOTAL = 5 * len(SCORE_FIELDS)  # 35
# Potential is high from this score (0–100) up: on average 3 of 5 on every criterion.
POTENTIAL_HIGH_SCORE = 60
# The current revenue is high when the customer already brings this share of its potential.
CURRENT_HIGH_SHARE = Decimal("0.5")


def assessment_score(scores: Mapping[str, int]) -> int:
    """The worksheet's score, 0–100: the seven 1–5 scores' sum over 35, rounded half up."""
    total = sum(int(scores[name]) for name in SCORE_FIELDS)
    return int((Decimal(total) * 100 / SCORE_MAX_TOTAL).quantize(Decimal(1), ROUND_HALF_UP))


def assessment_priority(*, score: int, current_revenue: Decimal, potential_revenue: Decimal) -> str:
    """The A+/A/B/C matrix: potential high (score ≥ 60) × current high (the customer brings
    at least half of its potential revenue already).

    A+ high potential, high current: a key account to defend and grow;
    A  high potential, low current: the most upside, grow it;
    B  low potential, high current: maintain;
    C  low potential, low current: serve at low cost."""
    potential_high = score >= POTENTIAL_HIGH_SCORE
    current_high = Decimal(current_revenue) >= Decimal(potential_revenue) * CURRENT_HIGH_SHARE
    if potential_high:
        return Priority.A_PLUS if current_high else Priority.A
    return Priority.B if current_high else Priority.C


@transaction.atomic
def assessment_create(
    *,
    user: User,
    customer: Customer,
    growth: int,
    business_plan: int,
    revenue_potential: int,
    opportunities: int,
    solution_fit: int,
    competitiveness: int,
    relationship: int,
    potential_revenue: Decimal,
    notes: str = "",
) -> PotentialAssessment:
    """Fill in the potential-customer worksheet (潜在客户评估) for a customer: the score of
    the seven criteria, the revenue the customer brings now (invoiced over the last 365
    days), the priority from the matrix; the customer's priority becomes the new one (a
    change in its history). Its account manager, the branch manager, headquarters."""
    from roots.customers import services as customer_services

    if not policies.can_sell_to(user, customer):
        raise PermissionDenied(_("You may not assess this customer."))
    scores = {
        "growth": growth,
        "business_plan": business_plan,
        "revenue_potential": revenue_potential,
        "opportunities": opportunities,
        "solution_fit": solution_fit,
        "competitiveness": competitiveness,
        "relationship": relationship,
    }
    errors = {
        name: [_("Score from 1 to 5.")]
        for name, value in scores.items()
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5
    }
    if errors:
        raise ValidationError(errors)
    assessment = PotentialAssessment(
        customer=customer,
        potential_revenue=potential_revenue,
        notes=clean_text(notes, field="notes", max_length=2000),
        assessed_by=user,
        **scores,
    )
    assessment.full_clean(exclude=["priority"])
    assessment.score = assessment_score(scores)
    assessment.current_revenue = customer_current_revenue(user=user, customer=customer)
    assessment.priority = assessment_priority(
        score=assessment.score,
        current_revenue=assessment.current_revenue,
        potential_revenue=assessment.potential_revenue,
    )
    assessment.save()
    if customer.priority != assessment.priority:
        customer_services.customer_update(
            user=user, customer=customer, data={"priority": assessment.priority}
        )
        customer.priority = assessment.priority
    return assessment
