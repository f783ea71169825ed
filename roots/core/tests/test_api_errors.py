"""Bad input answers 400 with field errors in the API's one error format, never a 500, and
writes nothing: neither records nor history rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import shared_personas
from roots.core.api import exception_handler
from roots.core.models import IdempotencyRecord, Sequence
from roots.customers.models import Contact, Customer, Outlet

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"
OUTLETS = "/api/v1/outlets/"
CONTACTS = "/api/v1/contacts/"


def _counts() -> dict[str, int]:
    models = (Customer, Outlet, Contact)
    counts = {m.__name__: m.objects.all_unscoped().count() for m in models}
    counts |= {f"{m.__name__}.history": m.history.count() for m in models}  # type: ignore[attr-defined]
    counts["idempotency"] = IdempotencyRecord.objects.count()
    counts["sequences"] = sum(Sequence.objects.values_list("last_value", flat=True))
    return counts


@contextmanager
def nothing_written() -> Iterator[None]:
    before = _counts()
    yield
    assert _counts() == before


def _valid_customer(**extra: Any) -> dict[str, Any]:
    return {"name": "海信广场", "channel_type": "department_store", "branch": "BA"} | extra


def _assert_field_error(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("channel_type", "hypermarket_chain"),
        ("tier", "platinum"),
        ("priority", "A++"),
        ("status", "deleted"),
        ("credit_rating", "AAAA"),
    ],
)
def test_unknown_choice_value_is_a_field_error(personas, api, field, value):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, _valid_customer(**{field: value}), format="json"
        )
    _assert_field_error(response, field)


@pytest.mark.parametrize(
    ("field", "length"),
    [("name", 201), ("phone", 31), ("tax_id", 19), ("notes", 5001), ("organisation", 2001)],
)
def test_over_long_text_is_a_field_error(personas, api, field, length):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, _valid_customer(**{field: "长" * length}), format="json"
        )
    _assert_field_error(response, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_limit", "lots"),
        ("credit_limit", "-1"),
        ("credit_limit", "1e20"),
        ("credit_limit", "NaN"),
        ("employees", "many"),
        ("employees", -5),
        ("founded_year", 1700),
        ("joined_on", "31/12/2020"),
        ("is_key_account", "maybe"),
        ("email", "not-an-email"),
        ("website", "javascript:alert(1)"),
        ("name", ["国美"]),
        ("name", {"zh": "国美"}),
        ("name", ""),
        ("name", "\x00国美"),
        ("code", "c-lower"),
    ],
)
def test_wrong_type_or_value_is_a_field_error(personas, api, field, value):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, _valid_customer(**{field: value}), format="json"
        )
    _assert_field_error(response, field)


def test_missing_required_fields_are_each_named(personas, api):
    with nothing_written():
        response = api.as_(personas.hq).post(CUSTOMERS, {}, format="json")
    _assert_field_error(response, "name")
    assert "channel_type" in response.json()["errors"]


def test_customer_without_branch_is_a_field_error(personas, api):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, {"name": "无名", "channel_type": "local_chain"}, format="json"
        )
    _assert_field_error(response, "branch")


def test_malformed_json_answers_400_in_the_error_format(personas, api):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, data='{"name": "国美", ', content_type="application/json"
        )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert body["errors"]["non_field_errors"]


@pytest.mark.parametrize("document", ["[]", '"国美"', "42", "null"])
def test_a_json_document_that_is_not_an_object_answers_400(personas, api, document):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, data=document, content_type="application/json"
        )
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize("content_type", ["text/csv", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_answers_415_in_the_error_format(personas, api, content_type):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, data="name=x&channel_type=local_chain&branch=BA", content_type=content_type
        )
    assert response.status_code == 415
    assert set(response.json()) == {"detail", "code", "errors"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "100000000000000000000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "first"}, "page"),
        ({"page": "99"}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
    ],
)
@pytest.mark.parametrize("url", [CUSTOMERS, OUTLETS, CONTACTS, "/api/v1/branches/"])
def test_bad_page_or_page_size_answers_400(personas, api, url, params, field):
    _assert_field_error(api.as_(personas.hq).get(url, params), field)


def test_largest_page_size_is_accepted(personas, api):
    response = api.as_(personas.hq).get(CUSTOMERS, {"page_size": "200"})
    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"channel_type": "bogus"}, "channel_type"),
        ({"tier": "gold"}, "tier"),
        ({"is_key_account": "maybe"}, "is_key_account"),
        ({"search": "国" * 101}, "search"),
        ({"search": "guo\x00mei"}, "search"),
        ({"branch": "B\x00A"}, "branch"),
    ],
)
def test_bad_filter_value_answers_400_not_everything(personas, api, params, field):
    _assert_field_error(api.as_(personas.hq).get(CUSTOMERS, params), field)


def test_boolean_filter_accepts_true_and_false(personas, api):
    Customer.objects.filter(code="C100002").update(is_key_account=True)
    client = api.as_(personas.hq)
    keys = client.get(CUSTOMERS, {"is_key_account": "true"}).json()["results"]
    others = client.get(CUSTOMERS, {"is_key_account": "false"}).json()["results"]
    assert [c["code"] for c in keys] == ["C100002"]
    assert [c["code"] for c in others] == ["C100001", "C100003"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("branch", "NOPE"),
        ("account_manager", "nobody"),
        ("account_manager", "bm_a"),  # exists, but is not an account manager
        ("account_manager", "am_b"),  # an account manager of another branch
        ("branch", 42),
        ("branch", "B\x00A"),
    ],
)
def test_unknown_branch_or_account_manager_is_a_field_error(personas, api, field, value):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, _valid_customer(**{field: value}), format="json"
        )
    _assert_field_error(response, field)


def test_inactive_account_manager_cannot_be_assigned(personas, api):
    personas.am_a2.is_active = False
    personas.am_a2.save()
    with nothing_written():
        response = api.as_(personas.hq).patch(
            "/api/v1/customers/C100001/", {"account_manager": "am_a2"}, format="json"
        )
    _assert_field_error(response, "account_manager")


def _outlet(customer: str) -> dict[str, Any]:
    return {
        "customer": customer,
        "name": "新店",
        "format": "flagship",
        "province": "370000",
        "city": "青岛",
    }


def test_out_of_scope_customer_on_outlet_create_reads_as_unknown_code(personas, api):
    """An account manager of branch B names a branch-A customer: the same field error as
    for a code that does not exist (no 403 or 404 that would confirm the customer)."""
    client = api.as_(personas.am_b)
    with nothing_written():
        hidden = client.post(OUTLETS, _outlet("C100001"), format="json")
        missing = client.post(OUTLETS, _outlet("C999999"), format="json")
    _assert_field_error(hidden, "customer")
    _assert_field_error(missing, "customer")
    strip = lambda r, code: r.json()["errors"]["customer"][0].replace(code, "")  # noqa: E731
    assert strip(hidden, "C100001") == strip(missing, "C999999")


def test_out_of_scope_customer_on_contact_create_reads_as_unknown_code(personas, api):
    with nothing_written():
        response = api.as_(personas.cu_b1).post(
            CONTACTS, {"customer": "C100001", "name": "间谍"}, format="json"
        )
    _assert_field_error(response, "customer")


def test_outlet_with_unknown_province_is_a_field_error(personas, api):
    with nothing_written():
        response = api.as_(personas.am_a).post(
            OUTLETS, _outlet("C100001") | {"province": "999999"}, format="json"
        )
    _assert_field_error(response, "province")


def test_outlet_with_latitude_out_of_range_is_a_field_error(personas, api):
    with nothing_written():
        response = api.as_(personas.am_a).post(
            OUTLETS, _outlet("C100001") | {"latitude": "91.5"}, format="json"
        )
    _assert_field_error(response, "latitude")


def test_duplicate_customer_code_is_a_field_error(personas, api):
    with nothing_written():
        response = api.as_(personas.hq).post(
            CUSTOMERS, _valid_customer(code="C100003"), format="json"
        )
    _assert_field_error(response, "code")


def test_changing_a_customer_code_is_a_field_error(personas, api):
    with nothing_written():
        response = api.as_(personas.hq).patch(
            "/api/v1/customers/C100001/", {"code": "C200001"}, format="json"
        )
    _assert_field_error(response, "code")


def test_moving_an_outlet_to_another_customer_is_a_field_error(personas, api):
    with nothing_written():
        response = api.as_(personas.hq).patch(
            "/api/v1/outlets/S1000001/", {"customer": "C100003"}, format="json"
        )
    _assert_field_error(response, "customer")


def test_account_manager_of_another_branch_on_update_is_a_field_error(personas, api):
    with nothing_written():
        response = api.as_(personas.hq).patch(
            "/api/v1/customers/C100001/", {"account_manager": "am_b"}, format="json"
        )
    _assert_field_error(response, "account_manager")


def test_bad_update_leaves_record_version_and_history_unchanged(personas, api):
    before = Customer.objects.get(code="C100001")
    with nothing_written():
        response = api.as_(personas.am_a).patch(
            "/api/v1/customers/C100001/",
            {"phone": "0532-1", "email": "broken", "tier": "vip"},
            format="json",
        )
    _assert_field_error(response, "email")
    after = Customer.objects.get(code="C100001")
    assert (after.version, after.phone, after.tier) == (before.version, before.phone, before.tier)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/customers/C10\x000001/",
        "/api/v1/outlets/\x00/",
        "/api/v1/branches/B\x00/",
        "/api/v1/customers/C10\x000001/history/",
    ],
)
def test_nul_in_a_record_key_answers_404_not_500(personas, api, url):
    response = api.as_(personas.hq).get(url)
    assert response.status_code == 404
    assert response.json()["errors"] == {}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing/",
        "/api/v1/contacts/abc/",
        "/api/v1/customers/C100001/nothing/",
        "/api/v1/customers/C100001",
    ],
)
def test_unknown_api_url_answers_json_404(personas, api, url):
    response = api.as_(personas.hq).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "code", "errors"}


def test_post_to_an_unknown_api_url_answers_json_404_without_csrf_trouble(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.hq)
    response = client.post("/api/v1/nothing/", {"a": 1})
    assert response.status_code == 404
    assert response.json()["errors"] == {}


def test_method_not_offered_answers_405_in_the_error_format(personas, api):
    response = api.as_(personas.hq).delete("/api/v1/customers/C100001/")
    assert response.status_code == 405
    assert set(response.json()) == {"detail", "code", "errors"}


def test_forbidden_answer_uses_the_error_format(personas, api):
    response = api.as_(personas.pm).patch(
        "/api/v1/customers/C100001/", {"phone": "1"}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["detail"] and body["errors"] == {}


def test_unauthenticated_answer_uses_the_error_format(personas, api):
    response = api.as_(None).get(CUSTOMERS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert set(response.json()) == {"detail", "code", "errors"}


def test_integrity_error_from_a_race_answers_409():
    response = exception_handler(IntegrityError("duplicate key"), {})
    assert response is not None
    assert response.status_code == 409
    assert response.data["errors"] == {}


def test_model_validation_error_without_field_is_a_non_field_error():
    from django.core.exceptions import ValidationError

    response = exception_handler(ValidationError({"__all__": ["Not together."]}), {})
    assert response is not None
    assert response.status_code == 400
    assert response.data["errors"] == {"non_field_errors": ["Not together."]}


_FIELDS = [
    "code",
    "name",
    "channel_type",
    "branch",
    "account_manager",
    "credit_limit",
    "tier",
    "priority",
    "status",
    "employees",
    "founded_year",
    "joined_on",
    "email",
    "website",
    "is_key_account",
    "registered_capital",
]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.sampled_from(["BA", "BB", "am_a", "vip", "A+", "local_chain", "2020-01-01", "C100001"]),
    st.lists(st.text(max_size=5), max_size=3),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=8))
def test_any_customer_body_answers_201_or_400_never_500(personas, api, body):
    before = _counts()
    response = api.as_(personas.hq).post(
        CUSTOMERS, data=json.dumps(body, allow_nan=True), content_type="application/json"
    )
    assert response.status_code in (201, 400), response.content
    after = _counts()
    if response.status_code == 400:
        assert after == before
        assert response.json()["errors"]
    else:
        assert after["Customer"] == before["Customer"] + 1
