"""Fixtures of the service app's tests: complaints of the personas' customers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from roots.service import services
from roots.service.models import Complaint


@pytest.fixture
def raise_complaint(personas) -> Callable[..., Complaint]:
    """`raise_complaint(user=..., **fields)`: a complaint through the service (customer user
    cu_a1 for customer A1 by default)."""

    def make(user: Any = None, **fields: Any) -> Complaint:
        data = {
            "category": "delivery",
            "subject": "送货延迟三天",
            "description": "订单已确认但三天未到货，门店缺货。",
            "severity": "normal",
        }
        data.update(fields)
        return services.complaint_raise(user=user or personas.cu_a1, data=data)

    return make


def age(complaint: Complaint, *, hours: float) -> Complaint:
    """Move a complaint's clock back by `hours` (raised, deadlines), as if raised earlier."""
    shift = timedelta(hours=hours)
    Complaint.objects.filter(pk=complaint.pk).update(
        raised_at=complaint.raised_at - shift,
        response_due=complaint.response_due - shift,
        resolution_due=complaint.resolution_due - shift,
    )
    complaint.refresh_from_db()
    return complaint


def now() -> Any:
    return timezone.now()
