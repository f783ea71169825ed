"""Demo complaints: six months of them, mostly resolved (most within SLA, some late), a few
open; deterministic for a seed."""

from __future__ import annotations

import pytest

from roots.demo.seeder import seed_demo
from roots.org.demo.common import DemoRandom
from roots.service.demo import seed_complaints
from roots.service.models import Complaint, ComplaintMessage
from roots.service.services import complaint_raise

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The small demo data set without its complaints (seed_demo writes them too)."""
    seed_demo(scale="small", seed=7, log=lambda _m: None)
    Complaint.objects.all().delete()


def _fingerprint() -> list[tuple]:
    return list(
        Complaint.objects.order_by("number").values_list(
            "number", "customer__code", "subject", "status", "raised_at", "resolved_within_sla"
        )
    )


def test_small_demo_complaints(demo):
    counts = seed_complaints(scale="small", rng=DemoRandom(7, "complaints"))
    assert counts["complaints"] == Complaint.objects.count() == 60
    assert counts["complaint_messages"] == ComplaintMessage.objects.count() > 60
    assert counts["complaints_resolved"] > 40
    assert 0 < counts["complaints_within_sla"] < counts["complaints_resolved"]
    assert counts["complaints_open"] > 0
    # Every complaint is owned by its customer's account manager, numbered in raised order.
    complaint = Complaint.objects.select_related("customer").order_by("number").first()
    assert complaint is not None and complaint.owner_id == complaint.customer.account_manager_id
    raised = list(Complaint.objects.order_by("number").values_list("raised_at", flat=True))
    assert raised == sorted(raised)
    # Searchable, with history, and the next complaint continues the numbers.
    assert Complaint.objects.search(complaint.number).exists()
    assert complaint.history.count() == 1
    user = complaint.customer.users.first() or complaint.customer.account_manager
    data = {"category": "other", "subject": "x", "description": "x", "customer": complaint.customer}
    new = complaint_raise(user=user, data=data)
    assert new.number == "CP00000061"


def test_seed_demo_writes_the_complaints():
    report = seed_demo(scale="small", seed=7, log=lambda _m: None)
    assert report.counts["complaints"] == Complaint.objects.count() == 60


def test_demo_complaints_are_deterministic_and_not_added_twice(demo):
    seed_complaints(scale="small", rng=DemoRandom(7, "complaints"))
    first = _fingerprint()
    assert seed_complaints(scale="small", rng=DemoRandom(7, "complaints")) == {}
    Complaint.objects.all().delete()
    seed_complaints(scale="small", rng=DemoRandom(7, "complaints"))
    assert _fingerprint() == first
