"""The access matrix of the customer-success KPIs: every endpoint and page, for every role
of `ROLES`, on the personas' customers, account managers and branches.

Rules (docs/kpis.md, "Scope and access"): a customer's KPIs are seen with the customer
(`Customer.objects.visible_to`: hq, its branch manager, its account manager, product
managers, its own users); an account manager's by the manager, the branch manager of their
branch and hq; a branch's by its branch manager and hq; anyone else gets 404. The dashboard
`/kpis/` is for account managers, branch managers and hq; a customer user is sent to their
company's page; the other roles get 403. The API is read-only (405 for writes).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import shared_personas
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

API = "/api/v1/kpis/"
CUSTOMERS = (("C100001", A1_VIEWERS), ("C100002", A2_VIEWERS), ("C100003", B1_VIEWERS))
MANAGERS = (
    ("am_a", frozenset({"hq", "bm_a", "am_a"})),
    ("am_a2", frozenset({"hq", "bm_a", "am_a2"})),
    ("am_b", frozenset({"hq", "bm_b", "am_b"})),
)
BRANCHES = (("BA", frozenset({"hq", "bm_a"})), ("BB", frozenset({"hq", "bm_b"})))
SUBJECTS = [
    *((f"customers/{code}/", viewers) for code, viewers in CUSTOMERS),
    *((f"account-managers/{name}/", viewers) for name, viewers in MANAGERS),
    *((f"branches/{code}/", viewers) for code, viewers in BRANCHES),
]
DASHBOARD = {
    **dict.fromkeys(["hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b"], 200),
    **dict.fromkeys(["cu_a1", "cu_b1"], 302),
    **dict.fromkeys(["pm", "agent", "engineer", "su"], 403),
}
# What each role's dashboard table lists (data-key of its rows).
DASHBOARD_ROWS = {
    "hq": ["BA", "BB"],
    "bm_a": ["am_a", "am_a2"],
    "bm_b": ["am_b"],
    "am_a": ["C100001"],
    "am_a2": ["C100002"],
    "am_b": ["C100003"],
}


def _expect(viewers: frozenset[str], ok: int = 200) -> dict[str, int]:
    return {role: ok if role in viewers else 404 for role in ROLES}


# --- API ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("subject", "viewers"), SUBJECTS, ids=[s[0] for s in SUBJECTS])
def test_api_reads_by_role(personas, subject, viewers):
    _check_roles(personas, "GET", f"{API}{subject}?from=2025-06-01&to=2025-06-30", _expect(viewers))


@pytest.mark.parametrize(("subject", "viewers"), SUBJECTS, ids=[s[0] for s in SUBJECTS])
def test_api_bad_period_is_400_for_viewers_and_404_for_the_others(personas, subject, viewers):
    expect = {role: 400 if role in viewers else 404 for role in ROLES}
    _check_roles(personas, "GET", f"{API}{subject}?from=2025-06-02&to=2025-06-01", expect)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_api_is_read_only(personas, method):
    _check_roles(personas, method, f"{API}customers/C100001/", dict.fromkeys(ROLES, 405), {})


def test_api_missing_subjects_are_404_for_everyone(personas):
    for subject in ("customers/C999999/", "account-managers/ghost/", "branches/ZZ/"):
        _check_roles(personas, "GET", f"{API}{subject}", dict.fromkeys(ROLES, 404))


def test_api_anonymous_is_401(personas):
    for subject, _viewers in SUBJECTS:
        assert APIClient().get(f"{API}{subject}").status_code == 401


def test_api_groups_hold_only_customers_in_scope(personas):
    def branch_rows(role: str, response: Any) -> list[str]:
        if response.status_code != 200:
            return []
        names = sorted(r["username"] for r in response.data["account_managers"])
        return [] if names == ["am_a", "am_a2"] else [f"{role}: {names}"]

    _check_roles(
        personas, "GET", f"{API}branches/BA/", _expect(frozenset({"hq", "bm_a"})), after=branch_rows
    )

    def manager_rows(role: str, response: Any) -> list[str]:
        if response.status_code != 200:
            return []
        codes = [r["code"] for r in response.data["customers"]]
        return [] if codes == ["C100001"] else [f"{role}: {codes}"]

    _check_roles(
        personas,
        "GET",
        f"{API}account-managers/am_a/",
        _expect(frozenset({"hq", "bm_a", "am_a"})),
        after=manager_rows,
    )


# --- pages -------------------------------------------------------------------------------------
def _statuses(personas: Any, url: str, expect: dict[str, int]) -> list[str]:
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url).status_code
        if status != expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {expect[role]}")
    return problems


@pytest.mark.parametrize("suffix", ["", "export/"])
def test_dashboard_by_role(personas, suffix):
    assert not _statuses(personas, f"/kpis/{suffix}", DASHBOARD)


def test_customer_users_are_sent_to_their_own_company(personas):
    for role, code in (("cu_a1", "C100001"), ("cu_b1", "C100003")):
        response = _browser(personas, role).get("/kpis/")
        assert response["Location"] == f"/kpis/customers/{code}/"


@pytest.mark.parametrize("suffix", ["", "export/"])
@pytest.mark.parametrize(("subject", "viewers"), SUBJECTS, ids=[s[0] for s in SUBJECTS])
def test_subject_pages_by_role(personas, subject, viewers, suffix):
    assert not _statuses(personas, f"/kpis/{subject}{suffix}", _expect(viewers))


def test_dashboards_list_exactly_the_rows_in_scope(personas):
    problems = []
    for role, wanted in DASHBOARD_ROWS.items():
        html = _browser(personas, role).get("/kpis/").content.decode()
        got = re.findall(r'<tr data-key="([^"]*)"', html)
        if sorted(got) != sorted(wanted):
            problems.append(f"{role}: {got}, wanted {wanted}")
    assert not problems, "\n".join(problems)


def test_anonymous_is_sent_to_login_from_every_page(personas):
    urls = ["/kpis/", "/kpis/export/"]
    for subject, _viewers in SUBJECTS:
        urls += [f"/kpis/{subject}", f"/kpis/{subject}export/"]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/login/"), url
