"""The access matrix of the inventory reads (进销存): every page and endpoint, for every role
of `ROLES`, on the sell-through of customers A1, A2 and B1 (inside and outside each role's
scope).

Rules (docs/inventory.md): feed rows are seen with their customer (`customer_scope`), so the
lists hold exactly the outlets in the role's scope; a customer or outlet code out of scope
answers 404 in the API, and is an unknown code (a 400 filter error, never data) on the pages;
customer users always see their own company (the pages ignore any other customer code).
Roles that serve no channel customer (call agents, engineers, suppliers) get 403 on every
page and endpoint.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest

from conftest import Personas, shared_personas
from roots.sellthrough.models import SellThrough
from tests.test_access_matrix import (
    A1_VIEWERS,
    A2_VIEWERS,
    B1_VIEWERS,
    ROLES,
    _browser,
    _check_roles,
)

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

D = datetime.date(2026, 3, 31)
INVENTORY_ROLES = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "pm", "cu_a1", "cu_b1"})
OUTLETS = {"a1": "S1000001", "a2": "S1000002", "b1": "S1000003"}
CUSTOMERS = {"a1": "C100001", "a2": "C100002", "b1": "C100003"}
VIEWERS = {"a1": A1_VIEWERS, "a2": A2_VIEWERS, "b1": B1_VIEWERS}
API = {
    "stock": "/api/v1/sellthrough/stock/?as_of=2026-03-31",
    "sell-through": "/api/v1/sellthrough/sell-through/?from=2026-03-01&to=2026-03-31",
    "alerts": "/api/v1/sellthrough/alerts/?as_of=2026-03-31",
}
PAGES = {
    "inventory": "/sellthrough/inventory/?as_of=2026-03-31",
    "export": "/sellthrough/inventory/export.xlsx?as_of=2026-03-31",
    "sell-through-rate": "/sellthrough/sell-through/?date_from=2026-03-01&date_to=2026-03-31",
    "stock-alerts": "/sellthrough/alerts/?as_of=2026-03-31",
}


@pytest.fixture
def feed(personas: Personas) -> None:
    """Each customer's outlet reports the persona SKU: every position is a stock-out risk,
    so that the alerts list the same outlets as the stock position."""
    for outlet in (personas.outlet_a1, personas.outlet_a2, personas.outlet_b1):
        SellThrough.objects.create(
            customer=outlet.customer,
            outlet=outlet,
            sku=personas.sku,
            date=D,
            units_received=0,
            units_sold=28,
            revenue=Decimal("70000"),
            stock_units=2,
            unit_cost=Decimal("1999.00"),
        )


def _in_scope(role: str) -> set[str]:
    return {OUTLETS[label] for label, viewers in VIEWERS.items() if role in viewers}


def _status(role: str, ok: int = 200) -> int:
    return ok if role in INVENTORY_ROLES else 403


# --- API -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", API)
def test_api_lists_exactly_the_outlets_in_scope(personas, feed, name):
    def scoped(role: str, response: Any) -> list[str]:
        if response.status_code != 200:
            return []
        results = response.data["results"]
        got = {r["outlet"] if r.get("outlet") else r["key"] for r in results}
        wanted = _in_scope(role)
        return [] if got == wanted else [f"{role}: {name} listed {sorted(got)}, not {wanted}"]

    expect = {role: _status(role) for role in ROLES}
    _check_roles(personas, "GET", API[name], expect, after=scoped)


@pytest.mark.parametrize("name", API)
@pytest.mark.parametrize("label", CUSTOMERS)
def test_api_customer_and_outlet_codes_answer_viewers_only(personas, feed, name, label):
    def expect() -> dict[str, int]:
        return {role: _status(role, 200 if role in VIEWERS[label] else 404) for role in ROLES}

    _check_roles(personas, "GET", f"{API[name]}&customer={CUSTOMERS[label]}", expect())
    _check_roles(personas, "GET", f"{API[name]}&outlet={OUTLETS[label]}", expect())


@pytest.mark.parametrize("name", API)
def test_api_unknown_codes_are_404_for_every_inventory_role(personas, feed, name):
    expect = {role: _status(role, 404) for role in ROLES}
    _check_roles(personas, "GET", f"{API[name]}&customer=C999999", expect)
    _check_roles(personas, "GET", f"{API[name]}&outlet=S9999999", expect)


@pytest.mark.parametrize("name", API)
def test_api_is_read_only(personas, feed, name):
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        _check_roles(personas, method, API[name], dict.fromkeys(ROLES, 405), {})


def test_api_anonymous_gets_401(personas, feed):
    from rest_framework.test import APIClient

    for url in API.values():
        assert APIClient().get(url).status_code == 401, url


# --- pages -----------------------------------------------------------------------------------
def _page_outlets(name: str, content: bytes) -> set[str]:
    if name == "export":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            text = book.read("xl/sharedStrings.xml").decode()
        return set(re.findall(r"<t[^>]*>(S\d{7})</t>", text))
    html = content.decode()
    found = re.findall(r'data-(?:position|alert)="(S\d{7})/', html)
    found += re.findall(r'data-rate="(S\d{7})"', html)
    return set(found)


@pytest.mark.parametrize("name", PAGES)
def test_pages_show_exactly_the_outlets_in_scope(personas, feed, name):
    problems = []
    for role in ROLES:
        response = _browser(personas, role).get(PAGES[name])
        if response.status_code != _status(role):
            problems.append(f"{role}: {name} answered {response.status_code}")
            continue
        if response.status_code == 200:
            got = _page_outlets(name, response.content)
            if got != _in_scope(role):
                problems.append(f"{role}: {name} showed {sorted(got)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("label", CUSTOMERS)
def test_pages_with_a_customer_code_out_of_scope_show_nothing_of_it(personas, feed, name, label):
    """Staff out of scope get the filter error (400) and no data; customer users are fixed
    to their own company whatever the code; other roles 403."""
    problems = []
    for role in ROLES:
        url = f"{PAGES[name]}&customer={CUSTOMERS[label]}"
        response = _browser(personas, role).get(url)
        if role not in INVENTORY_ROLES:
            wanted, outlets = 403, set()
        elif role.startswith("cu_"):
            wanted, outlets = 200, _in_scope(role)
        elif role in VIEWERS[label]:
            wanted, outlets = 200, {OUTLETS[label]}
        else:
            wanted, outlets = 400, set()
        readable = response.status_code == 200 or (response.status_code == 400 and name != "export")
        got = _page_outlets(name, response.content) if readable else set()
        if response.status_code != wanted or got != outlets:
            problems.append(f"{role}: {response.status_code} {sorted(got)}")
    assert not problems, "\n".join(problems)


def test_pages_send_anonymous_to_login(personas, feed):
    from django.test import Client

    for url in PAGES.values():
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/")
