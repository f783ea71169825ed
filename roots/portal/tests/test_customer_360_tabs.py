"""The account tabs of the staff customer 360 page (orders, custom orders, balance,
statements, complaints): each lists that customer's records through the user's scope, with
links to their pages; out of scope is 404; customer users do not get them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import shared_personas

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

ACCOUNT_TABS = ("orders", "custom_orders", "balance", "statements", "complaints")


def _tab(user, code: str, tab: str):
    client = Client()
    client.force_login(user)
    return client.get(reverse("customer-detail", args=[code]), {"tab": tab}, HTTP_HX_REQUEST="true")


def test_page_offers_the_account_tabs_with_counts(personas, portal_data):
    client = Client()
    client.force_login(personas.am_a)
    content = client.get(reverse("customer-detail", args=["C100001"])).content.decode()
    for tab in ACCOUNT_TABS:
        assert f'data-testid="tab-{tab}"' in content
        assert f'hx-get="/customers/C100001/?tab={tab}"' in content
    assert 'data-testid="tab-profile"' in content and 'data-testid="tab-history"' in content


def test_orders_tab_lists_the_customers_orders_with_links(personas, portal_data):
    content = _tab(personas.am_a, "C100001", "orders").content.decode()
    for order in portal_data.a1.orders:
        assert f'href="/orders/{order.number}/"' in content
    assert portal_data.b1.orders[0].number not in content
    assert "<html" not in content


def test_custom_orders_tab(personas, portal_data):
    content = _tab(personas.bm_a, "C100001", "custom_orders").content.decode()
    assert f"/custom-orders/{portal_data.a1.custom_order.number}/" in content
    assert portal_data.b1.custom_order.number not in content


def test_balance_tab_shows_the_account_summary_invoices_and_payments(personas, portal_data):
    content = _tab(personas.hq, "C100001", "balance").content.decode()
    assert 'data-testid="account-summary"' in content
    assert portal_data.a1.invoice.number in content
    assert portal_data.a1.payment.number in content
    assert portal_data.b1.invoice.number not in content
    assert "bg-red-lt" in content  # the invoice is past its due date


def test_statements_tab(personas, portal_data):
    content = _tab(personas.pm, "C100001", "statements").content.decode()
    assert f"/statements/{portal_data.a1.statement.number}/" in content
    assert portal_data.b1.statement.number not in content


def test_complaints_tab_with_clock_and_new_complaint_button(personas, portal_data):
    content = _tab(personas.am_a, "C100001", "complaints").content.decode()
    assert f"/complaints/{portal_data.a1.complaint.number}/" in content
    assert portal_data.b1.complaint.number not in content
    assert 'data-clock="on_time"' in content
    assert "/complaints/new/?customer=C100001" in content
    # The product manager reads but does not raise complaints.
    assert "/complaints/new/" not in _tab(personas.pm, "C100001", "complaints").content.decode()


@pytest.mark.parametrize("tab", ACCOUNT_TABS)
@pytest.mark.parametrize("role", ["am_b", "bm_b", "am_a2", "cu_b1", "agent", "su"])
def test_tabs_of_a_customer_out_of_scope_answer_404(personas, portal_data, tab, role):
    assert _tab(getattr(personas, role), "C100001", tab).status_code == 404


@pytest.mark.parametrize("tab", ACCOUNT_TABS)
@pytest.mark.parametrize("role", ["hq", "bm_a", "am_a", "pm"])
def test_tabs_answer_staff_in_scope(personas, portal_data, tab, role):
    assert _tab(getattr(personas, role), "C100001", tab).status_code == 200


def test_customer_users_do_not_get_the_account_tabs(personas, portal_data):
    client = Client()
    client.force_login(personas.cu_a1)
    page = client.get(reverse("customer-detail", args=["C100001"])).content.decode()
    for tab in ACCOUNT_TABS:
        assert f'data-testid="tab-{tab}"' not in page
    # Asking for one opens the profile instead.
    response = _tab(personas.cu_a1, "C100001", "balance")
    assert response.status_code == 200
    assert portal_data.a1.invoice.number not in response.content.decode()


def test_tab_query_counts_do_not_grow(personas, portal_data, django_assert_max_num_queries):
    from roots.portal.tests.conftest import _account

    client = Client()
    client.force_login(personas.am_a)
    url = reverse("customer-detail", args=["C100001"])
    client.get(url)
    baselines = {}
    for tab in ACCOUNT_TABS:
        with django_assert_max_num_queries(20) as captured:
            client.get(url, {"tab": tab}, HTTP_HX_REQUEST="true")
        baselines[tab] = len(captured.captured_queries)
    for n in range(3, 8):
        _account(personas, personas.cust_a1, f"更多{n}", personas.cust_a1.channel_type, n)
    for tab in ACCOUNT_TABS:
        with django_assert_max_num_queries(baselines[tab]):
            client.get(url, {"tab": tab}, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(5):
        client.get(url)  # the page itself, with the badges of every tab
