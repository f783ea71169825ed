"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis 4).

Every operation of `/api/schema/` is called with generated valid and invalid input, in
process through the WSGI application, as a seeded hq_admin and as an account manager.
Every answer must be a declared status code with a body that matches the declared schema and
content type, and none may be a server error.

The run is bounded (`MAX_EXAMPLES` per operation and phase): 413 operations take about seven
minutes at 25; `make test-postgres` uses 8; set `SCHEMATHESIS_MAX_EXAMPLES` for a deeper run.
"""

from __future__ import annotations

import json
import os
import zlib
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import PASSWORD
from roots.org.services import api_token_create

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def _wsgi_inside_test_transaction():
    """The WSGI handler closes "old" database connections at the start and end of each
    request, which would end the test's transaction; Django's test client avoids the same
    by disconnecting these handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()  # rate-limit counters
    yield
    cache.clear()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _auth_headers(user) -> dict[str, str]:
    return {"Authorization": f"Token {api_token_create(user=user)[1]}"}


@pytest.fixture
def hq_headers(personas, _wsgi_inside_test_transaction):
    return _auth_headers(personas.hq)


@pytest.fixture
def account_manager_headers(personas, _wsgi_inside_test_transaction):
    return _auth_headers(personas.am_a)


def _aim(case, personas) -> None:
    """Point half of the generated cases at real records, so that the success paths (200,
    201, 204) are exercised as well as the 400s and 404s of random codes: real keys in the
    path, real codes where the body references a branch, an account manager, a customer or
    a province, and no random If-Match. Which half is decided by the case itself, so the run
    stays reproducible."""
    fingerprint = repr((case.method, case.path, case.path_parameters, case.query, case.body))
    if zlib.crc32(fingerprint.encode()) % 2:
        return
    keys = {
        "/api/v1/customers/{code}/": personas.cust_a1.code,
        "/api/v1/customers/{code}/history/": personas.cust_a1.code,
        "/api/v1/outlets/{code}/": personas.outlet_a1.code,
        "/api/v1/outlets/{code}/history/": personas.outlet_a1.code,
        "/api/v1/branches/{code}/": personas.branch_a.code,
        "/api/v1/branches/{code}/history/": personas.branch_a.code,
        "/api/v1/contacts/{id}/": personas.contact_a1.pk,
        "/api/v1/contacts/{id}/history/": personas.contact_a1.pk,
    }
    if case.path in keys and case.path_parameters:
        name = next(iter(case.path_parameters))
        case.path_parameters = {name: keys[case.path]}
    if isinstance(case.body, dict):
        references = {
            "branch": personas.branch_a.code,
            "account_manager": personas.am_a.username,
            "customer": personas.cust_a1.code,
            "province": personas.outlet_a1.province.code,
            "username": personas.am_a.username,
            "password": PASSWORD,
        }
        body = dict(case.body)
        body.update({k: v for k, v in references.items() if k in body})
        body.pop("code", None)  # a random code may belong to another record
        case.body = body
    if case.headers and "If-Match" in case.headers:
        del case.headers["If-Match"]


# Loaded at collection: generating the schema needs no database. (schemathesis'
# `from_fixture` would load it inside a test, but it relies on a pytest internal that
# pytest 9 removed.) `/api/schema/` answers signed-in callers only, and no user exists at
# collection, so the schema comes from the generator that serves it (the same document,
# rendered as the view renders JSON), and the calls go to the WSGI application. The hq run
# has every phase, including the deterministic boundary values of the coverage phase; the
# account manager's run (the same operations, a narrower scope) generates examples and
# fuzzes, which keeps the file within its time budget.
def _load_schema(raw: dict[str, Any], *, phases: list[str]) -> Any:
    loaded = schemathesis.openapi.from_dict(raw, config=schemathesis.Config())
    loaded.app = get_wsgi_application()
    loaded.location = "/api/schema/"
    loaded.config.phases.update(phases=phases)
    return loaded


_document = SchemaGenerator().get_schema(request=None, public=True)
_raw = json.loads(OpenApiJsonRenderer().render(_document, renderer_context={}))
schema = _load_schema(_raw, phases=["examples", "coverage", "fuzzing"])
schema_without_coverage = _load_schema(json.loads(json.dumps(_raw)), phases=["examples", "fuzzing"])


@schema.parametrize()
@HYPOTHESIS
def test_api_conforms_to_its_schema_as_hq_admin(case, personas, hq_headers):
    _aim(case, personas)
    case.call_and_validate(headers=hq_headers, checks=CHECKS)


@schema_without_coverage.parametrize()
@HYPOTHESIS
def test_api_conforms_to_its_schema_as_account_manager(case, personas, account_manager_headers):
    _aim(case, personas)
    case.call_and_validate(headers=account_manager_headers, checks=CHECKS)


def test_schema_declares_the_error_answers_of_every_operation(personas, client):
    """What the schemathesis run relies on: each operation declares its errors."""
    client.force_login(personas.hq)  # the schema answers signed-in callers
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            wanted = {"429"}
            if operation.get("security"):
                wanted |= {"401", "403"}
            if method in {"post", "put", "patch", "delete"}:
                wanted.add("400")
                if path != "/api/v1/auth/token/":  # a login is no write to retry
                    wanted.add("409")
                    if "Idempotency-Key" not in headers:
                        missing.append(f"{method.upper()} {path}: no Idempotency-Key")
            if method in {"put", "patch", "delete"}:
                wanted.add("412")
                if "If-Match" not in headers:
                    missing.append(f"{method.upper()} {path}: no If-Match")
            if "{" in path:
                wanted.add("404")
            if not wanted <= codes:
                missing.append(f"{method.upper()} {path}: {sorted(wanted - codes)}")
    assert not missing, "\n".join(missing)
