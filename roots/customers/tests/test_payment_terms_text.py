"""Standard payment terms typed in one language read in each reader's (ux review D3):
票到60天付款 is "Net 60 days" to an English reader and "Neto 60 días" to a Spanish one; the
API answers them so and takes them back unchanged; other terms stay free text; the data
migration reads existing terms."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from conftest import shared_personas
from roots.customers import services
from roots.customers.models import Customer
from roots.finance.services import payment_days

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

migration = importlib.import_module("roots.customers.migrations.0006_customer_payment_terms_text")


@pytest.fixture
def customer(personas):
    with translation.override("zh-hans"):
        return services.customer_update(
            user=personas.hq, customer=personas.cust_a1, data={"payment_terms": "票到60天付款"}
        )


def test_standard_terms_are_kept_as_a_message_with_days(customer):
    assert customer.payment_terms == "票到60天付款"
    assert customer.payment_terms_text == {"id": "customers.terms.net", "params": {"days": 60}}
    assert payment_days(customer) == 60
    for language, said in (
        ("zh-hans", "票到60天付款"),
        ("en", "Net 60 days"),
        ("es", "Neto 60 días"),
    ):
        with translation.override(language):
            assert customer.get_payment_terms_display() == said


def test_free_text_terms_stay_as_typed(personas, customer):
    changed = services.customer_update(
        user=personas.hq, customer=customer, data={"payment_terms": "按季度结算"}
    )
    assert (changed.payment_terms, changed.payment_terms_text) == ("按季度结算", {})
    with translation.override("en"):
        assert changed.get_payment_terms_display() == "按季度结算"


def test_the_profile_shows_the_terms_in_the_readers_language(personas, customer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.am_a)
    url = reverse("customer-detail", args=[customer.code]) + "?tab=profile"
    page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Net 60 days" in page
    assert "票到60天付款" not in page


def test_the_api_answers_and_takes_back_the_terms_in_the_readers_language(personas, customer):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="es")
    client.force_authenticate(personas.cu_a1)
    url = f"/api/v1/customers/{customer.code}/"
    data = client.get(url).json()
    assert data["payment_terms"] == "Neto 60 días"
    # What the GET answered, sent back: no change (a customer user may not change the terms).
    response = client.patch(url, {"payment_terms": data["payment_terms"]}, format="json")
    assert response.status_code == 200, response.json()
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.payment_terms, fresh.version) == ("票到60天付款", customer.version)
    staff = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_authenticate(personas.hq)
    response = staff.patch(url, {"payment_terms": "Net 90 days"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["payment_terms"] == "Net 90 days"
    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.payment_terms_text == {"id": "customers.terms.net", "params": {"days": 90}}
    with translation.override("zh-hans"):
        assert fresh.get_payment_terms_display() == "票到90天付款"


def test_the_edit_form_offers_the_terms_in_the_editors_language(personas, customer):
    from roots.customers.forms import CustomerForm

    with translation.override("en"):
        form = CustomerForm(instance=customer, user=personas.hq)
        assert form["payment_terms"].value() == "Net 60 days"
        data = {**form.initial, "payment_terms": "Net 60 days"}
        bound = CustomerForm(data=data, instance=customer, user=personas.hq)
        bound.is_valid()
        assert "payment_terms" not in bound.changed_data


# --- the data migration ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("票到60天付款", {"id": "customers.terms.net", "params": {"days": 60}}),
        ("月结45天", {"id": "customers.terms.monthly", "params": {"days": 45}}),
        ("承兑汇票90天", {"id": "customers.terms.bill", "params": {"days": 90}}),
        ("款到发货", {"id": "customers.terms.prepaid", "params": {}}),
        ("款到发货，年底返利", {"id": "customers.terms.prepaid_rebate", "params": {}}),
        ("现款现货", {"id": "customers.terms.cash", "params": {}}),
        (
            "预付50%，余款15天",
            {"id": "customers.terms.deposit", "params": {"percent": 50, "days": 15}},
        ),
        ("预付30%，余款月结", {"id": "customers.terms.deposit_monthly", "params": {"percent": 30}}),
        ("扣点结算，月结", {"id": "customers.terms.commission_monthly", "params": {}}),
        ("Net 45", {"id": "customers.terms.net", "params": {"days": 45}}),
        ("按季度结算", None),
        ("", None),
    ],
)
def test_the_migration_reads_the_demo_terms(typed, expected):
    assert migration.read_terms(typed) == expected


def test_the_migration_backfills_customers(personas):
    from django.apps import apps

    Customer.objects.filter(pk=personas.cust_a1.pk).update(
        payment_terms="月结60天", payment_terms_text={}
    )
    migration.forwards(apps, None)
    fresh = Customer.objects.get(pk=personas.cust_a1.pk)
    assert fresh.payment_terms_text == {"id": "customers.terms.monthly", "params": {"days": 60}}
