"""Giving customers to another account manager from the list (branch managers within their
branch, headquarters anywhere), the list's gate for roles without customers (D36), people
told apart (D9) and the contact's name label (D14)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import shared_personas
from roots.customers import services
from roots.customers.forms import ContactForm
from roots.customers.models import Customer
from roots.org.models import Role
from roots.org.tests.factories import UserFactory

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def manager_of(code: str) -> str:
    manager = Customer.objects.all_unscoped().get(code=code).account_manager
    assert manager is not None
    return manager.username


def reassign(user, codes, to, client=None):
    return (client or client_for(user)).post(
        reverse("customer-reassign"),
        {"customers": codes, "account_manager": to, "next": "/customers/?tier=vip"},
    )


# --- the service -----------------------------------------------------------------------------
def test_customer_reassign_records_the_change_in_history(personas):
    customer = services.customer_reassign(
        user=personas.bm_a, customer=personas.cust_a1, account_manager=personas.am_a2
    )
    assert customer.account_manager == personas.am_a2
    latest = customer.history.first()
    assert latest.history_user == personas.bm_a and latest.account_manager_id == personas.am_a2.pk


def test_branch_manager_may_not_reassign_outside_the_branch(personas):
    with pytest.raises(PermissionDenied):
        services.customer_reassign(
            user=personas.bm_a, customer=personas.cust_b1, account_manager=personas.am_a
        )
    with pytest.raises(ValidationError):
        services.customer_reassign(
            user=personas.hq, customer=personas.cust_a1, account_manager=personas.am_b
        )
    with pytest.raises(PermissionDenied):
        services.customer_reassign(
            user=personas.am_a, customer=personas.cust_a1, account_manager=personas.am_a2
        )
    assert manager_of("C100001") == "am_a" and manager_of("C100003") == "am_b"


# --- the list's bulk action ----------------------------------------------------------------------
def test_list_offers_checkboxes_and_the_branch_account_managers_to_branch_managers(personas):
    html = client_for(personas.bm_a).get(reverse("customer-list")).content.decode()
    assert 'data-testid="customer-bulk-bar"' in html
    assert 'data-testid="select-C100001"' in html and 'data-testid="select-C100002"' in html
    assert (
        'value="am_a2"' in html
        and 'value="am_b"' not in html.split("reassign-to")[1].split("</select>")[0]
    )
    plain = client_for(personas.am_a).get(reverse("customer-list")).content.decode()
    assert 'data-testid="customer-bulk-bar"' not in plain and "select-C100001" not in plain


def test_branch_manager_reassigns_several_customers(personas):
    client = client_for(personas.bm_a)
    response = reassign(personas.bm_a, ["C100001", "C100002"], "am_a2", client)
    assert response.status_code == 302 and response["Location"] == "/customers/?tier=vip"
    assert manager_of("C100001") == "am_a2" and manager_of("C100002") == "am_a2"
    page = client.get(response["Location"]).content.decode()
    assert "1 customers given to am_a2." in page  # C100002 was already theirs
    assert "1 skipped" in page


def test_out_of_scope_customer_is_404_and_nothing_changes(personas):
    response = reassign(personas.bm_a, ["C100001", "C100003"], "am_a2")
    assert response.status_code == 404
    assert manager_of("C100001") == "am_a" and manager_of("C100003") == "am_b"
    assert reassign(personas.bm_a, ["C999999"], "am_a2").status_code == 404


def test_account_manager_of_another_branch_is_refused(personas):
    response = reassign(personas.bm_a, ["C100001"], "am_b")
    assert response.status_code == 400
    assert manager_of("C100001") == "am_a"


def test_headquarters_reassigns_within_each_customers_branch(personas):
    client = client_for(personas.hq)
    response = reassign(personas.hq, ["C100001", "C100003"], "am_a2", client)
    assert response.status_code == 302
    assert manager_of("C100001") == "am_a2"
    assert manager_of("C100003") == "am_b"  # skipped: am_a2 is not of branch B
    page = client.get(response["Location"]).content.decode()
    assert "C100003" in page and "1 skipped" in page


@pytest.mark.parametrize("role", ["am_a", "pm", "cu_a1"])
def test_others_may_not_reassign(personas, role):
    response = reassign(getattr(personas, role), ["C100001"], "am_a2")
    assert response.status_code == 403
    assert manager_of("C100001") == "am_a"


# --- D36: roles without channel customers ------------------------------------------------------
@pytest.mark.parametrize("role", ["agent", "engineer", "su"])
def test_roles_without_customers_get_a_clear_403(personas, role):
    client = client_for(getattr(personas, role))
    response = client.get(reverse("customer-list"))
    assert response.status_code == 403
    assert "Channel customers are not part of your work." in response.content.decode()
    assert client.get(reverse("customer-export")).status_code == 403


# --- D9: people of one name told apart ---------------------------------------------------------
def test_account_manager_filter_and_column_show_the_branch_where_names_repeat(personas):
    for user in (personas.am_a, personas.am_b):
        user.full_name = "张燕"
        user.save()
    html = client_for(personas.hq).get(reverse("customer-list")).content.decode()
    assert f"张燕 · {personas.branch_a.name}" in html and f"张燕 · {personas.branch_b.name}" in html
    assert "am_a2</option>" in html  # a unique name stays as it is


def test_two_people_of_one_name_in_one_branch_get_their_username(personas):
    twin = UserFactory.create(
        username="zy2", role=Role.ACCOUNT_MANAGER, branch=personas.branch_a, full_name="张燕"
    )
    personas.am_a.full_name = "张燕"
    personas.am_a.save()
    html = client_for(personas.bm_a).get(reverse("customer-list")).content.decode()
    assert f"({twin.username})" in html and "(am_a)" in html


# --- D14 ---------------------------------------------------------------------------------------
def test_contact_name_is_labelled_full_name(personas):
    form = ContactForm(user=personas.am_a)
    assert str(form.fields["name"].label) == "Full name"
