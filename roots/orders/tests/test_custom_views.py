"""Made-to-order pages: list (scope, filters, clock, query count), request form, record page
with its steps (403 / 404 / 409 / 412), for staff and customer users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import shared_personas
from roots.orders.custom import services
from roots.orders.models import CustomOrder, CustomOrderStatus
from roots.orders.tests.test_custom_support import accepted, custom_model, quoted, requested

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

# Their assertions read messages: in English (the default language is Chinese).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = CustomOrderStatus


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- list -------------------------------------------------------------------------------------
def test_list_shows_only_own_company_to_customer_users(personas):
    mine = requested(personas)
    other = requested(personas, user=personas.cu_b1, outlet=personas.outlet_b1)
    html = browser(personas.cu_a1).get("/custom-orders/").content.decode()
    assert mine.number in html and other.number not in html
    assert personas.cust_b1.name not in html


@pytest.mark.parametrize("role", ["agent", "engineer", "su"])
def test_list_is_403_for_roles_without_custom_orders(personas, role):
    assert browser(getattr(personas, role)).get("/custom-orders/").status_code == 403


def test_list_shows_the_production_clock(personas):
    personas.cust_a1.credit_limit = 10**9
    personas.cust_a1.save()
    on_track = accepted(personas)
    overdue = accepted(personas)
    CustomOrder.objects.filter(pk=overdue.pk).update(
        production_due=timezone.now() - timedelta(hours=30)
    )
    at_risk = accepted(personas, quantity=10)
    CustomOrder.objects.filter(pk=at_risk.pk).update(
        production_due=timezone.now() + timedelta(hours=20)
    )
    html = browser(personas.am_a).get("/custom-orders/").content.decode()
    assert 'data-clock="on_track"' in html and "status-green" in html
    assert 'data-clock="at_risk"' in html and "status-yellow" in html
    assert 'data-clock="overdue"' in html and "status-red" in html
    assert on_track.number in html
    only_overdue = browser(personas.am_a).get("/custom-orders/", {"clock": "overdue"})
    assert overdue.number in only_overdue.content.decode()
    assert on_track.number not in only_overdue.content.decode()


def test_list_filters_by_status_and_search_and_htmx_gets_the_table(personas):
    first = requested(personas, title="节能冰箱")
    second = quoted(personas, title="大容量冷柜")
    client = browser(personas.pm)
    by_status = client.get("/custom-orders/", {"status": "quoted"}).content.decode()
    assert second.number in by_status and first.number not in by_status
    by_pinyin = client.get("/custom-orders/", {"q": "jnbx"}).content.decode()
    assert first.number in by_pinyin and second.number not in by_pinyin
    partial = client.get("/custom-orders/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert client.get("/custom-orders/", {"status": "nonsense"}).status_code == 200


def test_list_page_query_count_is_constant(personas):
    personas.cust_a1.credit_limit = 10**9
    personas.cust_a1.save()
    client = browser(personas.hq)
    accepted(personas)
    client.get("/custom-orders/")  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as one:
        client.get("/custom-orders/")
    for _ in range(5):
        accepted(personas)
        quoted(personas, user=personas.cu_b1, outlet=personas.outlet_b1)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/custom-orders/")
    assert response.status_code == 200
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


# --- the request form -------------------------------------------------------------------------
def form_data(**changes):
    data = {
        "outlet": "S1000001",
        "title": "200升节能冰箱",
        "category": "FRIDGE",
        "capacity_min": "180",
        "capacity_max": "220",
        "target_price": "2000",
        "features": ["energy_saving", "frost_free"],
        "quantity": "400",
        "wanted_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "description": "",
    }
    data.update(changes)
    return data


def test_customer_user_requests_through_the_form(personas):
    client = browser(personas.cu_a1)
    page = client.get("/custom-orders/new/")
    assert page.status_code == 200 and 'data-testid="custom-order-form"' in page.content.decode()
    response = client.post("/custom-orders/new/", form_data())
    assert response.status_code == 302
    custom_order = CustomOrder.objects.get()
    assert response["Location"] == f"/custom-orders/{custom_order.number}/"
    assert custom_order.features == ["energy_saving", "frost_free"]


def test_form_shows_service_errors_inline(personas):
    response = browser(personas.cu_a1).post(
        "/custom-orders/new/", form_data(capacity_min="300", capacity_max="200")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html and "upper capacity" in html
    assert not CustomOrder.objects.exists()


def test_staff_choose_the_customer_first_within_scope(personas):
    client = browser(personas.am_a)
    chooser = client.get("/custom-orders/new/").content.decode()
    assert 'data-testid="choose-customer"' in chooser
    assert "C100001" in chooser and "C100003" not in chooser and "C100002" not in chooser
    assert client.get("/custom-orders/new/", {"customer": "C100001"}).status_code == 200
    assert client.get("/custom-orders/new/", {"customer": "C100003"}).status_code == 404
    response = client.post("/custom-orders/new/?customer=C100001", form_data())
    assert response.status_code == 302
    assert CustomOrder.objects.get().requested_by == personas.am_a


@pytest.mark.parametrize("role", ["pm", "agent", "su"])
def test_roles_that_do_not_request_get_403_on_the_form(personas, role):
    assert browser(getattr(personas, role)).get("/custom-orders/new/").status_code == 403


# --- the record -------------------------------------------------------------------------------
def test_product_manager_sees_the_quote_form_and_quotes(personas):
    custom_model()
    custom_order = requested(personas)
    client = browser(personas.pm)
    page = client.get(f"/custom-orders/{custom_order.number}/").content.decode()
    assert 'data-testid="quote-form"' in page and 'data-testid="accept"' not in page
    response = client.post(
        f"/custom-orders/{custom_order.number}/quote/",
        {
            "version": "1",
            "quoted_price": "2050",
            "quoted_lead_days": "21",
            "quoted_model": "BCD-210CUST",
            "quote_valid_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "note": "一级能效",
        },
    )
    assert response.status_code == 302
    fresh = CustomOrder.objects.get(pk=custom_order.pk)
    assert (fresh.status, fresh.quoted_model.code) == (S.QUOTED, "BCD-210CUST")


def test_invalid_quote_form_is_shown_again(personas):
    custom_order = requested(personas)
    response = browser(personas.pm).post(
        f"/custom-orders/{custom_order.number}/quote/",
        {"version": "1", "quoted_price": "-5", "quoted_lead_days": "0"},
    )
    assert response.status_code == 400
    assert 'data-testid="quote-form"' in response.content.decode()


def test_customer_sees_accept_and_accepts_then_the_order_is_linked(personas):
    custom_order = quoted(personas)
    client = browser(personas.cu_a1)
    page = client.get(f"/custom-orders/{custom_order.number}/").content.decode()
    assert 'data-testid="accept"' in page and 'data-testid="quote-form"' not in page
    response = client.post(f"/custom-orders/{custom_order.number}/accept/", {"version": "2"})
    assert response.status_code == 302
    fresh = CustomOrder.objects.select_related("order").get(pk=custom_order.pk)
    assert fresh.status == S.ACCEPTED and fresh.order is not None
    detail = client.get(f"/custom-orders/{custom_order.number}/").content.decode()
    assert f"/orders/{fresh.order.number}/" in detail
    assert 'data-testid="production-card"' in detail


def test_customer_quoting_from_the_page_is_409_and_account_manager_403(personas):
    custom_order = requested(personas)
    url = f"/custom-orders/{custom_order.number}/quote/"
    data = {"version": "1", "quoted_price": "2000", "quoted_lead_days": "10"}
    conflict = browser(personas.cu_a1).post(url, data)
    assert conflict.status_code == 409
    assert 'data-testid="step-error"' in conflict.content.decode()
    assert browser(personas.am_a).post(url, data).status_code == 403
    assert browser(personas.am_b).post(url, data).status_code == 404
    assert CustomOrder.objects.get(pk=custom_order.pk).status == S.REQUESTED


def test_accepting_an_expired_quote_on_the_page_is_409_and_changes_nothing(personas):
    custom_order = quoted(personas)
    CustomOrder.objects.filter(pk=custom_order.pk).update(
        quote_valid_until=timezone.localdate() - timedelta(days=1)
    )
    client = browser(personas.cu_a1)
    page = client.get(f"/custom-orders/{custom_order.number}/").content.decode()
    assert 'data-testid="accept"' not in page  # no button for an expired quote
    response = client.post(f"/custom-orders/{custom_order.number}/accept/", {"version": "2"})
    assert response.status_code == 409
    assert "expired" in response.content.decode()
    fresh = CustomOrder.objects.get(pk=custom_order.pk)
    assert (fresh.status, fresh.version, fresh.order_id) == (S.QUOTED, 2, None)


def test_stale_version_on_the_page_is_412(personas):
    custom_order = quoted(personas)
    response = browser(personas.cu_a1).post(
        f"/custom-orders/{custom_order.number}/reject/", {"version": "1", "reject-reason": "贵"}
    )
    assert response.status_code == 412
    assert "Reload" in response.content.decode() or "重新加载" in response.content.decode()


def test_reject_cancel_and_production_from_the_page(personas):
    quoted_one = quoted(personas)
    response = browser(personas.cu_a1).post(
        f"/custom-orders/{quoted_one.number}/reject/", {"version": "2", "reject-reason": "太贵"}
    )
    assert response.status_code == 302
    assert CustomOrder.objects.get(pk=quoted_one.pk).closed_reason == "太贵"
    accepted_one = accepted(personas, quantity=10)
    pm = browser(personas.pm)
    number = accepted_one.number
    assert (
        pm.post(f"/custom-orders/{number}/start-production/", {"version": "3"}).status_code == 302
    )
    assert pm.post(f"/custom-orders/{number}/produced/", {"version": "4"}).status_code == 302
    assert CustomOrder.objects.get(pk=accepted_one.pk).status == S.PRODUCED
    assert pm.post(f"/custom-orders/{number}/teleport/").status_code == 404
    assert pm.get(f"/custom-orders/{number}/produced/").status_code == 405


def test_credit_refusal_on_the_page_shows_the_reason(personas):
    personas.cust_a1.credit_limit = 1000
    personas.cust_a1.save()
    custom_order = quoted(personas)
    response = browser(personas.cu_a1).post(
        f"/custom-orders/{custom_order.number}/accept/", {"version": "2"}
    )
    assert response.status_code == 400
    assert "credit" in response.content.decode().lower() or "信用" in response.content.decode()


def test_customer_does_not_see_staff_alerts_on_the_record(personas):
    custom_order = accepted(personas)
    assert custom_order.accepted_at is not None
    services.check_production_clock(now=custom_order.accepted_at + timedelta(days=6))
    url = f"/custom-orders/{custom_order.number}/"
    assert 'data-kind="alert"' not in browser(personas.cu_a1).get(url).content.decode()
    assert 'data-kind="alert"' in browser(personas.am_a).get(url).content.decode()


def test_record_page_is_404_out_of_scope(personas):
    custom_order = requested(personas)
    for role in ("cu_b1", "am_b", "bm_b", "am_a2", "agent", "su"):
        response = browser(getattr(personas, role)).get(f"/custom-orders/{custom_order.number}/")
        assert response.status_code == 404, role
