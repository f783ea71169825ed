"""Security review A6: every answer to a signed-in caller, page, download or API, carries
`Cache-Control: no-store, private`, and so does every API answer; static files keep theirs."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import PASSWORD, shared_personas
from roots.finance import services
from roots.finance.models import Statement
from roots.finance.tests import factories as f

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_private(response) -> None:
    assert response.status_code == 200, response.status_code
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, response.get("Cache-Control")


@pytest.fixture
def statement(personas) -> Statement:
    customer = personas.cust_a1
    customer.credit_limit = 100000
    customer.save()
    f.invoice(customer, "1000.00", date(2026, 4, 10), due_date=date(2026, 5, 10))
    services.statements_generate(year=2026, month=5)
    return services.statement_issue(
        user=personas.hq, statement=Statement.objects.get(customer=customer)
    )


def test_portal_home_is_private(personas):
    _assert_private(_client(personas.cu_a1).get("/portal/"))


def test_customer_page_is_private(personas):
    _assert_private(_client(personas.am_a).get("/customers/C100001/"))


def test_xlsx_export_is_private(personas):
    response = _client(personas.am_a).get("/orders/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    _assert_private(response)


def test_statement_pdf_is_private(personas, statement):
    response = _client(personas.cu_a1).get(f"/statements/{statement.number}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    _assert_private(response)


def test_api_record_read_with_a_token_is_private(personas):
    login = APIClient().post(
        "/api/v1/auth/token/", {"username": "am_a", "password": PASSWORD}, format="json"
    )
    token = login.json()["token"]
    _assert_private(login)  # the token itself is no answer to keep either
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/customers/C100001/")
    _assert_private(response)


def test_api_record_read_with_forced_authentication_is_private(personas, api):
    _assert_private(api.as_(personas.cu_a1).get("/api/v1/customers/C100001/"))


def test_static_files_are_left_alone(personas):
    static = _client(personas.am_a).get("/static/roots/roots.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
