"""The access matrix of the OEC daily board (日清): every page and endpoint, for every role of
`ROLES`, on items of am_a (branch A) of today and of yesterday.

Rules (docs/daily-board.md): every staff role keeps its own board; customer and supplier
users have none (403 on the pages; on the API they see no item and may not add one). An item
is seen by its user, by the branch manager of its user's branch and by headquarters (others:
404); only its own user changes it (the managers who read it: 403), and only on its day
(a past day's item: 409). The team view is for branch managers (their branch) and
headquarters (every branch).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.sales.daily import services
from roots.sales.models import DailyItem, DailyItemKind, DailyItemStatus
from tests.test_access_matrix import ROLES, STAFF, _browser, _check_roles, _isolated

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

URL = "/api/v1/daily-items/"
PORTAL_USERS = frozenset({"cu_a1", "cu_b1", "su"})
# Who reads am_a's items, and who reads branch A's team.
A_READERS = frozenset({"am_a", "bm_a", "hq"})
MANAGERS = frozenset({"bm_a", "bm_b", "hq"})


@pytest.fixture
def items(personas: Personas) -> dict[str, DailyItem]:
    today = services.board_today()

    def make(day: datetime.date, title: str, status: str = DailyItemStatus.OPEN) -> DailyItem:
        return DailyItem.objects.create(
            user=personas.am_a,
            day=day,
            kind=DailyItemKind.TASK,
            title=title,
            status=status,
        )

    return {
        "open": make(today, "今天的任务"),
        "done": make(today, "做完的任务", DailyItemStatus.DONE),
        "past": make(today - datetime.timedelta(days=1), "昨天的任务"),
    }


def _by(readers: frozenset[str], owner: str, ok: int, *, portal: int = 404) -> dict[str, int]:
    """`ok` for the owner, 403 for the other readers, `portal` for portal users, 404 for
    the rest."""
    expect = {}
    for role in ROLES:
        if role == owner:
            expect[role] = ok
        elif role in readers:
            expect[role] = 403
        elif role in PORTAL_USERS:
            expect[role] = portal
        else:
            expect[role] = 404
    return expect


# --- API: reads -----------------------------------------------------------------------------
def test_list_shows_only_own_items_to_every_role(personas, items):
    def own_only(role: str, response: Any) -> list[str]:
        users = {row["user"] for row in response.data["results"]}
        return [] if users <= {role} else [f"{role}: listed items of {sorted(users)}"]

    _check_roles(personas, "GET", URL, dict.fromkeys(ROLES, 200), after=own_only)


def test_list_of_am_as_board_is_empty_unless_in_scope(personas, items):
    def scoped(role: str, response: Any) -> list[str]:
        titles = {row["title"] for row in response.data["results"]}
        wanted = {"今天的任务", "做完的任务"} if role in A_READERS else set()
        if role == "am_a":  # opening one's own board builds it: yesterday's item carried in
            wanted.add("昨天的任务")
        return [] if titles == wanted else [f"{role}: listed {sorted(titles)}"]

    _check_roles(personas, "GET", f"{URL}?user=am_a", dict.fromkeys(ROLES, 200), after=scoped)


def test_retrieve_by_role(personas, items):
    pk = items["open"].pk
    expect = {r: 200 if r in A_READERS else 404 for r in ROLES}
    _check_roles(personas, "GET", f"{URL}{pk}/", expect)


def test_clearing_rate_by_role(personas, items):
    _check_roles(personas, "GET", f"{URL}clearing-rate/", dict.fromkeys(ROLES, 200))
    expect = {r: 200 if r in A_READERS else 404 for r in ROLES}
    _check_roles(personas, "GET", f"{URL}clearing-rate/?user=am_a", expect)
    expect = {r: 200 if r in {"bm_a", "hq"} else 404 for r in ROLES}
    _check_roles(personas, "GET", f"{URL}clearing-rate/?branch=BA", expect)


def test_portal_users_get_no_clearing_rate(personas, items):
    for role in PORTAL_USERS:
        client = APIClient()
        client.force_authenticate(user=getattr(personas, role))
        assert client.get(f"{URL}clearing-rate/").data == []


# --- API: writes ----------------------------------------------------------------------------
def test_create_by_role(personas, items):
    expect = {r: 201 if r in STAFF else 403 for r in ROLES}
    _check_roles(personas, "POST", URL, expect, {"title": "自己的任务"})


def test_steps_by_role(personas, items):
    open_pk, done_pk = items["open"].pk, items["done"].pk
    _check_roles(personas, "POST", f"{URL}{open_pk}/done/", _by(A_READERS, "am_a", 200), {})
    _check_roles(
        personas,
        "POST",
        f"{URL}{open_pk}/carry/",
        _by(A_READERS, "am_a", 200),
        {"reason": "客户不在"},
    )
    _check_roles(personas, "POST", f"{URL}{done_pk}/reopen/", _by(A_READERS, "am_a", 200), {})


def test_steps_refused_by_state_are_409_for_the_owner_only(personas, items):
    _check_roles(
        personas, "POST", f"{URL}{items['done'].pk}/done/", _by(A_READERS, "am_a", 409), {}
    )
    _check_roles(
        personas, "POST", f"{URL}{items['open'].pk}/reopen/", _by(A_READERS, "am_a", 409), {}
    )
    past = items["past"].pk
    _check_roles(personas, "POST", f"{URL}{past}/done/", _by(A_READERS, "am_a", 409), {})
    _check_roles(
        personas, "POST", f"{URL}{past}/carry/", _by(A_READERS, "am_a", 409), {"reason": "x"}
    )


def test_carry_without_reason_is_400_for_the_owner(personas, items):
    pk = items["open"].pk
    _check_roles(personas, "POST", f"{URL}{pk}/carry/", _by(A_READERS, "am_a", 400), {})


def test_items_cannot_be_edited_or_deleted(personas, items):
    pk = items["open"].pk
    for method in ("PATCH", "PUT", "DELETE"):
        _check_roles(personas, method, f"{URL}{pk}/", dict.fromkeys(ROLES, 405), {"title": "x"})


def test_missing_item_is_404_for_everyone(personas, items):
    _check_roles(personas, "GET", f"{URL}999999/", dict.fromkeys(ROLES, 404))
    _check_roles(personas, "POST", f"{URL}999999/done/", dict.fromkeys(ROLES, 404), {})


def test_anonymous_gets_401_everywhere(personas, items):
    client = APIClient()
    pk = items["open"].pk
    for method, url in [
        ("GET", URL),
        ("POST", URL),
        ("GET", f"{URL}{pk}/"),
        ("GET", f"{URL}clearing-rate/"),
        *[("POST", f"{URL}{pk}/{step}/") for step in ("done", "carry", "reopen")],
    ]:
        assert getattr(client, method.lower())(url, {}, format="json").status_code == 401, (
            method,
            url,
        )


# --- pages ----------------------------------------------------------------------------------
def _pages_by_role(
    personas: Personas, method: str, url: str, expect: Mapping[str, int], body: Any = None
) -> None:
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> int:
            client = _browser(personas, role)
            if method == "GET":
                return client.get(url).status_code
            return client.post(url, body or {}).status_code

        status = _isolated(attempt)
        if status != expect[role]:
            problems.append(f"{role}: {method} {url} answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


def test_board_page_by_role(personas, items):
    expect = {r: 200 if r in STAFF else 403 for r in ROLES}
    _pages_by_role(personas, "GET", "/daily/", expect)
    _pages_by_role(personas, "GET", f"/daily/?day={items['past'].day.isoformat()}", expect)


def test_team_members_board_page_by_role(personas, items):
    expect = {r: 200 if r in A_READERS else 403 if r in PORTAL_USERS else 404 for r in ROLES}
    _pages_by_role(personas, "GET", "/daily/?user=am_a", expect)


def test_team_page_by_role(personas, items):
    expect = {r: 200 if r in MANAGERS else 403 for r in ROLES}
    _pages_by_role(personas, "GET", "/daily/team/", expect)
    expect = {r: 200 if r in {"bm_a", "hq"} else 404 if r in MANAGERS else 403 for r in ROLES}
    _pages_by_role(personas, "GET", "/daily/team/?branch=BA", expect)


def test_add_and_refresh_by_role(personas, items):
    expect = {r: 302 if r in STAFF else 403 for r in ROLES}
    _pages_by_role(personas, "POST", "/daily/add/", expect, {"title": "自己的任务"})
    _pages_by_role(personas, "POST", "/daily/refresh/", expect)


def test_item_steps_on_pages_by_role(personas, items):
    open_pk, done_pk, past_pk = items["open"].pk, items["done"].pk, items["past"].pk
    owner_ok = _by(A_READERS, "am_a", 302, portal=403)
    _pages_by_role(personas, "POST", f"/daily/items/{open_pk}/done/", owner_ok)
    _pages_by_role(
        personas, "POST", f"/daily/items/{open_pk}/carry/", owner_ok, {"reason": "客户不在"}
    )
    _pages_by_role(personas, "POST", f"/daily/items/{done_pk}/reopen/", owner_ok)
    _pages_by_role(
        personas, "GET", f"/daily/items/{open_pk}/carry/", _by(A_READERS, "am_a", 200, portal=403)
    )
    _pages_by_role(
        personas, "POST", f"/daily/items/{past_pk}/done/", _by(A_READERS, "am_a", 409, portal=403)
    )


def test_anonymous_is_sent_to_login_from_every_page(personas, items):
    pk = items["open"].pk
    for method, url in [
        ("GET", "/daily/"),
        ("GET", "/daily/team/"),
        ("POST", "/daily/add/"),
        ("POST", "/daily/refresh/"),
        ("POST", f"/daily/items/{pk}/done/"),
        ("GET", f"/daily/items/{pk}/carry/"),
    ]:
        response = getattr(Client(), method.lower())(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/account/login/"), (method, url)
