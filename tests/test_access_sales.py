"""The access matrix of the sales pipeline: every endpoint and page, for every role of
`ROLES`, on leads, opportunities, activities and assessments of branches A and B (inside and
outside each role's scope).

Rules (docs/sales.md): the pipeline belongs to the roles that sell. A lead, opportunity or
activity is seen by headquarters, the branch manager of its branch, its owner and (when it
concerns a customer) the customer's account manager; it is changed by headquarters, the
branch manager and its owner (403 for other viewers). Assessments go with their customer
(headquarters, its branch manager, its account manager). Out of scope is 404. Product
managers, call agents, engineers, customers and suppliers have no pipeline: their lists are
empty, records 404, creates and the forecast 403, and every page 403.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.sales.models import Activity, Lead, Opportunity, PotentialAssessment
from roots.sales.tests.test_pipeline_support import (
    SCORES_HIGH,
    make_activity,
    make_assessment,
    make_lead,
    make_opportunity,
)
from tests.test_access_matrix import ROLES, _browser, _check_roles, _isolated

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")
API = "/api/v1/"

PIPELINE = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b"})
# Who sees / changes the records owned by am_a (customer A1), am_a2 (A2) and am_b (B1).
A1_SELLERS = frozenset({"hq", "bm_a", "am_a"})
A2_SELLERS = frozenset({"hq", "bm_a", "am_a2"})
B1_SELLERS = frozenset({"hq", "bm_b", "am_b"})
# An opportunity of customer A1 owned by am_a2: am_a (A1's manager) sees it, may not change it.
X_VIEWERS = A2_SELLERS | {"am_a"}


def _by(viewers: frozenset[str], allowed: frozenset[str], ok: int) -> dict[str, int]:
    """`ok` for `allowed`, 403 for the other viewers, 404 for everyone else (API)."""
    return {r: ok if r in allowed else 403 if r in viewers else 404 for r in ROLES}


def _page_by(viewers: frozenset[str], allowed: frozenset[str], ok: int) -> dict[str, int]:
    """Pages: as `_by`, but roles without a pipeline get 403 before any lookup."""
    return {
        r: 403 if r not in PIPELINE else ok if r in allowed else 403 if r in viewers else 404
        for r in ROLES
    }


@pytest.fixture
def records(personas: Personas) -> dict[str, Any]:
    p = personas
    return {
        "lead_a1": make_lead(p.am_a, company_name="苏宁青岛"),
        "lead_a2": make_lead(p.am_a2, company_name="利群新店"),
        "lead_b1": make_lead(p.am_b, company_name="国美北京"),
        "opp_a1": make_opportunity(p.am_a, customer=p.cust_a1, name="国美冰箱"),
        "opp_a2": make_opportunity(p.am_a2, customer=p.cust_a2, name="利群空调"),
        "opp_b1": make_opportunity(p.am_b, customer=p.cust_b1, name="大中洗衣机"),
        "opp_x": make_opportunity(p.bm_a, customer=p.cust_a1, owner=p.am_a2, name="代管"),
        "act_a1": make_activity(p.am_a, customer=p.cust_a1, subject="拜访国美"),
        "act_a2": make_activity(p.am_a2, customer=p.cust_a2, subject="拜访利群"),
        "act_b1": make_activity(p.am_b, customer=p.cust_b1, subject="拜访大中"),
        "ass_a1": make_assessment(p.am_a, p.cust_a1),
        "ass_b1": make_assessment(p.am_b, p.cust_b1),
    }


def _key(record: Any) -> str:
    return str(getattr(record, "code", None) or record.pk)


LEADS = (("lead_a1", A1_SELLERS), ("lead_a2", A2_SELLERS), ("lead_b1", B1_SELLERS))
OPPS = (
    ("opp_a1", A1_SELLERS, A1_SELLERS),
    ("opp_a2", A2_SELLERS, A2_SELLERS),
    ("opp_b1", B1_SELLERS, B1_SELLERS),
    ("opp_x", X_VIEWERS, A2_SELLERS),
)
ACTS = (("act_a1", A1_SELLERS), ("act_a2", A2_SELLERS), ("act_b1", B1_SELLERS))
RESOURCES = {
    "leads": (Lead, "code"),
    "opportunities": (Opportunity, "code"),
    "activities": (Activity, "id"),
    "assessments": (PotentialAssessment, "id"),
}


# --- API: reads -----------------------------------------------------------------------------------
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_lists_contain_exactly_the_records_in_scope(personas, records, resource):
    model, key = RESOURCES[resource]

    def scoped(role: str, response: Any) -> list[str]:
        got = {str(row[key]) for row in response.data["results"]}
        user = getattr(personas, role)
        wanted = {str(getattr(r, key)) for r in model.objects.visible_to(user)}
        expected = {
            _key(r)
            for name, r in records.items()
            if isinstance(r, model) and str(r.pk) and (_visible(name, role))
        }
        problems = []
        if got != wanted or got != expected:
            problems.append(f"{role}: listed {sorted(got)}, wanted {sorted(expected)}")
        return problems

    _check_roles(personas, "GET", f"{API}{resource}/", dict.fromkeys(ROLES, 200), after=scoped)


def _visible(name: str, role: str) -> bool:
    table = dict(LEADS) | {n: v for n, v, _e in OPPS} | dict(ACTS)
    table |= {"ass_a1": A1_SELLERS, "ass_b1": B1_SELLERS}
    return role in table[name]


@pytest.mark.parametrize(
    ("name", "viewers"),
    [*LEADS, *((n, v) for n, v, _e in OPPS), *ACTS],
    ids=[n for n, *_ in (*LEADS, *OPPS, *ACTS)],
)
def test_retrieve_and_history_answer_viewers_only(personas, records, name, viewers):
    resource = {"lead": "leads", "opp": "opportunities", "act": "activities"}[name.split("_")[0]]
    url = f"{API}{resource}/{_key(records[name])}/"
    expect = {r: 200 if r in viewers else 404 for r in ROLES}
    _check_roles(personas, "GET", url, expect)
    _check_roles(personas, "GET", f"{url}history/", expect)


@pytest.mark.parametrize(("name", "viewers"), [("ass_a1", A1_SELLERS), ("ass_b1", B1_SELLERS)])
def test_assessments_answer_the_customers_sellers_only(personas, records, name, viewers):
    url = f"{API}assessments/{records[name].pk}/"
    _check_roles(personas, "GET", url, {r: 200 if r in viewers else 404 for r in ROLES})


def test_search_never_finds_leads_out_of_scope(personas, records):
    def found_iff_visible(role: str, response: Any) -> list[str]:
        found = {row["code"] for row in response.data["results"]}
        visible = role in A1_SELLERS
        if (records["lead_a1"].code in found) != visible:
            return [f"{role}: search answered {sorted(found)}"]
        return []

    _check_roles(
        personas,
        "GET",
        f"{API}leads/?search=snqd",
        dict.fromkeys(ROLES, 200),
        after=found_iff_visible,
    )


@pytest.mark.parametrize("action", ["forecast", "board"])
def test_forecast_and_board_for_the_pipeline_roles_only(personas, records, action):
    expect = {r: 200 if r in PIPELINE else 403 for r in ROLES}
    _check_roles(personas, "GET", f"{API}opportunities/{action}/", expect)


# --- API: writes ----------------------------------------------------------------------------------
def _create_expect(ok_roles: frozenset[str], status: int = 201) -> dict[str, int]:
    """Sellers of customer A1 create; other pipeline roles get a field error (A1 does not
    exist for them); roles without a pipeline 403."""
    return {r: status if r in ok_roles else 400 if r in PIPELINE else 403 for r in ROLES}


def test_create_opportunity_by_role(personas, records):
    body = {
        "name": "新机会",
        "customer": "C100001",
        "expected_value": "1000",
        "close_date": "2030-01-31",
    }
    _check_roles(personas, "POST", f"{API}opportunities/", _create_expect(A1_SELLERS), body)


def test_create_activity_by_role(personas, records):
    body = {
        "kind": "call",
        "subject": "电话",
        "customer": "C100001",
        "planned_at": "2030-01-31T09:00:00+08:00",
    }
    _check_roles(personas, "POST", f"{API}activities/", _create_expect(A1_SELLERS), body)


def test_create_assessment_by_role(personas, records):
    body = {"customer": "C100001", "potential_revenue": "500000", **SCORES_HIGH}
    _check_roles(personas, "POST", f"{API}assessments/", _create_expect(A1_SELLERS), body)


def test_create_lead_by_role(personas, records):
    # Branch and account managers create in their branch; headquarters must name an owner.
    expect = {r: 201 if r in PIPELINE - {"hq"} else 400 if r == "hq" else 403 for r in ROLES}
    _check_roles(personas, "POST", f"{API}leads/", expect, {"company_name": "新线索"})
    with_owner = {"company_name": "新线索", "owner": "am_b"}
    _check_roles(
        personas,
        "POST",
        f"{API}leads/",
        {"hq": 201, "am_b": 201, "bm_b": 201}
        | dict.fromkeys(PIPELINE - {"hq", "am_b", "bm_b"}, 400)
        | {r: 403 for r in ROLES if r not in PIPELINE},
        with_owner,
    )


@pytest.mark.parametrize(("name", "viewers", "editors"), OPPS, ids=[n for n, *_ in OPPS])
def test_opportunity_edits_and_moves_by_role(personas, records, name, viewers, editors):
    url = f"{API}opportunities/{records[name].code}/"
    _check_roles(personas, "PATCH", url, _by(viewers, editors, 200), {"next_step": "报价"})
    _check_roles(personas, "POST", f"{url}move/", _by(viewers, editors, 200), {"stage": "demo"})
    _check_roles(
        personas,
        "POST",
        f"{url}move/",
        _by(viewers, editors, 200),
        {"stage": "lost", "lost_reason": "price"},
    )
    _check_roles(personas, "POST", f"{url}reopen/", _by(viewers, editors, 409), {})


@pytest.mark.parametrize(("name", "viewers"), LEADS, ids=[n for n, _ in LEADS])
def test_lead_edits_and_steps_by_role(personas, records, name, viewers):
    url = f"{API}leads/{records[name].code}/"
    expect = _by(viewers, viewers, 200)
    _check_roles(personas, "PATCH", url, expect, {"phone": "13800000000"})
    _check_roles(personas, "POST", f"{url}qualify/", expect)
    _check_roles(personas, "POST", f"{url}disqualify/", expect, {"reason": "无预算"})
    _check_roles(personas, "POST", f"{url}convert/", expect, {"channel_type": "local_chain"})


@pytest.mark.parametrize(("name", "viewers"), ACTS, ids=[n for n, _ in ACTS])
def test_activity_edits_and_steps_by_role(personas, records, name, viewers):
    url = f"{API}activities/{records[name].pk}/"
    expect = _by(viewers, viewers, 200)
    _check_roles(personas, "PATCH", url, expect, {"subject": "改期"})
    _check_roles(personas, "POST", f"{url}complete/", expect, {"outcome": "好"})
    _check_roles(personas, "POST", f"{url}cancel/", expect)


def test_nothing_is_deleted_and_assessments_are_not_edited(personas, records):
    for url in (
        f"{API}leads/{records['lead_a1'].code}/",
        f"{API}opportunities/{records['opp_a1'].code}/",
        f"{API}activities/{records['act_a1'].pk}/",
    ):
        _check_roles(personas, "DELETE", url, dict.fromkeys(ROLES, 405))
    url = f"{API}assessments/{records['ass_a1'].pk}/"
    _check_roles(personas, "PATCH", url, dict.fromkeys(ROLES, 405), {"notes": "x"})


def test_missing_records_are_404_for_everyone(personas, records):
    for url in (
        f"{API}leads/L999999/",
        f"{API}opportunities/OP999999/",
        f"{API}activities/999999/",
        f"{API}assessments/999999/",
    ):
        _check_roles(personas, "GET", url, dict.fromkeys(ROLES, 404))
    _check_roles(
        personas,
        "POST",
        f"{API}opportunities/OP999999/move/",
        dict.fromkeys(ROLES, 404),
        {"stage": "demo"},
    )


def test_anonymous_gets_401_everywhere(personas, records):
    client = APIClient()
    opp, lead, act = records["opp_a1"].code, records["lead_a1"].code, records["act_a1"].pk
    for method, url in [
        ("GET", f"{API}leads/"),
        ("POST", f"{API}leads/"),
        ("GET", f"{API}leads/{lead}/"),
        ("POST", f"{API}leads/{lead}/convert/"),
        ("GET", f"{API}opportunities/"),
        ("GET", f"{API}opportunities/forecast/"),
        ("GET", f"{API}opportunities/board/"),
        ("POST", f"{API}opportunities/{opp}/move/"),
        ("POST", f"{API}opportunities/{opp}/reopen/"),
        ("GET", f"{API}activities/"),
        ("POST", f"{API}activities/{act}/complete/"),
        ("GET", f"{API}assessments/"),
        ("POST", f"{API}assessments/"),
    ]:
        status = getattr(client, method.lower())(url, {}, format="json").status_code
        assert status == 401, (method, url, status)


# --- pages ----------------------------------------------------------------------------------------
def _pages_by_role(personas: Personas, url: str, expect: Mapping[str, int]) -> None:
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url).status_code
        if status != expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


PIPELINE_PAGES = [
    "/sales/",
    "/sales/matrix/",
    "/sales/opportunities/",
    "/sales/opportunities/new/",
    "/sales/leads/",
    "/sales/leads/new/",
    "/sales/activities/",
    "/sales/activities/new/",
    "/sales/assessments/new/",
]


@pytest.mark.parametrize("url", PIPELINE_PAGES)
def test_pipeline_pages_by_role(personas, records, url):
    _pages_by_role(personas, url, {r: 200 if r in PIPELINE else 403 for r in ROLES})


def test_board_and_lists_show_exactly_the_opportunities_in_scope(personas, records):
    problems = []
    for role in PIPELINE:
        for url in ("/sales/?owner=all", "/sales/opportunities/?owner=all"):
            content = _browser(personas, role).get(url).content.decode()
            got = set(re.findall(r'data-(?:testid="opp-|code=")(OP\d{6})"', content))
            wanted = {records[n].code for n, viewers, _e in OPPS if role in viewers}
            if got != wanted:
                problems.append(f"{role} {url}: {sorted(got)} wanted {sorted(wanted)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("name", "viewers", "editors"), OPPS, ids=[n for n, *_ in OPPS])
def test_opportunity_pages_by_role(personas, records, name, viewers, editors):
    code = records[name].code
    _pages_by_role(personas, f"/sales/opportunities/{code}/", _page_by(viewers, viewers, 200))
    _pages_by_role(personas, f"/sales/opportunities/{code}/edit/", _page_by(viewers, editors, 200))


@pytest.mark.parametrize(("name", "viewers"), LEADS, ids=[n for n, _ in LEADS])
def test_lead_pages_by_role(personas, records, name, viewers):
    code = records[name].code
    for suffix in ("", "edit/", "convert/"):
        _pages_by_role(personas, f"/sales/leads/{code}/{suffix}", _page_by(viewers, viewers, 200))


@pytest.mark.parametrize(("name", "viewers"), ACTS, ids=[n for n, _ in ACTS])
def test_activity_pages_by_role(personas, records, name, viewers):
    pk = records[name].pk
    for suffix in ("", "edit/"):
        _pages_by_role(
            personas, f"/sales/activities/{pk}/{suffix}", _page_by(viewers, viewers, 200)
        )


def test_worksheet_and_assessment_pages_by_role(personas, records):
    _pages_by_role(
        personas,
        "/sales/assessments/new/?customer=C100001",
        _page_by(A1_SELLERS, A1_SELLERS, 200),
    )
    _pages_by_role(
        personas,
        f"/sales/assessments/{records['ass_b1'].pk}/",
        _page_by(B1_SELLERS, B1_SELLERS, 200),
    )


def _post_by_role(personas: Personas, url: str, body: dict, expect: Mapping[str, int]) -> None:
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> int:
            return _browser(personas, role).post(url, body).status_code

        status = _isolated(attempt)
        if status != expect[role]:
            problems.append(f"{role}: POST {url} answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("name", "viewers", "editors"), OPPS, ids=[n for n, *_ in OPPS])
def test_page_forms_of_opportunities_by_role(personas, records, name, viewers, editors):
    code = records[name].code
    expect = _page_by(viewers, editors, 302)
    _post_by_role(personas, f"/sales/opportunities/{code}/move/", {"stage": "contract"}, expect)
    _post_by_role(
        personas, f"/sales/opportunities/{code}/reopen/", {}, _page_by(viewers, editors, 409)
    )


@pytest.mark.parametrize(("name", "viewers"), LEADS, ids=[n for n, _ in LEADS])
def test_page_forms_of_leads_by_role(personas, records, name, viewers):
    code = records[name].code
    expect = _page_by(viewers, viewers, 302)
    _post_by_role(personas, f"/sales/leads/{code}/qualify/", {}, expect)
    _post_by_role(personas, f"/sales/leads/{code}/disqualify/", {"reason": "无"}, expect)


@pytest.mark.parametrize(("name", "viewers"), ACTS, ids=[n for n, _ in ACTS])
def test_page_forms_of_activities_by_role(personas, records, name, viewers):
    pk = records[name].pk
    expect = _page_by(viewers, viewers, 302)
    _post_by_role(personas, f"/sales/activities/{pk}/complete/", {"outcome": "好"}, expect)
    _post_by_role(personas, f"/sales/activities/{pk}/cancel/", {}, expect)


def test_anonymous_is_sent_to_login_from_every_page(personas, records):
    from django.test import Client

    urls = [
        *PIPELINE_PAGES,
        f"/sales/opportunities/{records['opp_a1'].code}/",
        f"/sales/leads/{records['lead_a1'].code}/",
        f"/sales/activities/{records['act_a1'].pk}/",
        f"/sales/assessments/{records['ass_a1'].pk}/",
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/login/"), url
