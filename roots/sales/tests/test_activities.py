"""Activities: plan, log (done), update, complete with an outcome, cancel; the 409s; who."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import shared_personas
from roots.core.exceptions import ConflictError
from roots.sales import services
from roots.sales.models import Activity, ActivityStatus, LeadStatus
from roots.sales.tests.test_pipeline_support import make_activity, make_lead, make_opportunity

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_plan_for_a_customer(personas):
    visit = make_activity(personas.am_a, customer=personas.cust_a1, contact=personas.contact_a1)
    assert (visit.owner, visit.branch, visit.status) == (
        personas.am_a,
        personas.branch_a,
        ActivityStatus.PLANNED,
    )
    assert visit.history.count() == 1


def test_plan_for_an_opportunity_takes_its_customer(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    call = make_activity(personas.am_a, opportunity=opp, kind="call")
    assert call.customer == personas.cust_a1 and call.opportunity == opp


def test_own_task_without_a_customer(personas):
    task = make_activity(personas.am_a)
    assert task.customer is None and task.branch == personas.branch_a


def test_headquarters_must_say_what_it_is_about(personas):
    with pytest.raises(ValidationError):
        make_activity(personas.hq)


def test_contact_must_be_of_the_customer(personas):
    with pytest.raises(ValidationError) as exc:
        make_activity(personas.am_a, customer=personas.cust_a1, contact=personas.contact_a2)
    assert "contact" in exc.value.message_dict


def test_branch_manager_plans_for_an_account_manager(personas):
    visit = make_activity(personas.bm_a, customer=personas.cust_a1, owner=personas.am_a)
    assert visit.owner == personas.am_a
    assert make_activity(personas.bm_a, customer=personas.cust_a1).owner == personas.bm_a


def test_other_account_manager_may_not_plan_for_my_customer(personas):
    with pytest.raises(PermissionDenied):
        make_activity(personas.am_a2, customer=personas.cust_a1)


def test_log_a_visit_that_took_place(personas):
    lead = make_lead(personas.am_a)
    visit = services.activity_log(
        user=personas.am_a,
        data={"kind": "visit", "subject": "初次拜访", "lead": lead, "outcome": "对方有兴趣"},
    )
    assert visit.status == ActivityStatus.DONE and visit.done_at is not None
    lead.refresh_from_db()
    assert lead.status == LeadStatus.WORKING


def test_log_needs_an_outcome_and_no_future(personas):
    with pytest.raises(ValidationError) as exc:
        services.activity_log(user=personas.am_a, data={"kind": "call", "subject": "x"})
    assert "outcome" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.activity_log(
            user=personas.am_a,
            data={
                "kind": "call",
                "subject": "x",
                "outcome": "y",
                "planned_at": timezone.now() + timedelta(days=2),
            },
        )
    assert "planned_at" in exc.value.message_dict


def test_complete_with_an_outcome(personas):
    visit = make_activity(personas.am_a, customer=personas.cust_a1)
    with pytest.raises(ValidationError):
        services.activity_complete(user=personas.am_a, activity=visit, outcome="")
    services.activity_complete(user=personas.am_a, activity=visit, outcome="下了试订单")
    visit.refresh_from_db()
    assert visit.status == ActivityStatus.DONE and visit.outcome == "下了试订单"
    assert visit.done_at is not None and visit.version == 2
    with pytest.raises(ConflictError):
        services.activity_complete(user=personas.am_a, activity=visit, outcome="again")
    with pytest.raises(ConflictError):
        services.activity_cancel(user=personas.am_a, activity=visit)


def test_cancel_then_no_more_changes(personas):
    visit = make_activity(personas.am_a, customer=personas.cust_a1)
    services.activity_cancel(user=personas.am_a, activity=visit)
    assert Activity.objects.get(pk=visit.pk).status == ActivityStatus.CANCELLED
    with pytest.raises(ConflictError):
        services.activity_complete(user=personas.am_a, activity=visit, outcome="x")
    with pytest.raises(ConflictError):
        services.activity_update(user=personas.am_a, activity=visit, data={"subject": "x"})


def test_update_keeps_what_it_is_about(personas):
    visit = make_activity(personas.am_a, customer=personas.cust_a1)
    services.activity_update(user=personas.am_a, activity=visit, data={"subject": "复访"})
    assert Activity.objects.get(pk=visit.pk).subject == "复访"
    with pytest.raises(ValidationError):
        services.activity_update(
            user=personas.am_a, activity=visit, data={"customer": personas.cust_a2}
        )
    with pytest.raises(ValidationError):
        services.activity_update(user=personas.am_a, activity=visit, data={"outcome": "x"})


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("am_a", True), ("bm_a", True), ("hq", True), ("am_a2", False), ("bm_b", False)],
)
def test_who_completes(personas, role, allowed):
    visit = make_activity(personas.am_a, customer=personas.cust_a1)
    user = getattr(personas, role)
    if allowed:
        services.activity_complete(user=user, activity=visit, outcome="好")
    else:
        with pytest.raises(PermissionDenied):
            services.activity_complete(user=user, activity=visit, outcome="好")
