"""The access matrix of made-to-order: every endpoint and page of custom orders, for every
role of `ROLES`, on records inside and outside its scope.

Rules (docs/custom-orders.md): records follow their customer (`customer_scope`), so a record
out of scope answers 404 to reads and steps alike. In scope, a role that never takes a step
answers 403; a customer user taking the producer's step (quote, decline, production) is a
participant out of turn and answers 409. Lists, searches, the demand view and its export show
exactly what the role's scope holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.orders.models import CustomOrder
from roots.orders.tests.test_custom_support import (
    accepted,
    custom_model,
    in_production,
    quoted,
    requested,
)
from tests.test_access_matrix import (
    A1_VIEWERS,
    A2_VIEWERS,
    B1_VIEWERS,
    PORTAL,
    ROLES,
    STAFF,
    _browser,
    _check_roles,
    _isolated,
    xlsx_texts,
)

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")
URL = "/api/v1/custom-orders/"

PRODUCERS = frozenset({"hq", "pm"})
REQUESTERS = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "cu_a1", "cu_b1"})
LIST_ROLES = REQUESTERS | {"pm"}
DEMAND_ROLES = frozenset({"hq", "pm", "bm_a", "bm_b", "am_a", "am_a2", "am_b"})
# On customer A1's records: who decides on a quote, who may cancel.
A1_DECIDERS = frozenset({"cu_a1", "am_a"})
A1_CANCELLERS = frozenset({"cu_a1", "am_a", "bm_a", "hq"})
B1_DECIDERS = frozenset({"cu_b1", "am_b"})
B1_CANCELLERS = frozenset({"cu_b1", "am_b", "bm_b", "hq"})


@dataclass(frozen=True)
class Made:
    """The persona records: label -> (number, viewers)."""

    numbers: dict[str, str]

    def __getitem__(self, label: str) -> str:
        return self.numbers[label]


VIEWERS = {
    "a1_requested": A1_VIEWERS,
    "a1_quoted": A1_VIEWERS,
    "a1_accepted": A1_VIEWERS,
    "a1_in_production": A1_VIEWERS,
    "a2_requested": A2_VIEWERS,
    "b1_requested": B1_VIEWERS,
    "b1_quoted": B1_VIEWERS,
}


@pytest.fixture
def made(personas: Personas) -> Made:
    custom_model()
    # Room on A1's credit for every acceptance the tests make (each 400 × ¥2,050).
    personas.cust_a1.credit_limit = 10**8
    personas.cust_a1.save()
    b1 = {"user": personas.cu_b1, "outlet": personas.outlet_b1}
    records = {
        "a1_requested": requested(personas),
        "a1_quoted": quoted(personas),
        "a1_accepted": accepted(personas),
        "a1_in_production": in_production(personas),
        "a2_requested": requested(
            personas, user=personas.am_a2, customer=personas.cust_a2, outlet=personas.outlet_a2
        ),
        "b1_requested": requested(personas, title="北京大容量冷柜", **b1),
        "b1_quoted": quoted(personas, **b1),
    }
    return Made({label: co.number for label, co in records.items()})


def by_access(
    viewers: frozenset[str],
    allowed: frozenset[str],
    ok: int,
    *,
    out_of_turn: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """`ok` for `allowed`, 409 for participants out of turn, 403 for other viewers, 404 for
    the rest."""
    return {
        role: ok
        if role in allowed
        else 409
        if role in out_of_turn and role in viewers
        else 403
        if role in viewers
        else 404
        for role in ROLES
    }


def _status_of(number: str) -> str:
    return CustomOrder.objects.get(number=number).status


# --- reads ------------------------------------------------------------------------------------
def test_list_contains_exactly_the_records_in_scope(personas, made):
    def scoped(role: str, response: Any) -> list[str]:
        got = {row["number"] for row in response.data["results"]}
        wanted = {made[label] for label, viewers in VIEWERS.items() if role in viewers}
        return [] if got == wanted else [f"{role}: {sorted(got)} != {sorted(wanted)}"]

    _check_roles(personas, "GET", URL, dict.fromkeys(ROLES, 200), after=scoped)


@pytest.mark.parametrize("label", list(VIEWERS))
@pytest.mark.parametrize("suffix", ["", "history/", "timeline/"])
def test_record_reads_answer_viewers_and_404_to_everyone_else(personas, made, label, suffix):
    expect = {role: 200 if role in VIEWERS[label] else 404 for role in ROLES}
    _check_roles(personas, "GET", f"{URL}{made[label]}/{suffix}", expect)


def test_search_never_finds_records_out_of_scope(personas, made):
    def found(role: str, response: Any) -> list[str]:
        got = {row["number"] for row in response.data["results"]}
        wanted = {made["b1_requested"]} if role in B1_VIEWERS else set()
        return [] if got == wanted else [f"{role}: search found {sorted(got)}"]

    _check_roles(
        personas, "GET", f"{URL}?search=北京大容量", dict.fromkeys(ROLES, 200), after=found
    )


def test_missing_record_is_404_for_everyone(personas, made):
    _check_roles(personas, "GET", f"{URL}MO99999999/", dict.fromkeys(ROLES, 404))
    _check_roles(personas, "POST", f"{URL}MO99999999/cancel/", dict.fromkeys(ROLES, 404), {})


# --- create -----------------------------------------------------------------------------------
def test_create_by_role(personas, made):
    body = {
        "customer": "C100001",
        "outlet": "S1000001",
        "title": "节能冰箱",
        "category": "FRIDGE",
        "quantity": 10,
    }
    expect = dict.fromkeys(ROLES, 403) | {
        "cu_a1": 201,
        "am_a": 201,
        "bm_a": 201,
        "hq": 201,
        # Requesters for whom customer C100001 does not exist: a field error.
        "cu_b1": 400,
        "am_a2": 400,
        "am_b": 400,
        "bm_b": 400,
    }
    before = CustomOrder.objects.count()

    def written(role: str, response: Any) -> list[str]:
        grew = CustomOrder.objects.count() - before
        if (response.status_code == 201) != (grew == 1):
            return [f"{role}: {response.status_code} and {grew} rows written"]
        return []

    _check_roles(personas, "POST", URL, expect, body, after=written)


# --- steps ------------------------------------------------------------------------------------
QUOTE = {"quoted_price": "2050.00", "quoted_lead_days": 21}


@dataclass(frozen=True)
class Step:
    label: str
    record: str
    action: str
    body: Mapping[str, Any]
    expect: Callable[[], dict[str, int]]
    after_status: str  # the record's status after a successful step


STEPS = [
    Step("quote-a1", "a1_requested", "quote", QUOTE,
         lambda: by_access(A1_VIEWERS, PRODUCERS, 200, out_of_turn=PORTAL), "quoted"),
    Step("quote-b1", "b1_requested", "quote", QUOTE,
         lambda: by_access(B1_VIEWERS, PRODUCERS, 200, out_of_turn=PORTAL), "quoted"),
    Step("requote-a1", "a1_quoted", "quote", QUOTE,
         lambda: by_access(A1_VIEWERS, PRODUCERS, 200, out_of_turn=PORTAL), "quoted"),
    Step("decline-a1", "a1_requested", "decline", {"reason": "做不了"},
         lambda: by_access(A1_VIEWERS, PRODUCERS, 200, out_of_turn=PORTAL), "declined"),
    Step("accept-a1", "a1_quoted", "accept", {},
         lambda: by_access(A1_VIEWERS, A1_DECIDERS, 200), "accepted"),
    Step("accept-b1", "b1_quoted", "accept", {},
         lambda: by_access(B1_VIEWERS, B1_DECIDERS, 200), "accepted"),
    Step("reject-a1", "a1_quoted", "reject", {"reason": "贵"},
         lambda: by_access(A1_VIEWERS, A1_DECIDERS, 200), "rejected"),
    Step("cancel-a1-requested", "a1_requested", "cancel", {},
         lambda: by_access(A1_VIEWERS, A1_CANCELLERS, 200), "cancelled"),
    Step("cancel-b1-requested", "b1_requested", "cancel", {},
         lambda: by_access(B1_VIEWERS, B1_CANCELLERS, 200), "cancelled"),
    # After acceptance the customer's own users may no longer cancel: 409.
    Step("cancel-a1-accepted", "a1_accepted", "cancel", {},
         lambda: by_access(A1_VIEWERS, A1_CANCELLERS - {"cu_a1"}, 200, out_of_turn=PORTAL),
         "cancelled"),
    Step("cancel-a1-in-production", "a1_in_production", "cancel", {},
         lambda: by_access(A1_VIEWERS, frozenset(), 0, out_of_turn=A1_CANCELLERS), "in_production"),
    Step("start-production-a1", "a1_accepted", "start-production", {},
         lambda: by_access(A1_VIEWERS, PRODUCERS, 200, out_of_turn=PORTAL), "in_production"),
    Step("produced-a1", "a1_in_production", "produced", {},
         lambda: by_access(A1_VIEWERS, PRODUCERS, 200, out_of_turn=PORTAL), "produced"),
    # Steps the state does not allow: 409 for whoever may take them at all.
    Step("accept-requested-a1", "a1_requested", "accept", {},
         lambda: by_access(A1_VIEWERS, frozenset(), 0, out_of_turn=A1_DECIDERS), "requested"),
    Step("start-production-quoted-a1", "a1_quoted", "start-production", {},
         lambda: by_access(A1_VIEWERS, frozenset(), 0, out_of_turn=PRODUCERS | PORTAL), "quoted"),
]  # fmt: skip


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.label)
def test_api_step_by_role(personas, made, step):
    number = made[step.record]
    before = _status_of(number)

    def state(role: str, response: Any) -> list[str]:
        now = _status_of(number)
        wanted = step.after_status if response.status_code == 200 else before
        return [] if now == wanted else [f"{role}: {response.status_code} left {now}"]

    _check_roles(
        personas,
        "POST",
        f"{URL}{number}/{step.action}/",
        step.expect(),
        dict(step.body),
        after=state,
    )


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.label)
def test_page_step_by_role(personas, made, step):
    number = made[step.record]
    before = _status_of(number)
    version = CustomOrder.objects.get(number=number).version
    data = {"version": str(version)}
    data.update({(f"{step.action}-{k}" if k == "reason" else k): v for k, v in step.body.items()})
    expect = {role: 302 if code == 200 else code for role, code in step.expect().items()}
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> tuple[int, str]:
            response = _browser(personas, role).post(
                f"/custom-orders/{number}/{step.action}/", data
            )
            return response.status_code, _status_of(number)

        status, now = _isolated(attempt)
        if status != expect[role]:
            problems.append(f"{role}: page answered {status}, expected {expect[role]}")
        elif now != (step.after_status if status == 302 else before):
            problems.append(f"{role}: page answered {status} and left {now}")
    assert not problems, "\n".join(problems)


def test_edits_and_deletes_are_not_offered(personas, made):
    url = f"{URL}{made['a1_requested']}/"
    _check_roles(personas, "PATCH", url, dict.fromkeys(ROLES, 405), {"title": "x"})
    _check_roles(personas, "DELETE", url, dict.fromkeys(ROLES, 405))


# --- demand -----------------------------------------------------------------------------------
UNITS = {  # units of the persona records each role sees (400 per record)
    "hq": 2800,
    "pm": 2800,
    "bm_a": 2000,
    "am_a": 1600,
    "am_a2": 400,
    "bm_b": 800,
    "am_b": 800,
}


def test_demand_endpoint_by_role_and_scope(personas, made):
    expect = {role: 200 if role in DEMAND_ROLES else 403 for role in ROLES}

    def units(role: str, response: Any) -> list[str]:
        if response.status_code != 200:
            return []
        got = response.data["units"]
        return [] if got == UNITS[role] else [f"{role}: {got} units"]

    _check_roles(personas, "GET", f"{URL}demand/", expect, after=units)


def test_demand_export_by_role_and_scope(personas, made):
    problems = []
    for role in ROLES:
        response = _browser(personas, role).get("/custom-orders/demand/export/")
        wanted = 200 if role in DEMAND_ROLES else 403
        if response.status_code != wanted:
            problems.append(f"{role}: export answered {response.status_code}")
            continue
        if wanted == 200 and str(UNITS[role]) not in xlsx_texts(response.content):
            problems.append(f"{role}: export lacks the total {UNITS[role]}")
    assert not problems, "\n".join(problems)


# --- pages ------------------------------------------------------------------------------------
PAGES: list[tuple[str, Callable[[Made], str], Callable[[], dict[str, int]]]] = [
    ("list", lambda m: "/custom-orders/",
     lambda: {r: 200 if r in LIST_ROLES else 403 for r in ROLES}),
    ("new", lambda m: "/custom-orders/new/",
     lambda: {r: 200 if r in REQUESTERS else 403 for r in ROLES}),
    ("new-for-a1", lambda m: "/custom-orders/new/?customer=C100001",
     lambda: {r: 200 if r in REQUESTERS and (r in A1_VIEWERS or r in PORTAL) else
              404 if r in REQUESTERS else 403 for r in ROLES}),
    ("new-for-b1", lambda m: "/custom-orders/new/?customer=C100003",
     lambda: {r: 200 if r in REQUESTERS and (r in B1_VIEWERS or r in PORTAL) else
              404 if r in REQUESTERS else 403 for r in ROLES}),
    ("demand", lambda m: "/custom-orders/demand/",
     lambda: {r: 200 if r in DEMAND_ROLES else 403 for r in ROLES}),
    ("demand-export", lambda m: "/custom-orders/demand/export/",
     lambda: {r: 200 if r in DEMAND_ROLES else 403 for r in ROLES}),
    *[
        (f"detail-{label}", lambda m, label=label: f"/custom-orders/{m[label]}/",
         lambda label=label: {r: 200 if r in VIEWERS[label] else 404 for r in ROLES})
        for label in VIEWERS
    ],
]  # fmt: skip


@pytest.mark.parametrize(("label", "url", "expect"), PAGES, ids=[p[0] for p in PAGES])
def test_page_status_by_role(personas, made, label, url, expect):
    wanted = expect()
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url(made)).status_code
        if status != wanted[role]:
            problems.append(f"{role}: GET {url(made)} answered {status}, expected {wanted[role]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("label", "url", "expect"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(personas, made, label, url, expect):
    response = _browser(personas, None).get(url(made))
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_list_page_shows_exactly_the_records_in_scope(personas, made):
    problems = []
    for role in LIST_ROLES:
        html = _browser(personas, role).get("/custom-orders/").content.decode()
        got = set(re.findall(r"MO\d{8}", html))
        wanted = {made[label] for label, viewers in VIEWERS.items() if role in viewers}
        if got != wanted:
            problems.append(f"{role}: page lists {sorted(got)}, expected {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_anonymous_gets_401_from_every_endpoint(personas, made):
    client = APIClient()
    number = made["a1_quoted"]
    requests = [("GET", URL), ("POST", URL), ("GET", f"{URL}demand/")]
    requests += [("GET", f"{URL}{number}/{suffix}") for suffix in ("", "history/", "timeline/")]
    requests += [
        ("POST", f"{URL}{number}/{action}/")
        for action in (
            "quote",
            "decline",
            "accept",
            "reject",
            "cancel",
            "start-production",
            "produced",
        )
    ]
    problems = [
        f"{method} {url}: {status}"
        for method, url in requests
        if (status := getattr(client, method.lower())(url, {}, format="json").status_code) != 401
    ]
    assert not problems


def test_staff_roles_cover_the_table():
    assert frozenset(ROLES) == STAFF | PORTAL
