"""Every API error answers a machine-readable `code` beside `detail` and `errors` (the table
is in docs/api.md), through the real endpoints; and the order builder places a service's
complaints by their code and parameters, never by their text."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework import exceptions

from conftest import shared_personas
from roots.core.api import ErrorSerializer, exception_handler
from roots.core.exceptions import ConflictError, DomainError, add_service_errors, error_code
from roots.customers.models import Customer
from roots.orders import services
from roots.orders.forms import OrderHeaderForm
from roots.orders.models import Order
from roots.orders.views.builder import _cart_context

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CUSTOMER = "/api/v1/customers/C100001/"
ORDERS = "/api/v1/orders/"


def _code(response) -> str:
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    assert body["detail"]
    return body["code"]


def _order(personas, quantity: int = 2) -> Order:
    return services.order_submit(
        user=personas.cu_a1,
        data={"outlet": personas.outlet_a1, "lines": [{"sku": personas.sku, "quantity": quantity}]},
    )


def _order_body(personas, quantity: int) -> dict:
    return {
        "outlet": personas.outlet_a1.code,
        "lines": [{"sku": personas.sku.code, "quantity": quantity}],
    }


# --- one code per status --------------------------------------------------------------------
def test_a_record_outside_the_scope_is_not_found(personas, api):
    response = api.as_(personas.am_b).get(CUSTOMER)
    assert response.status_code == 404 and _code(response) == "not_found"


def test_an_unknown_api_url_is_not_found(personas, api):
    response = api.as_(personas.hq).get("/api/v1/nothing/")
    assert response.status_code == 404 and _code(response) == "not_found"


def test_no_credentials_is_not_authenticated(personas, api):
    response = api.as_(None).get("/api/v1/customers/")
    assert response.status_code == 401 and _code(response) == "not_authenticated"


def test_a_token_that_does_not_work_is_authentication_failed(personas, api):
    client = api.as_(None)
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    response = client.get("/api/v1/customers/")
    assert response.status_code == 401 and _code(response) == "authentication_failed"


def test_a_role_that_may_not_edit_gets_permission_denied(personas, api):
    response = api.as_(personas.pm).patch(CUSTOMER, {"phone": "1"}, format="json")
    assert response.status_code == 403 and _code(response) == "permission_denied"


def test_a_method_not_offered_is_method_not_allowed(personas, api):
    response = api.as_(personas.hq).delete(CUSTOMER)
    assert response.status_code == 405 and _code(response) == "method_not_allowed"


def test_a_body_that_is_not_json_is_unsupported_media_type(personas, api):
    response = api.as_(personas.hq).post("/api/v1/customers/", data="a=1", content_type="text/csv")
    assert response.status_code == 415 and _code(response) == "unsupported_media_type"


def test_a_field_error_is_invalid_with_the_field(personas, api):
    response = api.as_(personas.hq).patch(CUSTOMER, {"channel_type": "bogus"}, format="json")
    assert response.status_code == 400 and _code(response) == "invalid"
    assert response.json()["errors"]["channel_type"]


def test_a_stale_if_match_is_stale_version(personas, api):
    response = api.as_(personas.am_a).patch(
        CUSTOMER, {"notes": "x"}, format="json", HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 412 and _code(response) == "stale_version"


def test_an_order_step_out_of_turn_is_invalid_transition(personas, api):
    order = _order(personas)
    response = api.as_(personas.bm_a).post(f"{ORDERS}{order.number}/ship/", {}, format="json")
    assert response.status_code == 409 and _code(response) == "invalid_transition"
    assert order.number in response.json()["detail"]


def test_an_idempotency_key_reused_with_another_body_is_idempotency_conflict(personas, api):
    client = api.as_(personas.cu_a1)
    first = client.post(
        ORDERS, _order_body(personas, 1), format="json", HTTP_IDEMPOTENCY_KEY="k-codes"
    )
    assert first.status_code == 201
    other = client.post(
        ORDERS, _order_body(personas, 2), format="json", HTTP_IDEMPOTENCY_KEY="k-codes"
    )
    assert other.status_code == 409 and _code(other) == "idempotency_conflict"


def test_throttled_answers_throttled():
    response = exception_handler(exceptions.Throttled(wait=5), {})
    assert response is not None and response.status_code == 429
    assert response.data["code"] == "throttled"


def test_a_conflict_without_a_code_of_its_own_is_conflict():
    response = exception_handler(ConflictError("Not now."), {})
    assert response is not None and response.status_code == 409
    assert (response.data["detail"], response.data["code"]) == ("Not now.", "conflict")


# --- the codes of order submission ------------------------------------------------------------
def test_an_order_over_the_credit_limit_is_credit_exceeded(personas, api):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("1000"))
    response = api.as_(personas.cu_a1).post(ORDERS, _order_body(personas, 1), format="json")
    assert response.status_code == 400 and _code(response) == "credit_exceeded"
    assert "¥2,499.00" in response.json()["errors"]["credit"][0]
    assert not Order.objects.exists()


def test_an_order_short_of_stock_is_insufficient_stock(personas, api):
    response = api.as_(personas.cu_a1).post(ORDERS, _order_body(personas, 500), format="json")
    assert response.status_code == 400 and _code(response) == "insufficient_stock"
    assert response.json()["errors"]["lines"] == [
        f"{personas.sku.code}: only 90 available, 500 ordered."
    ]


def test_a_service_error_without_a_chosen_code_is_invalid():
    assert error_code(ValidationError({"name": ["Required."]})) is None
    assert error_code(ValidationError("x", code="required")) is None
    nested = ValidationError({"file": [ValidationError("Too big.", code="archive_refused")]})
    assert error_code(nested) == "archive_refused"


# --- one flattener --------------------------------------------------------------------------
def test_list_item_errors_keep_their_position(personas, api):
    response = api.as_(personas.hq).post(
        "/api/v1/news/", {"title": "x", "body": "x", "audience": ["martians"]}, format="json"
    )
    assert response.status_code == 400 and _code(response) == "invalid"
    assert response.json()["errors"]["audience"] == ['0: "martians" is not a valid choice.']


def test_a_service_error_goes_under_the_form_field_or_on_top(personas):
    form = OrderHeaderForm(
        {"outlet": personas.outlet_a1.code}, outlets=personas.cust_a1.outlets.all()
    )
    form.is_valid()
    add_service_errors(form, ValidationError({"note": ["Too long."], "credit": ["No credit."]}))
    assert form.errors["note"] == ["Too long."]
    assert form.non_field_errors() == ["No credit."]


def test_the_builder_places_problems_by_code_and_sku_not_by_text(personas):
    # Messages that do not start with the SKU's code (as a translation may word them).
    mine = {"sku": personas.sku.code}
    error = ValidationError(
        {
            "lines": [
                ValidationError("%(sku)s?", code="insufficient_stock", params={"sku": "X"}),
                ValidationError("Too few left.", code="insufficient_stock", params=mine),
                ValidationError("Unknown product."),
            ],
            "credit": [ValidationError("Over the limit.", code="credit_exceeded")],
        }
    )
    context = _cart_context(
        customer=personas.cust_a1, lines=[(personas.sku, 1)], error=error, staff=False
    )
    assert context["cart_rows"][0]["errors"] == ["Too few left."]
    assert context["line_errors_general"] == ["X?", "Unknown product."]
    assert context["credit_errors"] == ["Over the limit."]


def test_the_builder_page_shows_the_credit_error_in_the_credit_box(personas):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("1000"))
    client = Client()
    client.force_login(personas.cu_a1)
    response = client.post(
        "/orders/new/",
        {"outlet": personas.outlet_a1.code, "sku": [personas.sku.code], "quantity": ["1"]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="credit-error"' in html and "¥2,499.00" in html


def test_the_schema_declares_the_code_of_error_answers():
    assert ErrorSerializer().fields["code"].required


def test_every_code_the_code_base_names_is_in_the_table_of_docs_api():
    root = Path(__file__).resolve().parents[3]
    table = (root / "docs" / "api.md").read_text()
    named = {
        match.group(1)
        for path in (root / "roots").rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for match in re.finditer(r'\b(?:default_)?code ?= ?"([a-z_]+)"', path.read_text())
    }
    named -= {DomainError.default_code}  # the base class's, never raised
    assert named, "the pattern finds nothing: update this test"
    missing = sorted(code for code in named if f"| `{code}` |" not in table)
    assert not missing, f"codes without a row in docs/api.md: {missing}"
