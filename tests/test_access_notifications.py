"""The access matrix of notifications and of "my day": every page and endpoint, for every
role of `ROLES`, on a notification of am_a.

Rules: every signed-in user (staff, customer and supplier users) has their own
notifications and nobody else's: another user's notification answers 404 (read and write),
headquarters included; the lists show one's own only. "My day" is a face of the staff
dashboard: the customer-master roles open it, call agents and engineers get their profile
page, portal users are sent to the portal.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import shared_personas
from roots.notifications import services, texts
from roots.notifications.models import Notification, NotificationKind
from tests.test_access_matrix import PORTAL, ROLES, _browser, _check_roles, _isolated

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

URL = "/api/v1/notifications/"
MY_DAY = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "pm"})


@pytest.fixture
def notices(personas) -> dict[str, Notification]:
    """One notification of every persona user (am_a's is the one the tests address)."""
    made = {}
    for role in ROLES:
        (made[role],) = services.notification_create(
            recipients=[getattr(personas, role)],
            kind=NotificationKind.ORDER,
            text=texts.ORDER_NOTE(number="SO00000001", customer="国美电器", text=role),
            url="/orders/SO00000001/",
        )
    return made


def _own_only(personas: Any) -> Any:
    def check(role: str, response: Any) -> list[str]:
        owner = getattr(personas, role)
        ids = {row["id"] for row in response.data["results"]}
        mine = set(Notification.objects.filter(user=owner).values_list("pk", flat=True))
        return [] if ids == mine else [f"{role}: listed {sorted(ids)}, owns {sorted(mine)}"]

    return check


def test_list_shows_only_own_notifications_to_every_role(personas, notices):
    _check_roles(personas, "GET", URL, dict.fromkeys(ROLES, 200), after=_own_only(personas))
    _check_roles(personas, "GET", f"{URL}unread-count/", dict.fromkeys(ROLES, 200))


def test_retrieve_and_read_by_role(personas, notices):
    pk = notices["am_a"].pk
    expect = {r: 200 if r == "am_a" else 404 for r in ROLES}
    _check_roles(personas, "GET", f"{URL}{pk}/", expect)
    _check_roles(personas, "POST", f"{URL}{pk}/read/", expect, {})


def test_read_all_by_role_marks_only_own(personas, notices):
    def own_marked(role: str, response: Any) -> list[str]:
        left = Notification.objects.filter(read_at__isnull=True).exclude(
            user=getattr(personas, role)
        )
        return [] if response.data == {"marked": 1} and left.count() == len(ROLES) - 1 else [role]

    _check_roles(personas, "POST", f"{URL}read-all/", dict.fromkeys(ROLES, 200), {}, own_marked)


def test_notifications_are_read_only(personas, notices):
    pk = notices["am_a"].pk
    _check_roles(personas, "POST", URL, dict.fromkeys(ROLES, 405), {"message": "x"})
    for method in ("PATCH", "PUT", "DELETE"):
        _check_roles(personas, method, f"{URL}{pk}/", dict.fromkeys(ROLES, 405), {"read": True})


def test_missing_notification_is_404_for_everyone(personas, notices):
    _check_roles(personas, "GET", f"{URL}999999/", dict.fromkeys(ROLES, 404))
    _check_roles(personas, "POST", f"{URL}999999/read/", dict.fromkeys(ROLES, 404), {})


def test_anonymous_gets_401_everywhere(personas, notices):
    client = APIClient()
    pk = notices["am_a"].pk
    for method, url in [
        ("GET", URL),
        ("GET", f"{URL}{pk}/"),
        ("GET", f"{URL}unread-count/"),
        ("POST", f"{URL}{pk}/read/"),
        ("POST", f"{URL}read-all/"),
    ]:
        assert getattr(client, method.lower())(url, {}, format="json").status_code == 401


# --- pages ----------------------------------------------------------------------------------
def _pages_by_role(
    personas: Any, method: str, url: str, expect: dict[str, int], body: Any = None
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


def test_notification_pages_by_role(personas, notices):
    _pages_by_role(personas, "GET", "/notifications/", dict.fromkeys(ROLES, 200))
    _pages_by_role(personas, "GET", "/notifications/menu/", dict.fromkeys(ROLES, 200))
    _pages_by_role(personas, "GET", "/notifications/badge/", dict.fromkeys(ROLES, 200))
    _pages_by_role(personas, "POST", "/notifications/read-all/", dict.fromkeys(ROLES, 302))


def test_read_page_step_by_role(personas, notices):
    pk = notices["am_a"].pk
    expect = {r: 302 if r == "am_a" else 404 for r in ROLES}
    _pages_by_role(personas, "POST", f"/notifications/{pk}/read/", expect)


def test_notification_list_page_shows_own_only(personas, notices):
    for role in ROLES:
        page = _browser(personas, role).get("/notifications/")
        listed = list(page.context["page"].object_list)
        assert listed == [notices[role]], role


def test_my_day_by_role(personas):
    expect = {r: 302 if r in PORTAL else 200 for r in ROLES}
    _pages_by_role(personas, "GET", "/dashboard/?view=today", expect)
    for role in ROLES:
        if role in PORTAL:
            continue
        response = _browser(personas, role).get("/dashboard/?view=today")
        on_my_day = "tiles" in response.context
        assert on_my_day == (role in MY_DAY), role


def test_anonymous_is_sent_to_login_from_every_page(personas, notices):
    pk = notices["am_a"].pk
    for method, url in [
        ("GET", "/notifications/"),
        ("GET", "/notifications/menu/"),
        ("POST", "/notifications/read-all/"),
        ("POST", f"/notifications/{pk}/read/"),
        ("GET", "/dashboard/?view=today"),
    ]:
        response = getattr(Client(), method.lower())(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/account/login/"), (method, url)
