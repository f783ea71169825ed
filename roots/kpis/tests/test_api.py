"""The KPI endpoints: the answer's shape, the period parameters and their 400s, scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import shared_personas

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CUSTOMER = "/api/v1/kpis/customers/C100001/"
MANAGER = "/api/v1/kpis/account-managers/am_a/"
BRANCH = "/api/v1/kpis/branches/BA/"


def test_customer_answer(example, api):
    body = api.as_(example.personas.am_a).get(CUSTOMER + example.query).json()
    assert body["customer"] == {"code": "C100001", "name": "国美电器青岛有限公司"}
    assert body["kpis"] == {
        "turnover_days": 5.0,
        "profit_margin": 0.25,
        "problem_resolution": 0.5,
        "sales_share": 0.25,
    }
    assert body["totals"] == {
        "revenue": "9000.00",
        "cogs": "7200.00",
        "stock_value_days": "36000.00",
        "rebates": "450.00",
        "category_sales": "36000.00",
        "complaints_raised": 2,
        "complaints_in_sla": 1,
        "customers": 1,
        "counted": {
            "turnover_days": 1,
            "profit_margin": 1,
            "problem_resolution": 1,
            "sales_share": 1,
        },
    }
    assert len(body["trend"]) == 6
    assert body["trend"][1] == {
        "period_start": "2025-06-02",
        "period_end": "2025-06-08",
        "turnover_days": 5.0,
        "profit_margin": 0.235,
        "problem_resolution": 1.0,
        "sales_share": 0.25,
        "revenue": "6000.00",
    }
    assert body["trend"][2]["turnover_days"] is None


def test_account_manager_answer_lists_their_customers(example, api):
    body = api.as_(example.personas.bm_a).get(MANAGER + example.query).json()
    assert body["account_manager"] == {"username": "am_a", "name": "am_a", "branch": "BA"}
    assert [c["code"] for c in body["customers"]] == ["C100001"]
    assert body["customers"][0]["kpis"]["profit_margin"] == 0.25
    assert body["kpis"]["profit_margin"] == 0.25


def test_branch_answer_ranks_account_managers(example, api):
    body = api.as_(example.personas.hq).get(BRANCH + example.query).json()
    assert body["branch"] == {"code": "BA", "name": "青岛工贸"}
    rows = {r["username"]: r for r in body["account_managers"]}
    assert set(rows) == {"am_a", "am_a2"}
    assert rows["am_a2"]["kpis"]["sales_share"] == 0.4
    assert rows["am_a2"]["totals"]["revenue"] == "5000.00"


def test_default_period_is_the_last_90_days(personas, api):
    today = timezone.localdate()
    body = api.as_(personas.hq).get(CUSTOMER).json()
    assert body["period"] == {
        "from": (today - timedelta(days=89)).isoformat(),
        "to": today.isoformat(),
    }
    assert body["kpis"] == dict.fromkeys(
        ("turnover_days", "profit_margin", "problem_resolution", "sales_share")
    )
    assert len(body["trend"]) in (14, 15)  # ISO weeks of 90 days


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2025-13-01", "from"),
        ("?from=yesterday", "from"),
        ("?to=2025-02-30", "to"),
        ("?from=2025-06-02&to=2025-06-01", "to"),
        ("?from=2021-01-01&to=2025-01-01", "from"),
        ("?from=0001-01-01&to=2025-01-01", "from"),
        ("?to=9999-12-31", "to"),
    ],
)
@pytest.mark.parametrize("url", [CUSTOMER, MANAGER, BRANCH])
def test_bad_periods_are_400_with_field_errors(personas, api, url, query, field):
    response = api.as_(personas.hq).get(url + query)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and field in body["errors"], body


def test_out_of_scope_is_404_before_the_period_is_read(personas, api):
    response = api.as_(personas.am_b).get(CUSTOMER + "?from=nonsense")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/kpis/customers/C999999/",
        "/api/v1/kpis/customers/%00/",
        "/api/v1/kpis/account-managers/nobody/",
        "/api/v1/kpis/account-managers/hq/",
        "/api/v1/kpis/branches/ZZ/",
        "/api/v1/kpis/branches/" + "x" * 300 + "/",
    ],
)
def test_missing_subjects_are_404(personas, api, url):
    assert api.as_(personas.hq).get(url).status_code == 404


def test_anonymous_is_401(personas, api):
    for url in (CUSTOMER, MANAGER, BRANCH):
        assert api.as_(None).get(url).status_code == 401


def test_only_get_is_allowed(personas, api):
    assert api.as_(personas.hq).post(CUSTOMER, {}, format="json").status_code == 405


def test_schema_declares_the_endpoints_and_their_errors(personas, client):
    client.force_login(personas.hq)
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/kpis/customers/{code}/",
        "/api/v1/kpis/account-managers/{username}/",
        "/api/v1/kpis/branches/{code}/",
    ):
        operation = schema["paths"][path]["get"]
        assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
        assert {p["name"] for p in operation["parameters"]} >= {"from", "to"}
