"""Leads: create (owner and branch by role), update, qualify, disqualify with a reason,
convert to a new or an existing customer (with contact and opportunity), the 409s."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import shared_personas
from roots.core.exceptions import ConflictError
from roots.customers.models import Contact, Customer, CustomerStatus
from roots.sales import services
from roots.sales.models import Lead, LeadStatus, Opportunity
from roots.sales.tests.test_pipeline_support import (
    make_activity,
    make_lead,
    make_opportunity,
    today,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_account_manager_owns_the_leads_they_create(personas):
    lead = make_lead(personas.am_a)
    assert lead.code == "L000001"
    assert (lead.owner, lead.branch, lead.status) == (personas.am_a, personas.branch_a, "new")
    assert "hxgc" in lead.search_text  # 海信广场's pinyin initials
    assert lead.history.count() == 1


def test_branch_manager_keeps_a_lead_or_names_an_account_manager(personas):
    assert make_lead(personas.bm_a).owner == personas.bm_a
    assert make_lead(personas.bm_a, owner=personas.am_a2).owner == personas.am_a2
    with pytest.raises(ValidationError):
        make_lead(personas.bm_a, owner=personas.am_b)
    with pytest.raises(ValidationError):
        make_lead(personas.bm_a, branch=personas.branch_b)


def test_headquarters_names_the_owner_and_so_the_branch(personas):
    lead = make_lead(personas.hq, owner=personas.am_b)
    assert lead.branch == personas.branch_b
    with pytest.raises(ValidationError) as exc:
        make_lead(personas.hq)
    assert "branch" in exc.value.message_dict


def test_invalid_lead_does_not_use_a_code(personas):
    with pytest.raises(ValidationError):
        make_lead(personas.am_a, company_name="")
    assert make_lead(personas.am_a).code == "L000001"


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "cu_a1", "su"])
def test_roles_without_a_pipeline_cannot_create_leads(personas, role):
    with pytest.raises(PermissionDenied):
        make_lead(getattr(personas, role))


def test_update_and_hand_over(personas):
    lead = make_lead(personas.am_a)
    services.lead_update(user=personas.am_a, lead=lead, data={"phone": "13900000000"})
    lead.refresh_from_db()
    assert lead.phone == "13900000000" and lead.version == 2
    with pytest.raises(PermissionDenied):
        services.lead_update(user=personas.am_a, lead=lead, data={"owner": personas.am_a2})
    services.lead_update(user=personas.bm_a, lead=lead, data={"owner": personas.am_a2})
    assert Lead.objects.get(pk=lead.pk).owner == personas.am_a2
    with pytest.raises(PermissionDenied):
        services.lead_update(user=personas.am_a, lead=lead, data={"phone": "1"})


def test_only_headquarters_move_a_lead_to_another_branch(personas):
    lead = make_lead(personas.am_a)
    with pytest.raises(ValidationError):
        services.lead_update(user=personas.bm_a, lead=lead, data={"branch": personas.branch_b})
    services.lead_update(
        user=personas.hq, lead=lead, data={"branch": personas.branch_b, "owner": personas.am_b}
    )
    lead.refresh_from_db()
    assert (lead.branch, lead.owner) == (personas.branch_b, personas.am_b)


def test_qualify_then_disqualify(personas):
    lead = make_lead(personas.am_a)
    services.lead_qualify(user=personas.am_a, lead=lead)
    assert lead.status == LeadStatus.QUALIFIED
    with pytest.raises(ConflictError):
        services.lead_qualify(user=personas.am_a, lead=lead)
    with pytest.raises(ValidationError) as exc:
        services.lead_disqualify(user=personas.am_a, lead=lead, reason="  ")
    assert "reason" in exc.value.message_dict
    services.lead_disqualify(user=personas.am_a, lead=lead, reason="没有预算")
    lead.refresh_from_db()
    assert (lead.status, lead.disqualified_reason) == ("disqualified", "没有预算")
    with pytest.raises(ConflictError):
        services.lead_disqualify(user=personas.am_a, lead=lead, reason="again")
    with pytest.raises(ConflictError):
        services.lead_convert(user=personas.am_a, lead=lead)


def test_another_account_manager_may_not_qualify(personas):
    lead = make_lead(personas.am_a)
    with pytest.raises(PermissionDenied):
        services.lead_qualify(user=personas.am_a2, lead=lead)


def test_convert_creates_a_prospect_with_its_contact(personas):
    lead = make_lead(personas.am_a, email="liu@hisense.example", estimated_revenue=Decimal(5))
    opp = make_opportunity(personas.am_a, lead=lead)
    visit = make_activity(personas.am_a, lead=lead)
    services.lead_convert(user=personas.am_a, lead=lead)
    lead.refresh_from_db()
    customer = lead.customer
    assert lead.status == LeadStatus.CONVERTED and customer is not None
    assert customer.name == "海信广场" and customer.status == CustomerStatus.PROSPECT
    assert customer.channel_type == "department_store"
    assert (customer.branch, customer.account_manager) == (personas.branch_a, personas.am_a)
    assert customer.code.startswith("C")
    contact = Contact.objects.get(customer=customer)
    assert contact.name == "刘洋" and contact.is_primary
    assert Opportunity.objects.get(pk=opp.pk).customer == customer
    visit.refresh_from_db()
    assert visit.customer == customer


def test_convert_needs_a_channel_type(personas):
    lead = make_lead(personas.am_a, channel_type="")
    with pytest.raises(ValidationError) as exc:
        services.lead_convert(user=personas.am_a, lead=lead)
    assert "channel_type" in exc.value.message_dict
    services.lead_convert(user=personas.am_a, lead=lead, channel_type="local_chain")
    assert lead.customer.channel_type == "local_chain"


def test_convert_to_an_existing_customer_with_an_opportunity(personas):
    lead = make_lead(personas.bm_a, owner=personas.am_a)
    before = Customer.objects.count()
    services.lead_convert(
        user=personas.bm_a,
        lead=lead,
        customer=personas.cust_a1,
        opportunity={"name": "首单", "expected_value": Decimal("80000"), "close_date": today()},
    )
    assert Customer.objects.count() == before
    assert lead.customer == personas.cust_a1
    opp = Opportunity.objects.get(lead=lead)
    assert (opp.customer, opp.owner, opp.name) == (personas.cust_a1, personas.am_a, "首单")


def test_convert_to_a_customer_of_another_branch_is_refused(personas):
    lead = make_lead(personas.hq, owner=personas.am_a)
    with pytest.raises(ValidationError) as exc:
        services.lead_convert(user=personas.hq, lead=lead, customer=personas.cust_b1)
    assert "customer" in exc.value.message_dict


def test_a_converted_lead_is_closed(personas):
    lead = make_lead(personas.am_a)
    services.lead_convert(user=personas.am_a, lead=lead)
    with pytest.raises(ConflictError):
        services.lead_convert(user=personas.am_a, lead=lead)
    with pytest.raises(ConflictError):
        services.lead_update(user=personas.am_a, lead=lead, data={"phone": "1"})


def test_converted_lead_stays_visible_to_the_customers_account_manager(personas):
    lead = make_lead(personas.bm_a)
    services.lead_convert(user=personas.bm_a, lead=lead, customer=personas.cust_a2)
    assert Lead.objects.visible_to(personas.am_a2).filter(pk=lead.pk).exists()
    assert not Lead.objects.visible_to(personas.am_a).filter(pk=lead.pk).exists()
