"""Security review L1: a request body that cannot be read, deeply nested JSON included,
answers 400 `parse_error` in the API's error format, never a 500, also without signing in."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import shared_personas

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

NESTED_LISTS = "[" * 5000 + "]" * 5000
NESTED_OBJECTS = '{"a":' * 5000 + "1" + "}" * 5000


def _assert_parse_error(response) -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "parse_error"
    assert body["detail"] and body["errors"]["non_field_errors"]


@pytest.mark.parametrize("document", [NESTED_LISTS, NESTED_OBJECTS], ids=["lists", "objects"])
def test_deeply_nested_json_to_a_write_answers_400(personas, api, document):
    response = api.as_(personas.cu_a1).post(
        "/api/v1/complaints/", data=document, content_type="application/json"
    )
    _assert_parse_error(response)


def test_deeply_nested_json_with_an_idempotency_key_answers_400(personas, api):
    response = api.as_(personas.cu_a1).post(
        "/api/v1/complaints/",
        data=NESTED_LISTS,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="nested-1",
    )
    _assert_parse_error(response)


def test_deeply_nested_json_to_the_token_endpoint_answers_400_without_signing_in(personas):
    response = APIClient().post(
        "/api/v1/auth/token/", data="[" * 1000 + "]" * 1000, content_type="application/json"
    )
    _assert_parse_error(response)


def test_a_body_that_is_not_utf8_answers_400(personas, api):
    response = api.as_(personas.cu_a1).post(
        "/api/v1/complaints/", data=b'{"title": "\xff\xfe"}', content_type="application/json"
    )
    _assert_parse_error(response)


def test_malformed_json_answers_the_parse_error_code(personas, api):
    response = api.as_(personas.hq).post(
        "/api/v1/customers/", data='{"name": "国美", ', content_type="application/json"
    )
    _assert_parse_error(response)
