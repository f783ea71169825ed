"""Builders of pipeline records for the sales tests (through the services). No tests here:
the pipeline's test modules import these helpers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from roots.sales import services
from roots.sales.models import Activity, Lead, Opportunity, PotentialAssessment

SCORES_HIGH = dict.fromkeys(services.SCORE_FIELDS, 4)  # Σ 28 → score 80
SCORES_LOW = dict.fromkeys(services.SCORE_FIELDS, 2)  # Σ 14 → score 40


def today() -> date:
    return timezone.localdate()


def make_lead(user: Any, **fields: Any) -> Lead:
    data: dict[str, Any] = {
        "company_name": "海信广场",
        "contact_name": "刘洋",
        "phone": "0532-80000000",
        "source": "exhibition",
        "channel_type": "department_store",
        "city": "青岛",
    }
    data.update(fields)
    return services.lead_create(user=user, data=data)


def make_opportunity(
    user: Any, customer: Any = None, lead: Any = None, **fields: Any
) -> Opportunity:
    data: dict[str, Any] = {
        "name": "冰箱年度采购",
        "expected_value": Decimal("100000.00"),
        "close_date": today() + timedelta(days=20),
    }
    if customer is not None:
        data["customer"] = customer
    if lead is not None:
        data["lead"] = lead
    data.update(fields)
    return services.opportunity_create(user=user, data=data)


def make_activity(user: Any, **fields: Any) -> Activity:
    data: dict[str, Any] = {
        "kind": "visit",
        "subject": "拜访门店",
        "planned_at": timezone.now() + timedelta(days=1),
    }
    data.update(fields)
    return services.activity_plan(user=user, data=data)


def make_assessment(
    user: Any, customer: Any, scores: dict[str, int] | None = None, potential: str = "1000000"
) -> PotentialAssessment:
    values: dict[str, Any] = dict(scores or SCORES_HIGH)
    return services.assessment_create(
        user=user, customer=customer, potential_revenue=Decimal(potential), **values
    )
