"""Pipeline pages: the board (htmx moves, errors in place), lists, details, forms, the
matrix, the worksheet, the customer tab; query counts that do not grow with the rows."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import shared_personas
from roots.customers.models import Customer
from roots.finance.tests.factories import invoice
from roots.sales import services
from roots.sales.models import Activity, ActivityStatus, Lead, LeadStatus, Opportunity, Stage
from roots.sales.tests.test_pipeline_support import (
    SCORES_HIGH,
    make_activity,
    make_assessment,
    make_lead,
    make_opportunity,
    today,
)
from roots.sales.views import customer_sales_tab

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _codes(content: str, prefix: str = "opp") -> set[str]:
    return set(re.findall(rf'data-testid="{prefix}-(OP\d{{6}})"', content))


# --- the board -----------------------------------------------------------------------------------
def test_board_shows_six_columns_with_cards_and_totals(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1, stage=Stage.DEMO)
    other = make_opportunity(personas.am_b, customer=personas.cust_b1)
    content = client_for(personas.am_a).get(reverse("pipeline-board")).content.decode()
    for stage in ("prospecting", "first_visit", "demo", "negotiation", "contract", "maintenance"):
        assert f'data-testid="stage-{stage}"' in content
    assert _codes(content) == {opp.code}
    assert other.code not in content
    assert 'data-testid="count-demo">1<' in content
    assert 'data-testid="total-demo">¥100,000<' in content
    assert f'data-testid="move-{opp.code}"' in content
    chart = json.loads(re.search(r'id="sales-forecast-data"[^>]*>(.*?)</script>', content).group(1))
    assert len(chart["labels"]) == 8 and sum(chart["unweighted"]) == 100000


def test_account_manager_sees_own_cards_by_default_and_all_on_request(personas):
    mine = make_opportunity(personas.am_a, customer=personas.cust_a1)
    theirs = make_opportunity(personas.bm_a, customer=personas.cust_a1, owner=personas.am_a2)
    client = client_for(personas.am_a)
    assert _codes(client.get(reverse("pipeline-board")).content.decode()) == {mine.code}
    everything = client.get(reverse("pipeline-board"), {"owner": "all"}).content.decode()
    assert _codes(everything) == {mine.code, theirs.code}
    assert f'data-testid="move-{theirs.code}"' not in everything  # seen, not moved


def test_branch_manager_filters_the_board_by_owner(personas):
    a = make_opportunity(personas.am_a, customer=personas.cust_a1)
    a2 = make_opportunity(personas.am_a2, customer=personas.cust_a2)
    client = client_for(personas.bm_a)
    assert _codes(client.get(reverse("pipeline-board")).content.decode()) == {a.code, a2.code}
    only = client.get(reverse("pipeline-board"), {"owner": "am_a2"}, HTTP_HX_REQUEST="true")
    assert "<html" not in only.content.decode()
    assert _codes(only.content.decode()) == {a2.code}


def test_move_from_the_board_by_htmx_answers_the_board(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    response = client_for(personas.am_a).post(
        reverse("opportunity-move", args=[opp.code]),
        {"stage": "negotiation", "version": opp.version, "from": "board"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/sales/",
    )
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert 'data-testid="board-notice"' in content
    assert 'data-testid="count-negotiation">1<' in content
    assert Opportunity.objects.get(pk=opp.pk).stage == Stage.NEGOTIATION


def test_refused_moves_come_back_with_the_reason(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = client_for(personas.am_a)
    url = reverse("opportunity-move", args=[opp.code])
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/sales/"}
    no_reason = client.post(url, {"stage": "lost", "from": "board"}, **htmx)
    assert no_reason.status_code == 400 and 'data-testid="board-error"' in no_reason.text
    stale = client.post(url, {"stage": "demo", "version": 99, "from": "board"}, **htmx)
    assert stale.status_code == 412
    client.post(url, {"stage": "won"})
    closed = client.post(url, {"stage": "demo", "from": "board"}, **htmx)
    assert closed.status_code == 409 and "reopen" in closed.text


def test_move_from_the_opportunity_page_redirects_back(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = client_for(personas.am_a)
    response = client.post(
        reverse("opportunity-move", args=[opp.code]),
        {"stage": "lost", "lost_reason": "price", "lost_note": "贵了", "version": 1},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("opportunity-detail", args=[opp.code])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="lost-reason"' in page and 'data-testid="reopen-form"' in page
    failed = client.post(reverse("opportunity-move", args=[opp.code]), {"stage": "demo"})
    assert failed.status_code == 409 and 'data-testid="form-errors"' in failed.text


def test_board_query_count_does_not_grow(personas, django_assert_max_num_queries):
    make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = client_for(personas.bm_a)
    client.get(reverse("pipeline-board"))
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("pipeline-board"))
    for stage in Stage.values[:6]:
        for customer in (personas.cust_a1, personas.cust_a2):
            make_opportunity(personas.bm_a, customer=customer, stage=stage)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("pipeline-board"))


# --- opportunities -------------------------------------------------------------------------------
def test_opportunity_list_filters_and_searches(personas):
    fridge = make_opportunity(personas.am_a, customer=personas.cust_a1, name="冰箱大单")
    washer = make_opportunity(personas.am_a, customer=personas.cust_a1, name="洗衣机")
    services.opportunity_move(user=personas.am_a, opportunity=washer, stage=Stage.WON)
    client = client_for(personas.am_a)
    everything = client.get(reverse("opportunity-list")).content.decode()
    assert fridge.code in everything and washer.code in everything
    by_pinyin = client.get(reverse("opportunity-list"), {"q": "bxdd"}).content.decode()
    assert fridge.code in by_pinyin and washer.code not in by_pinyin
    won = client.get(reverse("opportunity-list"), {"stage": "won"}, HTTP_HX_REQUEST="true")
    assert washer.code in won.text and fridge.code not in won.text and "<html" not in won.text
    month = fridge.close_date.strftime("%Y-%m")
    by_month = client.get(reverse("opportunity-list"), {"close_month": month, "open": "true"})
    assert fridge.code in by_month.text and washer.code not in by_month.text


def test_opportunity_list_query_count(personas, django_assert_max_num_queries):
    make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = client_for(personas.hq)
    client.get(reverse("opportunity-list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("opportunity-list"))
    for _ in range(8):
        make_opportunity(personas.am_b, customer=personas.cust_b1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("opportunity-list"))


def test_create_opportunity_from_the_form(personas):
    client = client_for(personas.am_a)
    page = client.get(reverse("opportunity-create"), {"customer": "C100001"}).content.decode()
    assert 'value="C100001" selected' in page
    response = client.post(
        reverse("opportunity-create") + "?customer=C100001",
        {
            "name": "空调换新",
            "customer": "C100001",
            "stage": "first_visit",
            "expected_value": "120000",
            "close_date": (today() + timedelta(days=40)).isoformat(),
        },
    )
    opp = Opportunity.objects.get(name="空调换新")
    assert response.status_code == 302 and response["Location"].endswith(f"/{opp.code}/")
    assert (opp.stage, opp.owner, opp.customer) == ("first_visit", personas.am_a, personas.cust_a1)


def test_create_opportunity_form_errors_are_inline(personas):
    response = client_for(personas.am_a).post(
        reverse("opportunity-create"), {"name": "x", "expected_value": "1", "close_date": ""}
    )
    assert response.status_code == 400 and 'data-testid="form-errors"' in response.text
    assert not Opportunity.objects.exists()


def test_opportunity_page_has_the_stage_path_activities_and_history(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1, stage=Stage.NEGOTIATION)
    make_activity(personas.am_a, opportunity=opp, subject="谈判会议")
    content = (
        client_for(personas.am_a)
        .get(reverse("opportunity-detail", args=[opp.code]))
        .content.decode()
    )
    assert 'data-step="negotiation"' in content and 'data-state="current"' in content
    assert content.count('data-state="done"') == 3
    assert "谈判会议" in content and 'data-testid="history"' in content
    assert (
        'data-testid="move-to-won"' in content
        and 'data-testid="move-to-negotiation"' not in content
    )


def test_edit_opportunity(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    client = client_for(personas.am_a)
    assert client.get(reverse("opportunity-edit", args=[opp.code])).status_code == 200
    response = client.post(
        reverse("opportunity-edit", args=[opp.code]),
        {
            "name": "改名",
            "expected_value": "150000",
            "close_date": opp.close_date.isoformat(),
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=opp.pk).name == "改名"
    stale = client.post(
        reverse("opportunity-edit", args=[opp.code]),
        {"name": "再改", "expected_value": "1", "close_date": opp.close_date.isoformat(),
         "version": "1"},
    )  # fmt: skip
    assert stale.status_code == 412


def test_reopen_from_the_page(personas):
    opp = make_opportunity(personas.am_a, customer=personas.cust_a1)
    services.opportunity_move(user=personas.am_a, opportunity=opp, stage=Stage.WON)
    response = client_for(personas.am_a).post(
        reverse("opportunity-reopen", args=[opp.code]), {"stage": "maintenance"}
    )
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=opp.pk).stage == Stage.MAINTENANCE


# --- leads ---------------------------------------------------------------------------------------
def test_lead_list_shows_open_leads_by_default(personas):
    open_lead = make_lead(personas.am_a, company_name="苏宁")
    dropped = make_lead(personas.am_a, company_name="五星电器")
    services.lead_disqualify(user=personas.am_a, lead=dropped, reason="太小")
    client = client_for(personas.am_a)
    content = client.get(reverse("lead-list")).content.decode()
    assert open_lead.code in content and dropped.code not in content
    closed = client.get(reverse("lead-list"), {"open": "false"}).content.decode()
    assert dropped.code in closed and open_lead.code not in closed
    every = client.get(reverse("lead-list"), {"open": "any"}).content.decode()
    assert dropped.code in every and open_lead.code in every


def test_create_qualify_disqualify_from_the_pages(personas):
    client = client_for(personas.am_a)
    response = client.post(
        reverse("lead-create"),
        {"company_name": "国美新店", "source": "referral", "channel_type": "local_chain"},
    )
    lead = Lead.objects.get(company_name="国美新店")
    assert response.status_code == 302 and lead.owner == personas.am_a
    assert client.get(reverse("lead-detail", args=[lead.code])).status_code == 200
    assert client.post(reverse("lead-qualify", args=[lead.code])).status_code == 302
    assert client.post(reverse("lead-qualify", args=[lead.code])).status_code == 409
    empty = client.post(reverse("lead-disqualify", args=[lead.code]), {"reason": ""})
    assert empty.status_code == 400
    done = client.post(reverse("lead-disqualify", args=[lead.code]), {"reason": "没需求"})
    assert done.status_code == 302
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.DISQUALIFIED


def test_convert_from_the_page_opens_the_new_customer(personas):
    lead = make_lead(personas.am_a)
    client = client_for(personas.am_a)
    page = client.get(reverse("lead-convert", args=[lead.code]))
    assert page.status_code == 200 and 'data-testid="convert-form"' in page.text
    response = client.post(
        reverse("lead-convert", args=[lead.code]),
        {
            "channel_type": "department_store",
            "open_opportunity": "on",
            "opportunity_name": "首批冰箱",
            "expected_value": "60000",
            "close_date": today().isoformat(),
        },
    )
    lead.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("customer-detail", args=[lead.customer.code])
    assert Opportunity.objects.get(lead=lead).customer == lead.customer


def test_convert_needs_the_opportunity_fields_when_asked(personas):
    lead = make_lead(personas.am_a)
    response = client_for(personas.am_a).post(
        reverse("lead-convert", args=[lead.code]), {"open_opportunity": "on"}
    )
    assert response.status_code == 400
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW


# --- activities ----------------------------------------------------------------------------------
def test_activity_page_lists_mine_and_logs_a_visit(personas):
    make_activity(personas.am_a, customer=personas.cust_a1, subject="下周拜访")
    late = make_activity(personas.am_a, customer=personas.cust_a1, subject="逾期回访")
    Activity.objects.filter(pk=late.pk).update(planned_at=timezone.now() - timedelta(days=2))
    make_activity(personas.am_a2, customer=personas.cust_a2, subject="别人的")
    client = client_for(personas.am_a)
    content = client.get(reverse("activity-list")).content.decode()
    assert "下周拜访" in content and "逾期回访" in content and "别人的" not in content
    assert 'data-testid="overdue-count"' in content
    response = client.post(
        reverse("activity-create"),
        {
            "kind": "call",
            "subject": "电话回访",
            "customer": "C100001",
            "planned_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "done": "on",
            "outcome": "客户满意",
            "next": reverse("activity-list"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("activity-list")
    call = Activity.objects.get(subject="电话回访")
    assert call.status == ActivityStatus.DONE and call.customer == personas.cust_a1


def test_complete_and_cancel_from_the_pages(personas):
    visit = make_activity(personas.am_a, customer=personas.cust_a1)
    client = client_for(personas.am_a)
    assert client.get(reverse("activity-detail", args=[visit.pk])).status_code == 200
    empty = client.post(reverse("activity-complete", args=[visit.pk]), {"outcome": ""})
    assert empty.status_code == 400
    done = client.post(reverse("activity-complete", args=[visit.pk]), {"outcome": "成交"})
    assert done.status_code == 302
    again = client.post(reverse("activity-cancel", args=[visit.pk]))
    assert again.status_code == 409 and 'data-testid="form-errors"' in again.text


def test_activity_list_query_count(personas, django_assert_max_num_queries):
    make_activity(personas.am_a, customer=personas.cust_a1)
    client = client_for(personas.am_a)
    client.get(reverse("activity-list"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("activity-list"))
    for _ in range(6):
        make_activity(personas.am_a, customer=personas.cust_a1, contact=personas.contact_a1)
        services.activity_log(
            user=personas.am_a,
            data={"kind": "call", "subject": "x", "customer": personas.cust_a1, "outcome": "y"},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("activity-list"))


# --- the matrix and the worksheet ----------------------------------------------------------------
def test_worksheet_saves_and_shows_the_result(personas):
    invoice(personas.cust_a1, "700000", today())
    client = client_for(personas.am_a)
    page = client.get(reverse("assessment-create"), {"customer": "C100001"})
    assert page.status_code == 200 and 'data-testid="current-revenue">¥700,000.00<' in page.text
    data = dict.fromkeys(services.SCORE_FIELDS, "4") | {"potential_revenue": "1000000"}
    response = client.post(reverse("assessment-create") + "?customer=C100001", data)
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert 'data-testid="score">80<' in result and 'data-priority="A+"' in result
    assert Customer.objects.get(pk=personas.cust_a1.pk).priority == "A+"


def test_worksheet_without_a_customer_asks_for_one(personas):
    page = client_for(personas.am_a).get(reverse("assessment-create"))
    assert page.status_code == 200 and 'data-testid="choose-customer"' in page.text
    assert "C100001" in page.text and "C100002" not in page.text


def test_worksheet_missing_scores_are_400(personas):
    response = client_for(personas.am_a).post(
        reverse("assessment-create") + "?customer=C100001", {"potential_revenue": "1"}
    )
    assert response.status_code == 400


def test_matrix_page_plots_the_latest_assessments(personas, django_assert_max_num_queries):
    make_assessment(personas.am_a, personas.cust_a1, SCORES_HIGH)
    make_assessment(personas.am_a2, personas.cust_a2, SCORES_HIGH)
    client = client_for(personas.bm_a)
    response = client.get(reverse("priority-matrix"))
    chart = json.loads(
        re.search(r'id="sales-matrix-data"[^>]*>(.*?)</script>', response.text).group(1)
    )
    assert {i["code"] for i in chart["items"]} == {"C100001", "C100002"}
    assert chart["thresholds"] == {"score": 60, "share": 50.0}
    assert 'data-testid="count-A">2<' in response.text
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("priority-matrix"))
    make_assessment(personas.bm_a, personas.cust_a1, SCORES_HIGH)
    make_assessment(personas.bm_a, personas.cust_a2, SCORES_HIGH)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("priority-matrix"))


# --- the customer 360 tab ------------------------------------------------------------------------
def test_customer_tab_context_and_template(personas, rf, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    opp = make_opportunity(personas.am_a, customer=personas.cust_a1, name="门店升级")
    make_activity(personas.am_a, customer=personas.cust_a1, subject="计划拜访")
    services.activity_log(
        user=personas.am_a,
        data={"kind": "visit", "subject": "已拜访", "customer": personas.cust_a1, "outcome": "好"},
    )
    make_assessment(personas.am_a, personas.cust_a1, SCORES_HIGH)
    with django_assert_max_num_queries(5):
        context = customer_sales_tab(personas.am_a, personas.cust_a1)
    request = rf.get(f"/customers/{personas.cust_a1.code}/")
    request.user = personas.am_a
    html = render_to_string(
        "sales/_customer_tab.html", {**context, "customer": personas.cust_a1}, request=request
    )
    assert opp.code in html and "计划拜访" in html and "已拜访" in html
    assert 'data-testid="new-assessment"' in html and "score 80" in html
    assert customer_sales_tab(personas.pm, personas.cust_a1) == {"sales_visible": False}
    assert context["sales_pipeline_value"] == Decimal("100000.00")
