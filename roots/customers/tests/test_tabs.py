"""The tabs of the 360 page come from the apps that register them (`customer_tabs.py`)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import shared_personas
from roots.customers.tabs import tabs_for

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

ACCOUNT_TABS = [
    "orders",
    "custom_orders",
    "balance",
    "statements",
    "complaints",
    "kpis",
    "stock",
]


def test_staff_see_every_app_s_tab_in_order(personas):
    assert [tab.key for tab in tabs_for(personas.am_a)] == [
        "profile",
        "outlets",
        "contacts",
        *ACCOUNT_TABS,
        "sales",
        "history",
    ]


def test_the_sales_tab_is_for_the_roles_that_work_the_pipeline(personas):
    keys = [tab.key for tab in tabs_for(personas.pm)]
    assert keys == ["profile", "outlets", "contacts", *ACCOUNT_TABS, "history"]


def test_a_customer_user_sees_the_customer_master_s_tabs_only(personas):
    assert [tab.key for tab in tabs_for(personas.cu_a1)] == [
        "profile",
        "outlets",
        "contacts",
        "history",
    ]


def test_each_registered_tab_renders_on_the_page(personas):
    client = Client()
    client.force_login(personas.am_a)
    url = reverse("customer-detail", args=["C100001"])
    for tab in tabs_for(personas.am_a):
        response = client.get(url, {"tab": tab.key}, headers={"HX-Request": "true"})
        assert response.status_code == 200, tab.key
        assert tab.template in [t.name for t in response.templates], tab.key
