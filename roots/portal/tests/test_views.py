"""The portal homes of customer and supplier users."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD

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
