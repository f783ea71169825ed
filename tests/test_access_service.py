"""The access matrix of complaints: every endpoint and page, for every role of `ROLES`, on
complaints of customers A1, A2 and B1 (inside and outside each role's scope).

Rules (docs/portal.md): a complaint is seen with its customer (`customer_scope`; an account
manager also sees complaints assigned to them), so out of scope is 404 for reads and steps
alike. In scope: the customer's users raise, write, confirm (close) and reopen; the staff who
handle it (its account manager, the branch manager, headquarters) answer, resolve and close;
branch managers and headquarters reassign; the product manager only reads (403 on steps). A
step not allowed in the complaint's state is 409. Roles that serve no channel customer (call
agents, engineers, suppliers) have no complaint pages (403) and see no complaint (404).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.service import services
from roots.service.models import Complaint
from tests.test_access_matrix import (
    A1_VIEWERS,
    A2_VIEWERS,
    B1_VIEWERS,
    ROLES,
    _browser,
    _check_roles,
    _isolated,
)

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")
URL = "/api/v1/complaints/"

# Who handles (answers, resolves, closes) the complaints of each customer, who reassigns.
A1_HANDLERS = frozenset({"hq", "bm_a", "am_a"})
A2_HANDLERS = frozenset({"hq", "bm_a", "am_a2"})
B1_HANDLERS = frozenset({"hq", "bm_b", "am_b"})
A1_ASSIGNERS = frozenset({"hq", "bm_a"})
COMPLAINT_ROLES = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "pm", "cu_a1", "cu_b1"})
RAISERS = COMPLAINT_ROLES - {"pm"}


def _raise(user: Any, customer: Any = None, subject: str = "送货延迟") -> Complaint:
    data = {"category": "delivery", "subject": subject, "description": "x", "severity": "normal"}
    if customer is not None:
        data["customer"] = customer
    return services.complaint_raise(user=user, data=data)


@pytest.fixture
def complaints(personas: Personas) -> dict[str, Complaint]:
    """Open complaints of A1, A2 and B1, and a resolved one of A1."""
    made = {
        "a1": _raise(personas.cu_a1, subject="国美的投诉"),
        "a2": _raise(personas.am_a2, personas.cust_a2, subject="利群的投诉"),
        "b1": _raise(personas.cu_b1, subject="大中的投诉"),
        "a1_resolved": _raise(personas.cu_a1, subject="已解决的投诉"),
    }
    services.complaint_resolve(user=personas.am_a, complaint=made["a1_resolved"], resolution="好")
    made["a1_resolved"].refresh_from_db()
    return made


RECORDS = (
    ("a1", A1_VIEWERS, A1_HANDLERS),
    ("a2", A2_VIEWERS, A2_HANDLERS),
    ("b1", B1_VIEWERS, B1_HANDLERS),
)


def _by(viewers: frozenset[str], allowed: frozenset[str], ok: int) -> dict[str, int]:
    """`ok` for `allowed`, 403 for the other viewers, 404 for everyone else."""
    return {r: ok if r in allowed else 403 if r in viewers else 404 for r in ROLES}


def _customer_of(label: str) -> str:
    return {"a1": "cu_a1", "a2": "", "b1": "cu_b1"}[label]


# --- API: reads ------------------------------------------------------------------------------
def test_list_contains_exactly_the_complaints_in_scope(personas, complaints):
    def scoped(role: str, response: Any) -> list[str]:
        got = {row["number"] for row in response.data["results"]}
        wanted = {
            c.number
            for label, c in complaints.items()
            if role in {"a1": A1_VIEWERS, "a2": A2_VIEWERS, "b1": B1_VIEWERS}[label[:2]]
        }
        return [] if got == wanted else [f"{role}: listed {sorted(got)}, wanted {sorted(wanted)}"]

    _check_roles(personas, "GET", URL, dict.fromkeys(ROLES, 200), after=scoped)


@pytest.mark.parametrize(("label", "viewers", "handlers"), RECORDS, ids=[r[0] for r in RECORDS])
def test_retrieve_history_and_thread_answer_viewers_only(
    personas, complaints, label, viewers, handlers
):
    number = complaints[label].number
    expect = {r: 200 if r in viewers else 404 for r in ROLES}
    for suffix in ("", "history/", "messages/"):
        _check_roles(personas, "GET", f"{URL}{number}/{suffix}", expect)


def test_search_never_finds_complaints_out_of_scope(personas, complaints):
    number = complaints["a1"].number

    def found_iff_visible(role: str, response: Any) -> list[str]:
        found = {row["number"] for row in response.data["results"]}
        if (number in found) != (role in A1_VIEWERS):
            return [f"{role}: search answered {sorted(found)}"]
        return []

    _check_roles(
        personas,
        "GET",
        f"{URL}?search={number}",
        dict.fromkeys(ROLES, 200),
        after=found_iff_visible,
    )


# --- API: writes -----------------------------------------------------------------------------
def test_create_by_role(personas, complaints):
    body = {"customer": "C100001", "category": "billing", "subject": "x", "description": "x"}
    expect = (
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(["hq", "bm_a", "am_a", "cu_a1"], 201)
        # Customer A1 does not exist for these raisers: a field error, never a leak.
        | dict.fromkeys(["bm_b", "am_a2", "am_b", "cu_b1"], 400)
    )
    before = Complaint.objects.count()

    def created_or_not(role: str, response: Any) -> list[str]:
        grew = Complaint.objects.count() - before
        if (response.status_code == 201) != (grew == 1):
            return [f"{role}: {response.status_code} and {grew} complaints written"]
        return []

    _check_roles(personas, "POST", URL, expect, body, after=created_or_not)


def test_customer_users_create_for_their_own_company_without_naming_it(personas):
    body = {"category": "billing", "subject": "x", "description": "x"}
    expect = (
        dict.fromkeys(ROLES, 403)
        | {"cu_a1": 201, "cu_b1": 201}
        | dict.fromkeys(["hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b"], 400)
    )
    _check_roles(personas, "POST", URL, expect, body)


@pytest.mark.parametrize(("label", "viewers", "handlers"), RECORDS, ids=[r[0] for r in RECORDS])
def test_staff_steps_by_role(personas, complaints, label, viewers, handlers):
    number = complaints[label].number
    expect = _by(viewers, handlers, 200)
    _check_roles(personas, "POST", f"{URL}{number}/respond/", expect, {"text": "收到"})
    _check_roles(personas, "POST", f"{URL}{number}/resolve/", expect, {"resolution": "已处理"})


@pytest.mark.parametrize(("label", "viewers", "handlers"), RECORDS, ids=[r[0] for r in RECORDS])
def test_messages_by_role(personas, complaints, label, viewers, handlers):
    number = complaints[label].number
    writers = handlers | {_customer_of(label)} - {""}
    _check_roles(
        personas, "POST", f"{URL}{number}/messages/", _by(viewers, writers, 201), {"text": "你好"}
    )


def test_internal_notes_by_role(personas, complaints):
    number = complaints["a1"].number
    expect = _by(A1_VIEWERS, A1_HANDLERS, 201)
    _check_roles(
        personas, "POST", f"{URL}{number}/messages/", expect, {"text": "内部", "internal": True}
    )


def test_close_of_an_open_complaint_is_a_conflict_for_those_who_may_close(personas, complaints):
    number = complaints["a1"].number
    expect = _by(A1_VIEWERS, A1_HANDLERS | {"cu_a1"}, 409)
    _check_roles(personas, "POST", f"{URL}{number}/close/", expect, {})


def test_close_and_reopen_of_a_resolved_complaint_by_role(personas, complaints):
    number = complaints["a1_resolved"].number
    _check_roles(
        personas, "POST", f"{URL}{number}/close/", _by(A1_VIEWERS, A1_HANDLERS | {"cu_a1"}, 200), {}
    )
    _check_roles(
        personas,
        "POST",
        f"{URL}{number}/reopen/",
        _by(A1_VIEWERS, frozenset({"cu_a1"}), 200),
        {"reason": "还没好"},
    )


def test_reopen_of_an_open_complaint_is_a_conflict_for_the_customer(personas, complaints):
    number = complaints["a1"].number
    expect = _by(A1_VIEWERS, frozenset({"cu_a1"}), 409)
    _check_roles(personas, "POST", f"{URL}{number}/reopen/", expect, {"reason": "x"})


def test_assign_by_role(personas, complaints):
    number = complaints["a1"].number
    _check_roles(
        personas,
        "POST",
        f"{URL}{number}/assign/",
        _by(A1_VIEWERS, A1_ASSIGNERS, 200),
        {"owner": "am_a2"},
    )


def test_complaints_cannot_be_edited_or_deleted(personas, complaints):
    number = complaints["a1"].number
    for method in ("PATCH", "PUT", "DELETE"):
        _check_roles(
            personas, method, f"{URL}{number}/", dict.fromkeys(ROLES, 405), {"subject": "x"}
        )


def test_missing_complaint_is_404_for_everyone(personas, complaints):
    _check_roles(personas, "GET", f"{URL}CP99999999/", dict.fromkeys(ROLES, 404))
    _check_roles(
        personas, "POST", f"{URL}CP99999999/respond/", dict.fromkeys(ROLES, 404), {"text": "x"}
    )


def test_anonymous_gets_401_everywhere(personas, complaints):
    client = APIClient()
    number = complaints["a1"].number
    for method, url in [
        ("GET", URL),
        ("POST", URL),
        ("GET", f"{URL}{number}/"),
        ("GET", f"{URL}{number}/history/"),
        ("GET", f"{URL}{number}/messages/"),
        *[
            ("POST", f"{URL}{number}/{a}/")
            for a in ("respond", "resolve", "close", "reopen", "assign", "messages")
        ],
    ]:
        assert getattr(client, method.lower())(url, {}, format="json").status_code == 401, (
            method,
            url,
        )


# --- pages -----------------------------------------------------------------------------------
def _pages_by_role(personas: Personas, url: str, expect: Mapping[str, int]) -> None:
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url).status_code
        if status != expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


def test_list_page_by_role_shows_exactly_the_complaints_in_scope(personas, complaints):
    problems = []
    for role in ROLES:
        response = _browser(personas, role).get("/complaints/")
        if role not in COMPLAINT_ROLES:
            if response.status_code != 403:
                problems.append(f"{role}: list answered {response.status_code}")
            continue
        got = set(re.findall(r'data-number="(CP\d{8})"', response.content.decode()))
        wanted = {
            c.number
            for label, c in complaints.items()
            if role in {"a1": A1_VIEWERS, "a2": A2_VIEWERS, "b1": B1_VIEWERS}[label[:2]]
        }
        if response.status_code != 200 or got != wanted:
            problems.append(f"{role}: {response.status_code} {sorted(got)} wanted {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_new_complaint_page_by_role(personas):
    _pages_by_role(personas, "/complaints/new/", {r: 200 if r in RAISERS else 403 for r in ROLES})


@pytest.mark.parametrize(("label", "viewers", "handlers"), RECORDS, ids=[r[0] for r in RECORDS])
def test_complaint_page_by_role(personas, complaints, label, viewers, handlers):
    number = complaints[label].number
    _pages_by_role(
        personas, f"/complaints/{number}/", {r: 200 if r in viewers else 404 for r in ROLES}
    )


@pytest.mark.parametrize(("label", "viewers", "handlers"), RECORDS, ids=[r[0] for r in RECORDS])
def test_page_forms_by_role(personas, complaints, label, viewers, handlers):
    """The forms of the complaint page post like the API: 302 back to the page when done,
    403 for a viewer who may not, 404 out of scope."""
    number = complaints[label].number
    writers = handlers | {_customer_of(label)} - {""}
    cases = [
        ("message", {"text": "你好"}, _by(viewers, writers, 302)),
        ("resolve", {"resolution": "已处理"}, _by(viewers, handlers, 302)),
        ("assign", {"owner": {"a1": "am_a2", "a2": "am_a", "b1": "am_b"}[label]},
         _by(viewers, frozenset({"hq", "bm_a" if label != "b1" else "bm_b"}), 302)),
    ]  # fmt: skip
    problems = []
    for action, body, expect in cases:
        for role in ROLES:

            def attempt(role: str = role, action: str = action, body: Any = body) -> int:
                url = f"/complaints/{number}/{action}/"
                return _browser(personas, role).post(url, body).status_code

            status = _isolated(attempt)
            if status != expect[role]:
                problems.append(f"{role}: {action} answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


def test_anonymous_is_sent_to_login_from_every_page(personas, complaints):
    from django.test import Client

    number = complaints["a1"].number
    for url in ("/complaints/", "/complaints/new/", f"/complaints/{number}/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/")
