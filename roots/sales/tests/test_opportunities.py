"""Opportunities: create, update, every move (forward, back, won, lost), the 409s of closed
ones, reopen, If-Match, and who may do what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import shared_personas
from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.sales import services
from roots.sales.models import OPEN_STAGES, Opportunity, Stage
from roots.sales.tests.test_pipeline_support import make_lead, make_opportunity, today

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_create_gives_a_code_the_branch_and_the_owner(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    assert opp.code == "OP000001"
    assert opp.branch == personas.branch_a
    assert opp.owner == personas.am_a
    assert opp.stage == Stage.PROSPECTING
    assert opp.stage_changed_at is not None
    assert opp.history.count() == 1
    assert make_opportunity(personas.am_a, customer=personas.cust_a1).code == "OP000002"


def test_codes_start_past_codes_loaded_in_bulk(personas):
    first = make_opportunity(personas.am_a, customer=personas.cust_a1)
    Opportunity.objects.filter(pk=first.pk).update(code="OP000500")
    assert make_opportunity(personas.am_a, customer=personas.cust_a1).code == "OP000501"


def test_branch_manager_creates_for_the_customers_account_manager_by_default(personas):
    opp = make_opportunity(personas.bm_a, customer=personas.cust_a2)
    assert opp.owner == personas.am_a2
    named = make_opportunity(personas.bm_a, customer=personas.cust_a2, owner=personas.am_a)
    assert named.owner == personas.am_a


def test_owner_must_belong_to_the_branch(personas):
    with pytest.raises(ValidationError) as exc:
        make_opportunity(personas.hq, customer=personas.cust_a1, owner=personas.am_b)
    assert "owner" in exc.value.message_dict


def test_account_manager_cannot_name_another_owner(personas):
    with pytest.raises(ValidationError) as exc:
        make_opportunity(personas.am_a, customer=personas.cust_a1, owner=personas.am_a2)
    assert "owner" in exc.value.message_dict


def test_opportunity_needs_a_customer_or_a_lead(personas):
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            user=personas.am_a,
            data={"name": "x", "expected_value": 1, "close_date": today()},
        )
    assert "customer" in exc.value.message_dict


def test_opportunity_with_a_lead_takes_its_branch(personas):
    lead = make_lead(personas.am_a)
    opp = make_opportunity(personas.am_a, lead=lead)
    assert opp.customer is None and opp.lead == lead and opp.branch == personas.branch_a


def test_new_opportunity_cannot_start_closed(personas):
    with pytest.raises(ValidationError) as exc:
        make_opportunity(personas.am_a, customer=personas.cust_a1, stage=Stage.WON)
    assert "stage" in exc.value.message_dict


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "cu_a1", "su"])
def test_roles_without_a_pipeline_cannot_create(personas, role):
    with pytest.raises(PermissionDenied):
        make_opportunity(getattr(personas, role), customer=personas.cust_a1)


def test_account_manager_cannot_sell_to_another_managers_customer(personas):
    with pytest.raises(PermissionDenied):
        make_opportunity(personas.am_a2, customer=personas.cust_a1)


# --- moves -------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", [s for s in OPEN_STAGES if s != Stage.PROSPECTING])
def test_move_forward_to_any_open_stage(personas, target):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    before = opp.version
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=target)
    opp.refresh_from_db()
    assert opp.stage == target and opp.version == before + 1 and opp.closed_at is None


def test_move_back_is_allowed(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1, stage=Stage.CONTRACT)
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.FIRST_VISIT)
    assert Opportunity.objects.get(pk=opp.pk).stage == Stage.FIRST_VISIT


def test_move_drops_a_probability_set_by_hand(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1, probability=35)
    assert opp.effective_probability == 35
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.NEGOTIATION)
    opp.refresh_from_db()
    assert opp.probability is None and opp.effective_probability == 60


def test_move_to_the_same_stage_changes_nothing(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.PROSPECTING)
    assert Opportunity.objects.get(pk=opp.pk).version == 1


def test_won_closes_today(personas):
    opp = make_opportunity(
        personas.am_a, customer=personas.cust_a1, close_date=today() + timedelta(days=90)
    )
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.WON)
    opp.refresh_from_db()
    assert opp.stage == Stage.WON
    assert opp.closed_at is not None and opp.close_date == today()
    assert opp.effective_probability == 100


def test_lost_needs_a_reason(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.LOST)
    assert "lost_reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.opportunity_move(
            user=personas.am_a, opportunity=opp, stage=Stage.LOST, lost_reason="bogus"
        )
    assert Opportunity.objects.get(pk=opp.pk).stage == Stage.PROSPECTING


def test_lost_with_a_reason_and_a_note(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_move(
        user=personas.am_a,
        opportunity=opp,
        stage=Stage.LOST,
        lost_reason="competitor",
        lost_note="选了别家",
    )
    opp.refresh_from_db()
    assert (opp.stage, opp.lost_reason, opp.lost_note) == ("lost", "competitor", "选了别家")
    assert opp.closed_at is not None and opp.effective_probability == 0


def test_an_invalid_stage_is_400(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    with pytest.raises(ValidationError):
        services.opportunity_move(user=personas.am_a, opportunity=opp, stage="paused")


@pytest.mark.parametrize("closed", [Stage.WON, Stage.LOST])
@pytest.mark.parametrize("target", [*OPEN_STAGES, Stage.WON, Stage.LOST])
def test_closed_opportunities_do_not_move(personas, closed, target):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_move(
        user=personas.am_a, opportunity=opp, stage=closed, lost_reason="price"
    )
    with pytest.raises(ConflictError):
        services.opportunity_move(
            user=personas.am_a, opportunity=opp, stage=target, lost_reason="price"
        )


def test_stale_version_is_refused(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    with pytest.raises(PreconditionFailedError):
        services.opportunity_move(
            user=personas.am_a, opportunity=opp, stage=Stage.DEMO, version=opp.version + 1
        )
    services.opportunity_move(
        user=personas.am_a, opportunity=opp, stage=Stage.DEMO, version=opp.version
    )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("am_a", True),
        ("bm_a", True),
        ("hq", True),
        ("am_a2", False),
        ("bm_b", False),
        ("am_b", False),
        ("pm", False),
        ("cu_a1", False),
    ],
)
def test_who_moves(personas, role, allowed):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    user = getattr(personas, role)
    if allowed:
        services.opportunity_move(user=user, opportunity=opp, stage=Stage.DEMO)
        assert Opportunity.objects.get(pk=opp.pk).stage == Stage.DEMO
    else:
        with pytest.raises(PermissionDenied):
            services.opportunity_move(user=user, opportunity=opp, stage=Stage.DEMO)


def test_customers_account_manager_sees_but_does_not_move_anothers_opportunity(personas):
    opp = make_opportunity(personas.bm_a, customer=personas.cust_a1, owner=personas.am_a2)
    assert Opportunity.objects.visible_to(personas.am_a).filter(pk=opp.pk).exists()
    with pytest.raises(PermissionDenied):
        services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.DEMO)


# --- reopen ------------------------------------------------------------------------------------
@pytest.mark.parametrize("to", [Stage.NEGOTIATION, Stage.MAINTENANCE])
def test_reopen_a_lost_opportunity(personas, to):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_move(
        user=personas.am_a, opportunity=opp, stage=Stage.LOST, lost_reason="timing"
    )
    services.opportunity_reopen(user=personas.am_a, opportunity=opp, stage=to)
    opp.refresh_from_db()
    assert opp.stage == to and opp.closed_at is None and opp.lost_reason == ""
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.CONTRACT)


def test_reopen_of_an_open_opportunity_is_a_conflict(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    with pytest.raises(ConflictError):
        services.opportunity_reopen(user=personas.am_a, opportunity=opp)


def test_reopen_only_to_negotiation_or_maintenance(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.WON)
    with pytest.raises(ValidationError):
        services.opportunity_reopen(user=personas.am_a, opportunity=opp, stage=Stage.DEMO)


# --- update ------------------------------------------------------------------------------------
def test_update_changes_the_fields_and_keeps_history(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_update(
        user=personas.am_a,
        opportunity=opp,
        data={"expected_value": Decimal("250000"), "next_step": "报价", "probability": 45},
        expected_version=1,
    )
    opp.refresh_from_db()
    assert opp.expected_value == Decimal("250000") and opp.version == 2
    assert opp.history.count() == 2


def test_update_cannot_change_the_stage_or_the_customer(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    with pytest.raises(ValidationError):
        services.opportunity_update(
            user=personas.am_a, opportunity=opp, data={"stage": Stage.CONTRACT}
        )
    with pytest.raises(ValidationError):
        services.opportunity_update(
            user=personas.hq, opportunity=opp, data={"customer": personas.cust_a2}
        )


def test_update_of_a_closed_opportunity_is_a_conflict(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.WON)
    with pytest.raises(ConflictError):
        services.opportunity_update(user=personas.am_a, opportunity=opp, data={"name": "x"})


def test_only_branch_managers_and_hq_hand_an_opportunity_over(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    with pytest.raises(PermissionDenied):
        services.opportunity_update(
            user=personas.am_a, opportunity=opp, data={"owner": personas.am_a2}
        )
    services.opportunity_update(user=personas.bm_a, opportunity=opp, data={"owner": personas.am_a2})
    assert Opportunity.objects.get(pk=opp.pk).owner == personas.am_a2
    with pytest.raises(ValidationError):
        services.opportunity_update(
            user=personas.hq, opportunity=opp, data={"owner": personas.am_b}
        )
