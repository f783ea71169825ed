"""The pipeline API: leads, opportunities (move, reopen, forecast, board), activities,
assessments; codes in addresses, errors, If-Match, Idempotency-Key, query counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import shared_personas
from roots.sales.models import Activity, Lead, LeadStatus, Opportunity, Stage
from roots.sales.tests.test_pipeline_support import (
    SCORES_HIGH,
    make_activity,
    make_assessment,
    make_lead,
    make_opportunity,
    today,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

API = "/api/v1/"


# --- leads ---------------------------------------------------------------------------------------
def test_create_and_read_a_lead(personas, api):
    client = api.as_(personas.am_a)
    response = client.post(
        f"{API}leads/",
        {"company_name": "海信广场", "source": "exhibition", "province": "370000", "city": "青岛"},
        format="json",
    )
    assert response.status_code == 201, response.data
    body = response.data
    assert body["code"] == "L000001" and body["owner"] == "am_a" and body["branch"] == "BA"
    assert body["status"] == "new" and body["province"] == "370000"
    read = client.get(f"{API}leads/L000001/")
    assert read.status_code == 200 and read["ETag"] == '"1"'
    found = client.get(f"{API}leads/", {"search": "hxgc"}).data
    assert [row["code"] for row in found["results"]] == ["L000001"]


def test_lead_errors_are_field_errors(personas, api):
    response = api.as_(personas.am_a).post(
        f"{API}leads/", {"company_name": "", "owner": "am_a2"}, format="json"
    )
    assert response.status_code == 400
    assert "company_name" in response.data["errors"]


def test_lead_steps(personas, api):
    lead = make_lead(personas.am_a)
    client = api.as_(personas.am_a)
    url = f"{API}leads/{lead.code}/"
    assert client.post(f"{url}qualify/").data["status"] == "qualified"
    assert client.post(f"{url}qualify/").status_code == 409
    assert client.post(f"{url}disqualify/", {}, format="json").status_code == 400
    response = client.post(f"{url}convert/", {"channel_type": "local_chain"}, format="json")
    assert response.status_code == 200 and response.data["status"] == "converted"
    assert response.data["customer"].startswith("C")
    assert client.post(f"{url}disqualify/", {"reason": "x"}, format="json").status_code == 409
    assert client.patch(url, {"phone": "1"}, format="json").status_code == 409


def test_convert_to_an_existing_customer_with_an_opportunity(personas, api):
    lead = make_lead(personas.am_a)
    response = api.as_(personas.am_a).post(
        f"{API}leads/{lead.code}/convert/",
        {
            "customer": "C100001",
            "opportunity": {"name": "首单", "expected_value": "50000", "close_date": "2026-06-30"},
        },
        format="json",
    )
    assert response.status_code == 200 and response.data["customer"] == "C100001"
    assert Opportunity.objects.get(lead=lead).expected_value == Decimal("50000")


def test_convert_to_an_out_of_scope_customer_reads_as_missing(personas, api):
    lead = make_lead(personas.am_a)
    response = api.as_(personas.am_a).post(
        f"{API}leads/{lead.code}/convert/", {"customer": "C100003"}, format="json"
    )
    assert response.status_code == 400 and "customer" in response.data["errors"]
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW


# --- opportunities -------------------------------------------------------------------------------
def test_create_move_and_read_an_opportunity(personas, api):
    client = api.as_(personas.am_a)
    response = client.post(
        f"{API}opportunities/",
        {
            "name": "冰箱年度采购",
            "customer": "C100001",
            "expected_value": "200000",
            "close_date": (today() + timedelta(days=30)).isoformat(),
            "stage": "demo",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    code = response.data["code"]
    assert response.data["effective_probability"] == 40
    assert response.data["weighted_value"] == "80000.00"
    url = f"{API}opportunities/{code}/"
    moved = client.post(f"{url}move/", {"stage": "contract"}, format="json", HTTP_IF_MATCH='"1"')
    assert moved.status_code == 200 and moved.data["stage"] == "contract"
    assert moved["ETag"] == '"2"'
    stale = client.post(f"{url}move/", {"stage": "demo"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    history = client.get(f"{url}history/").data
    assert history[0]["changes"][0]["field"] in {"stage", "stage_changed_at", "probability"}


def test_lost_without_reason_is_400_and_closed_is_409(personas, api):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = api.as_(personas.am_a)
    url = f"{API}opportunities/{opp.code}/"
    lost = client.post(f"{url}move/", {"stage": "lost"}, format="json")
    assert lost.status_code == 400 and "lost_reason" in lost.data["errors"]
    ok = client.post(f"{url}move/", {"stage": "lost", "lost_reason": "price"}, format="json")
    assert ok.status_code == 200 and ok.data["closed_at"] is not None
    again = client.post(f"{url}move/", {"stage": "won"}, format="json")
    assert again.status_code == 409 and "reopen" in again.data["detail"]
    assert client.patch(url, {"name": "x"}, format="json").status_code == 409
    reopened = client.post(f"{url}reopen/", {"stage": "maintenance"}, format="json")
    assert reopened.status_code == 200 and reopened.data["stage"] == "maintenance"
    assert client.post(f"{url}reopen/", {}, format="json").status_code == 409


def test_patch_cannot_change_the_stage(personas, api):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    response = api.as_(personas.am_a).patch(
        f"{API}opportunities/{opp.code}/", {"stage": "contract"}, format="json"
    )
    assert response.status_code == 400 and "stage" in response.data["errors"]


def test_move_is_idempotent_with_a_key(personas, api):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = api.as_(personas.am_a)
    url = f"{API}opportunities/{opp.code}/move/"
    first = client.post(url, {"stage": "demo"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    replay = client.post(url, {"stage": "demo"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    other = client.post(url, {"stage": "won"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert other.status_code == 409
    assert Opportunity.objects.get(pk=opp.pk).version == 2


def test_opportunity_filters(personas, api):
    a = make_opportunity(personas.am_a, customer=personas.cust_a1, close_date=date(2026, 4, 3))
    b = make_opportunity(personas.bm_a, customer=personas.cust_a2, close_date=date(2026, 5, 3))
    client = api.as_(personas.bm_a)

    def codes(**params):
        return {row["code"] for row in client.get(f"{API}opportunities/", params).data["results"]}

    assert codes() == {a.code, b.code}
    assert codes(owner="am_a") == {a.code}
    assert codes(customer="C100002") == {b.code}
    assert codes(close_month="2026-05") == {b.code}
    assert codes(stage="prospecting", open="true") == {a.code, b.code}
    assert client.get(f"{API}opportunities/", {"close_month": "2026-13"}).status_code == 400


def test_forecast_and_board(personas, api):
    make_opportunity(personas.am_a, customer=personas.cust_a1, close_date=today())
    client = api.as_(personas.am_a)
    forecast = client.get(f"{API}opportunities/forecast/", {"months": 2})
    assert forecast.status_code == 200
    assert len(forecast.data["months"]) == 2
    assert forecast.data["months"][0]["month"] == today().strftime("%Y-%m")
    assert forecast.data["unweighted"] == "100000.00" and forecast.data["weighted"] == "10000.00"
    assert client.get(f"{API}opportunities/forecast/", {"months": 0}).status_code == 400
    assert client.get(f"{API}opportunities/forecast/", {"owner": "nobody"}).status_code == 400
    board = client.get(f"{API}opportunities/board/").data
    assert board["columns"][0]["stage"] == "prospecting"
    assert board["columns"][0]["count"] == 1 and board["count"] == 1
    assert api.as_(personas.pm).get(f"{API}opportunities/forecast/").status_code == 403
    assert api.as_(personas.cu_a1).get(f"{API}opportunities/board/").status_code == 403


def test_opportunity_list_query_count(personas, api, django_assert_max_num_queries):
    make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = api.as_(personas.hq)
    client.get(f"{API}opportunities/")
    with django_assert_max_num_queries(6) as few:
        client.get(f"{API}opportunities/")
    for _ in range(5):
        make_opportunity(personas.am_b, customer=personas.cust_b1)
        make_opportunity(personas.am_a, lead=make_lead(personas.am_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{API}opportunities/").data["count"] == 11


# --- activities ----------------------------------------------------------------------------------
def test_plan_log_complete_cancel(personas, api):
    client = api.as_(personas.am_a)
    planned = client.post(
        f"{API}activities/",
        {
            "kind": "visit",
            "subject": "拜访",
            "customer": "C100001",
            "contact": personas.contact_a1.pk,
            "planned_at": "2030-01-02T10:00:00+08:00",
        },
        format="json",
    )
    assert planned.status_code == 201, planned.data
    assert planned.data["status"] == "planned" and planned.data["owner"] == "am_a"
    url = f"{API}activities/{planned.data['id']}/"
    assert client.post(f"{url}complete/", {}, format="json").status_code == 400
    done = client.post(f"{url}complete/", {"outcome": "签约"}, format="json")
    assert done.status_code == 200 and done.data["status"] == "done"
    assert client.post(f"{url}cancel/").status_code == 409
    logged = client.post(
        f"{API}activities/",
        {"kind": "call", "subject": "电话", "customer": "C100001", "status": "done",
         "outcome": "有意向"},
        format="json",
    )  # fmt: skip
    assert logged.status_code == 201 and logged.data["done_at"] is not None
    bad = client.post(
        f"{API}activities/",
        {"kind": "call", "subject": "x", "planned_at": "2030-01-02T10:00:00Z", "outcome": "y"},
        format="json",
    )
    assert bad.status_code == 400 and "outcome" in bad.data["errors"]


def test_contact_of_another_customer_is_refused(personas, api):
    response = api.as_(personas.am_a).post(
        f"{API}activities/",
        {
            "kind": "visit",
            "subject": "x",
            "customer": "C100001",
            "contact": personas.contact_b1.pk,  # out of scope: does not exist
            "planned_at": "2030-01-02T10:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400 and "contact" in response.data["errors"]


def test_activity_filters_and_status_edits(personas, api):
    visit = make_activity(personas.am_a, customer=personas.cust_a1)
    Activity.objects.filter(pk=visit.pk).update(planned_at=date(2020, 1, 1).isoformat() + "T00:00Z")
    make_activity(personas.am_a, customer=personas.cust_a1)
    client = api.as_(personas.am_a)
    overdue = client.get(f"{API}activities/", {"overdue": "true"}).data["results"]
    assert [row["id"] for row in overdue] == [visit.pk]
    assert client.get(f"{API}activities/", {"overdue": "maybe"}).status_code == 400
    response = client.patch(f"{API}activities/{visit.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 400 and "status" in response.data["errors"]
    assert client.get(f"{API}activities/99999999999/").status_code == 404


# --- assessments ---------------------------------------------------------------------------------
def test_assessment_create_and_list(personas, api):
    client = api.as_(personas.am_a)
    body = {"customer": "C100001", "potential_revenue": "1000000", **SCORES_HIGH}
    response = client.post(f"{API}assessments/", body, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["score"], response.data["priority"]) == (80, "A")
    assert response.data["current_revenue"] == "0.00"
    make_assessment(personas.am_a2, personas.cust_a2)
    rows = client.get(f"{API}assessments/", {"customer": "C100001"}).data["results"]
    assert [r["id"] for r in rows] == [response.data["id"]]
    assert client.get(f"{API}assessments/{response.data['id']}/").status_code == 200
    missing = client.post(f"{API}assessments/", {"customer": "C100001"}, format="json")
    assert missing.status_code == 400 and "growth" in missing.data["errors"]
    assert client.patch(f"{API}assessments/{response.data['id']}/", {}).status_code == 405
    assert client.get(f"{API}assessments/{response.data['id']}/history/").status_code == 404


def test_product_manager_may_not_assess(personas, api):
    body = {"customer": "C100001", "potential_revenue": "1", **SCORES_HIGH}
    assert api.as_(personas.pm).post(f"{API}assessments/", body, format="json").status_code == 403


def test_stage_choices_in_the_api(personas, api):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    response = api.as_(personas.am_a).post(
        f"{API}opportunities/{opp.code}/move/", {"stage": "paused"}, format="json"
    )
    assert response.status_code == 400 and "stage" in response.data["errors"]
    assert Opportunity.objects.get(pk=opp.pk).stage == Stage.PROSPECTING
