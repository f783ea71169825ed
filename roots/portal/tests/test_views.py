"""The portal homes of customer and supplier users."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, shared_personas

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_portal_user_lands_on_portal_home(personas):
    client = Client()
    client.post(reverse("login"), {"username": "cu_a1", "password": PASSWORD})
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal-home")
    assert response.templates[0].name == "portal/home_customer.html"


def test_customer_user_sees_own_company_card_outlets_and_contacts(personas):
    response = client_for(personas.cu_a1).get(reverse("portal-home"))
    content = response.content.decode()
    assert 'data-testid="company-card"' in content
    assert "国美电器青岛有限公司" in content
    assert "S1000001" in content
    assert "张伟" in content
    assert reverse("customer-detail", args=["C100001"]) in content


def test_customer_user_sees_nothing_of_other_customers(personas):
    content = client_for(personas.cu_a1).get(reverse("portal-home")).content.decode()
    assert "大中电器" not in content
    assert "S1000003" not in content
    assert "王芳" not in content


def test_customer_user_may_open_own_company_page(personas):
    response = client_for(personas.cu_a1).get(reverse("customer-detail", args=["C100001"]))
    assert response.status_code == 200
    assert 'data-testid="edit-customer"' in response.content.decode()


def test_supplier_user_sees_supplier_record(personas):
    response = client_for(personas.su).get(reverse("portal-home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="supplier-card"' in content
    assert "青岛压缩机厂" in content


def test_supplier_user_sees_no_customers(personas):
    response = client_for(personas.su).get(reverse("customer-detail", args=["C100001"]))
    assert response.status_code == 404


def test_staff_on_portal_home_are_sent_to_dashboard(personas):
    response = client_for(personas.am_a).get(reverse("portal-home"))
    assert response["Location"] == reverse("dashboard")


def test_portal_is_available_in_spanish(personas):
    client = client_for(personas.cu_a1)
    client.post(reverse("set-language"), {"language": "es", "next": "/portal/"})
    page = client.get(reverse("portal-home")).content.decode()
    assert '<html lang="es">' in page
    assert 'value="es"' in page  # portal users are offered Spanish


def test_portal_navigation_has_no_staff_links(personas):
    content = client_for(personas.cu_a1).get(reverse("portal-home")).content.decode()
    assert reverse("dashboard") not in content
    assert f'href="{reverse("customer-list")}"' not in content


# --- the customer user's home: the account in one page ------------------------------------------
def test_home_shows_the_account_of_own_company(personas, portal_data):
    content = client_for(personas.cu_a1).get(reverse("portal-home")).content.decode()
    a1 = portal_data.a1
    # KPI cards: two open orders worth 20,000; one custom order in progress; the balance.
    assert 'data-testid="kpi-open-orders">2<' in content
    assert "¥20,000" in content
    assert 'data-testid="kpi-custom-orders">1<' in content
    assert 'data-testid="credit-bar"' in content
    # Orders on their way (not the closed one), with links to their pages.
    for order in a1.orders[:3]:
        assert order.number in content
    assert a1.orders[3].number not in content
    assert f"/orders/{a1.orders[0].number}/" in content
    assert f"/custom-orders/{a1.custom_order.number}/" in content
    assert f"/statements/{a1.statement.number}/" in content
    assert a1.expense.activity in content
    assert a1.promotion.name in content
    assert a1.news.title in content and portal_data.news_for_all.title in content
    assert a1.complaint.subject in content


def test_home_shows_nothing_of_other_customers(personas, portal_data):
    content = client_for(personas.cu_a1).get(reverse("portal-home")).content.decode()
    b1 = portal_data.b1
    assert "大中专属" not in content
    for number in (b1.orders[0].number, b1.custom_order.number, b1.statement.number):
        assert number not in content
    assert portal_data.news_draft.title not in content
    assert portal_data.news_later.title not in content


def test_home_query_count_does_not_grow_with_the_account(
    personas, portal_data, django_assert_max_num_queries
):
    client = client_for(personas.cu_a1)
    client.get(reverse("portal-home"))
    with django_assert_max_num_queries(40) as before:
        client.get(reverse("portal-home"))
    baseline = len(before.captured_queries)
    # Ten more of everything: the page costs the same.
    from roots.portal.tests.conftest import _account

    for n in range(3, 13):
        _account(personas, personas.cust_a1, f"更多{n}", personas.cust_a1.channel_type, n)
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("portal-home"))
    assert response.status_code == 200


def test_home_in_spanish_and_english(personas, portal_data):
    client = client_for(personas.cu_a1)
    client.post(reverse("set-language"), {"language": "es", "next": "/portal/"})
    assert '<html lang="es">' in client.get(reverse("portal-home")).content.decode()
    client.post(reverse("set-language"), {"language": "en", "next": "/portal/"})
    content = client.get(reverse("portal-home")).content.decode()
    assert '<html lang="en">' in content
    assert "Orders on their way" in content


def test_home_of_a_new_customer_has_empty_states(personas):
    content = client_for(personas.cu_b1).get(reverse("portal-home")).content.decode()
    assert 'data-testid="portal-complaint-form"' in content
    assert 'data-testid="kpi-open-orders">0<' in content
