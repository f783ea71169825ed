"""Complaint pages: the scoped list with its SLA clocks, the form, the complaint page with
the forms of each role, and the portal's complaints card."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import shared_personas
from roots.service import services
from roots.service.models import Complaint
from roots.service.tests.conftest import age

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- list ------------------------------------------------------------------------------------
def test_list_shows_the_complaints_in_scope_with_clock_badges(personas, raise_complaint):
    fresh = raise_complaint(subject="送货延迟")
    late = age(raise_complaint(subject="冰箱噪音大", severity="urgent"), hours=5)
    near = age(raise_complaint(subject="发票错误"), hours=20)
    other = raise_complaint(user=personas.cu_b1, subject="北京的投诉")
    content = client_for(personas.am_a).get(reverse("complaint-list")).content.decode()
    for complaint in (fresh, late, near):
        assert complaint.number in content
    assert other.number not in content
    assert 'data-clock="on_time"' in content
    assert 'data-clock="at_risk"' in content
    assert 'data-clock="overdue"' in content
    assert 'data-testid="kpi-overdue">1<' in content


def test_list_filters_by_status_and_htmx_gets_the_table(personas, raise_complaint):
    open_one = raise_complaint()
    resolved = raise_complaint()
    services.complaint_resolve(user=personas.am_a, complaint=resolved, resolution="好")
    response = client_for(personas.am_a).get(
        reverse("complaint-list"), {"status": "resolved"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert "<html" not in content
    assert resolved.number in content and open_one.number not in content


def test_customer_user_list_has_no_customer_column(personas, raise_complaint):
    raise_complaint()
    content = client_for(personas.cu_a1).get(reverse("complaint-list")).content.decode()
    assert "国美电器青岛有限公司" not in content.split('data-testid="complaint-table"')[1]


@pytest.mark.parametrize("role", ["agent", "engineer", "su"])
def test_roles_without_customers_get_403_on_the_list(personas, role):
    assert client_for(getattr(personas, role)).get(reverse("complaint-list")).status_code == 403


def test_list_query_count_does_not_grow(personas, raise_complaint, django_assert_max_num_queries):
    for _ in range(3):
        raise_complaint()
    client = client_for(personas.hq)
    client.get(reverse("complaint-list"))
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("complaint-list"))
    for _ in range(10):
        raise_complaint(user=personas.cu_b1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("complaint-list"))


# --- new -------------------------------------------------------------------------------------
def test_customer_user_raises_a_complaint_from_the_form(personas):
    client = client_for(personas.cu_a1)
    page = client.get(reverse("complaint-create")).content.decode()
    assert 'name="customer"' not in page  # the company is implied
    assert "S1000001" in page  # own outlets to choose from
    response = client.post(
        reverse("complaint-create"),
        {"category": "delivery", "severity": "urgent", "subject": "少送两台", "description": "x",
         "outlet": "S1000001"},
    )  # fmt: skip
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("complaint-detail", args=[complaint.number])
    assert complaint.outlet == personas.outlet_a1


def test_form_shows_errors_inline(personas):
    response = client_for(personas.cu_a1).post(
        reverse("complaint-create"), {"category": "delivery", "subject": "", "description": ""}
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Complaint.objects.exists()


def test_account_manager_picks_one_of_own_customers(personas):
    client = client_for(personas.am_a)
    page = client.get(reverse("complaint-create"), {"customer": "C100001"}).content.decode()
    assert "C100001" in page and "C100003" not in page
    response = client.post(
        reverse("complaint-create"),
        {"customer": "C100003", "category": "billing", "severity": "normal", "subject": "x",
         "description": "x"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("role", ["pm", "agent", "su"])
def test_roles_that_never_raise_get_403_on_the_form(personas, role):
    assert client_for(getattr(personas, role)).get(reverse("complaint-create")).status_code == 403


# --- detail and actions ---------------------------------------------------------------------
def test_customer_sees_the_thread_without_internal_notes(personas, raise_complaint):
    complaint = raise_complaint()
    services.complaint_message_add(
        user=personas.am_a, complaint=complaint, text="内部备注不可见", internal=True
    )
    services.complaint_respond(user=personas.am_a, complaint=complaint, text="我们正在处理")
    customer_page = client_for(personas.cu_a1).get(
        reverse("complaint-detail", args=[complaint.number])
    )
    content = customer_page.content.decode()
    assert "我们正在处理" in content
    assert "内部备注不可见" not in content
    assert 'name="internal"' not in content
    assert 'data-testid="resolve-form"' not in content
    staff = client_for(personas.am_a).get(reverse("complaint-detail", args=[complaint.number]))
    staff_content = staff.content.decode()
    assert "内部备注不可见" in staff_content
    assert 'data-testid="resolve-form"' in staff_content
    assert 'data-testid="assign-form"' not in staff_content  # account managers do not reassign


def test_detail_out_of_scope_is_404(personas, raise_complaint):
    complaint = raise_complaint()
    for role in ("cu_b1", "am_b", "bm_b", "am_a2", "agent", "su"):
        response = client_for(getattr(personas, role)).get(
            reverse("complaint-detail", args=[complaint.number])
        )
        assert response.status_code == 404, role


def test_staff_answer_and_resolve_then_customer_confirms(personas, raise_complaint):
    complaint = raise_complaint()
    staff, customer = client_for(personas.am_a), client_for(personas.cu_a1)
    url = lambda action: reverse("complaint-action", args=[complaint.number, action])  # noqa: E731
    assert staff.post(url("message"), {"text": "收到，马上处理"}).status_code == 302
    assert (
        staff.post(url("resolve"), {"resolution": "已补发两台", "version": "2"}).status_code == 302
    )
    page = customer.get(reverse("complaint-detail", args=[complaint.number])).content.decode()
    assert 'data-testid="close-form"' in page and 'data-testid="reopen-form"' in page
    assert "已补发两台" in page
    assert customer.post(url("close"), {"note": "谢谢"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    page = customer.get(reverse("complaint-detail", args=[complaint.number])).content.decode()
    assert 'data-testid="message-form"' not in page


def test_illegal_step_on_the_page_answers_409_with_the_reason(personas, raise_complaint):
    complaint = raise_complaint()
    response = client_for(personas.cu_a1).post(
        reverse("complaint-action", args=[complaint.number, "reopen"]), {"reason": "x"}
    )
    assert response.status_code == 409
    assert 'data-testid="form-errors"' in response.content.decode()


def test_customer_posting_a_staff_action_gets_403(personas, raise_complaint):
    complaint = raise_complaint()
    response = client_for(personas.cu_a1).post(
        reverse("complaint-action", args=[complaint.number, "resolve"]), {"resolution": "x"}
    )
    assert response.status_code == 403


def test_stale_version_on_the_page_answers_412(personas, raise_complaint):
    complaint = raise_complaint()
    response = client_for(personas.am_a).post(
        reverse("complaint-action", args=[complaint.number, "resolve"]),
        {"resolution": "x", "version": "5"},
    )
    assert response.status_code == 412


def test_branch_manager_reassigns_on_the_page(personas, raise_complaint):
    complaint = raise_complaint()
    client = client_for(personas.bm_a)
    page = client.get(reverse("complaint-detail", args=[complaint.number])).content.decode()
    assert 'data-testid="assign-form"' in page
    response = client.post(
        reverse("complaint-action", args=[complaint.number, "assign"]), {"owner": "am_a2"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.owner == personas.am_a2


def test_unknown_action_is_404_and_get_is_405(personas, raise_complaint):
    complaint = raise_complaint()
    client = client_for(personas.am_a)
    assert (
        client.post(reverse("complaint-action", args=[complaint.number, "explode"])).status_code
        == 404
    )
    assert (
        client.get(reverse("complaint-action", args=[complaint.number, "resolve"])).status_code
        == 405
    )


# --- the portal's card ----------------------------------------------------------------------
def test_portal_card_posts_by_htmx_and_shows_the_new_complaint_with_its_deadline(personas):
    response = client_for(personas.cu_a1).post(
        reverse("complaint-create"),
        {"from": "portal", "category": "service", "severity": "normal", "subject": "安装师傅迟到",
         "description": "约好上午，下午才来。"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    content = response.content.decode()
    complaint = Complaint.objects.get()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'data-testid="complaint-created"' in content
    assert complaint.number in content and "安装师傅迟到" in content
    assert 'data-clock="on_time"' in content


def test_portal_card_shows_errors_in_place(personas):
    response = client_for(personas.cu_a1).post(
        reverse("complaint-create"),
        {"from": "portal", "category": "service", "subject": "", "description": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert 'id="portal-complaints"' in response.content.decode()


def test_portal_form_without_javascript_goes_back_home(personas):
    response = client_for(personas.cu_a1).post(
        reverse("complaint-create"),
        {"from": "portal", "next": "/portal/#portal-complaints", "category": "service",
         "severity": "normal", "subject": "x", "description": "x"},
    )  # fmt: skip
    assert response["Location"] == "/portal/#portal-complaints"


def test_next_pointing_elsewhere_is_ignored(personas):
    response = client_for(personas.cu_a1).post(
        reverse("complaint-create"),
        {"next": "https://evil.example.com/", "category": "service", "severity": "normal",
         "subject": "x", "description": "x"},
    )  # fmt: skip
    assert response["Location"].startswith("/complaints/CP")


def test_odd_numbers_in_the_url_are_404(personas):
    client = client_for(personas.hq)
    assert client.get("/complaints/CP%00123/").status_code == 404
    assert client.get("/complaints/" + "9" * 300 + "/").status_code == 404
