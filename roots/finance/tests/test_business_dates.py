"""Review 2026-12, finding L2: a payment received in year 0001 and an expense claim for
0001–9999 were accepted (201). The business-date rule (`roots.core.dates`) answers 400 with
a field error, in the API and on the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import shared_personas
from roots.finance.models import Expense, Payment

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MESSAGE = "Choose a date between 1970 and 2100."


def _code_of_bad_input(client, url, body):
    """The `code` the API answers for any other bad input of the same endpoint."""
    response = client.post(url, body, format="json")
    assert response.status_code == 400
    return response.json().get("code")


def test_a_payment_received_in_0001_is_a_400_on_the_field(api, personas):
    client = api.as_(personas.am_a)
    url = "/api/v1/payments/"
    body = {"customer": "C100001", "amount": "0.01", "received_on": "0001-01-01"}
    response = client.post(url, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["received_on"] == [MESSAGE]
    assert response.json().get("code") == _code_of_bad_input(
        client, url, {**body, "received_on": "2026-01-01", "amount": "abc"}
    )
    assert not Payment.objects.exists()


def test_an_expense_claim_for_0001_to_9999_is_a_400_on_both_fields(api, personas):
    client = api.as_(personas.cu_a1)
    url = "/api/v1/expenses/"
    body = {
        "activity": "x",
        "amount": "1.00",
        "period_start": "0001-01-01",
        "period_end": "9999-12-31",
    }
    response = client.post(url, body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert errors["period_start"] == [MESSAGE] and errors["period_end"] == [MESSAGE]
    assert response.json().get("code") == _code_of_bad_input(
        client,
        url,
        {**body, "period_start": "2026-05-01", "period_end": "2026-05-02", "amount": "x"},
    )
    assert not Expense.objects.exists()


def test_business_dates_are_still_taken(api, personas):
    response = api.as_(personas.cu_a1).post(
        "/api/v1/expenses/",
        {
            "activity": "x",
            "amount": "1.00",
            "period_start": "1970-01-01",
            "period_end": "2100-12-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def test_the_payment_page_refuses_a_payment_received_in_0001(client, personas):
    client.force_login(personas.am_a)
    url = reverse("payment-create") + "?customer=C100001"
    response = client.post(
        url,
        {"customer": "C100001", "amount": "0.01", "method": "cash", "received_on": "0001-01-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["received_on"] == [MESSAGE]
    assert not Payment.objects.exists()


def test_the_expense_page_refuses_a_claim_for_0001_to_9999(client, personas):
    client.force_login(personas.cu_a1)
    response = client.post(
        reverse("expense-create"),
        {"activity": "x", "amount": "1", "period_start": "0001-01-01", "period_end": "9999-12-31"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["period_start"] == [MESSAGE] and errors["period_end"] == [MESSAGE]
    assert not Expense.objects.exists()


def test_the_date_inputs_say_the_bounds(client, personas):
    client.force_login(personas.am_a)
    page = client.get(reverse("payment-create") + "?customer=C100001").content.decode()
    assert 'min="1970-01-01"' in page and 'max="2100-12-31"' in page
