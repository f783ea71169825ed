"""The custom-order API: create, list and filters, retrieve with ETag, every step with its
status codes, timeline, history, and a constant number of queries on the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import shared_personas
from roots.orders.custom import services
from roots.orders.models import CustomOrder, CustomOrderStatus, Order
from roots.orders.tests.test_custom_support import accepted, custom_model, quoted, requested

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

# Their assertions read messages: in English (the default language is Chinese).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
URL = "/api/v1/custom-orders/"
S = CustomOrderStatus


def body(**changes):
    data = {
        "outlet": "S1000001",
        "title": "200升节能冰箱",
        "category": "FRIDGE",
        "capacity_min": "180",
        "capacity_max": "220",
        "target_price": "2000.00",
        "features": ["energy_saving", "frost_free"],
        "quantity": 400,
        "wanted_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "description": "低功耗",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- create -----------------------------------------------------------------------------------
def test_customer_user_creates_a_request(personas, api):
    response = api.as_(personas.cu_a1).post(URL, body(), format="json")
    assert response.status_code == 201, response.data
    assert response["ETag"] == '"1"'
    data = response.data
    assert (data["number"], data["status"], data["customer"], data["outlet"]) == (
        "MO00000001",
        "requested",
        "C100001",
        "S1000001",
    )
    assert data["features"] == ["energy_saving", "frost_free"]
    assert data["clock"] == {"state": "none", "label": "", "seconds_left": None}


def test_idempotency_key_replays_the_create(personas, api):
    client = api.as_(personas.cu_a1)
    first = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert CustomOrder.objects.count() == 1


def test_staff_name_the_customer(personas, api):
    client = api.as_(personas.am_a)
    missing = client.post(URL, body(), format="json")
    assert missing.status_code == 400 and "customer" in missing.data["errors"]
    response = client.post(URL, body(customer="C100001"), format="json")
    assert response.status_code == 201
    foreign = client.post(URL, body(customer="C100003", outlet="S1000003"), format="json")
    assert foreign.status_code == 400  # out of scope reads as "does not exist"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": -3}, "quantity"),
        ({"quantity": 10**12}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"features": ["teleport"]}, "features"),
        ({"features": "energy_saving"}, "features"),
        ({"title": "a\x00b"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"target_price": "1e30"}, "target_price"),
        ({"capacity_min": "300", "capacity_max": "200"}, "capacity_max"),
        ({"wanted_date": "2020-01-01"}, "wanted_date"),
        ({"category": "NOPE"}, "category"),
        ({"outlet": "S1000003"}, "outlet"),
        ({"outlet": 12}, "outlet"),
    ],
)
def test_bad_input_is_400_with_field_errors(personas, api, changes, field):
    response = api.as_(personas.cu_a1).post(URL, body(**changes), format="json")
    assert response.status_code == 400, response.data
    assert field in response.data["errors"]
    assert not CustomOrder.objects.exists()


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "su"])
def test_roles_that_do_not_request_get_403(personas, api, role):
    response = api.as_(getattr(personas, role)).post(URL, body(customer="C100001"), format="json")
    assert response.status_code == 403


# --- read -------------------------------------------------------------------------------------
def test_list_is_scoped_and_filterable(personas, api):
    mine = requested(personas)
    other = requested(personas, user=personas.cu_b1, outlet=personas.outlet_b1, title="大容量冷柜")
    quoted_one = quoted(personas)
    numbers = lambda r: {row["number"] for row in r.data["results"]}  # noqa: E731
    assert numbers(api.as_(personas.cu_a1).get(URL)) == {mine.number, quoted_one.number}
    assert numbers(api.as_(personas.pm).get(URL)) == {mine.number, other.number, quoted_one.number}
    assert numbers(api.as_(personas.agent).get(URL)) == set()
    hq = api.as_(personas.hq)
    assert numbers(hq.get(URL, {"status": "quoted"})) == {quoted_one.number}
    assert numbers(hq.get(URL, {"customer": "C100003"})) == {other.number}
    assert numbers(hq.get(URL, {"search": "lenggui"})) == {other.number}  # pinyin of 冷柜
    assert numbers(hq.get(URL, {"category": "FRIDGE", "ordering": "number"})) == {
        mine.number,
        other.number,
        quoted_one.number,
    }
    assert hq.get(URL, {"status": "lost"}).status_code == 400


def test_retrieve_by_number_with_etag_and_404_out_of_scope(personas, api):
    custom_order = quoted(personas)
    response = api.as_(personas.cu_a1).get(f"{URL}{custom_order.number}/")
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert response.data["quote_total"] == "820000.00"
    assert response.data["quoted_model"] == "BCD-210CUST"
    assert api.as_(personas.cu_b1).get(f"{URL}{custom_order.number}/").status_code == 404
    assert api.as_(personas.am_b).get(f"{URL}{custom_order.number}/").status_code == 404


def test_list_query_count_does_not_grow_with_rows(personas, api):
    client = api.as_(personas.hq)
    personas.cust_a1.credit_limit = 10**9
    personas.cust_a1.save()
    accepted(personas)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for _ in range(4):
        accepted(personas)
        requested(personas, user=personas.cu_b1, outlet=personas.outlet_b1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.data["count"] == 9
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


# --- steps ------------------------------------------------------------------------------------
QUOTE = {"quoted_price": "2050.00", "quoted_lead_days": 21, "quoted_model": "BCD-210CUST"}


def test_product_manager_quotes_and_customer_accepts(personas, api):
    custom_model()
    custom_order = requested(personas)
    url = f"{URL}{custom_order.number}/"
    quote = api.as_(personas.pm).post(f"{url}quote/", QUOTE, format="json", HTTP_IF_MATCH='"1"')
    assert quote.status_code == 200, quote.data
    assert quote["ETag"] == '"2"' and quote.data["status"] == "quoted"
    assert (
        quote.data["quote_valid_until"] == (timezone.localdate() + timedelta(days=14)).isoformat()
    )
    accept = api.as_(personas.cu_a1).post(f"{url}accept/", HTTP_IF_MATCH='"2"')
    assert accept.status_code == 200, accept.data
    assert accept.data["status"] == "accepted"
    assert accept.data["order"].startswith("SO")
    assert accept.data["clock"]["state"] == "on_track"
    order = Order.objects.get(number=accept.data["order"])
    assert order.kind == "made_to_order" and order.status == "confirmed"


def test_customer_quoting_is_409_account_manager_403_outsiders_404(personas, api):
    custom_model()
    custom_order = requested(personas)
    url = f"{URL}{custom_order.number}/quote/"
    assert api.as_(personas.cu_a1).post(url, QUOTE, format="json").status_code == 409
    assert api.as_(personas.am_a).post(url, QUOTE, format="json").status_code == 403
    assert api.as_(personas.am_b).post(url, QUOTE, format="json").status_code == 404
    assert api.as_(personas.cu_b1).post(url, QUOTE, format="json").status_code == 404
    # Who may act is answered before the body: a customer sending nonsense is still 409.
    assert (
        api.as_(personas.cu_a1).post(url, {"quoted_price": "x"}, format="json").status_code == 409
    )
    assert CustomOrder.objects.get(pk=custom_order.pk).status == S.REQUESTED


def test_quote_body_errors_are_400(personas, api):
    custom_order = requested(personas)
    url = f"{URL}{custom_order.number}/quote/"
    client = api.as_(personas.pm)
    for bad in (
        {"quoted_price": "-1", "quoted_lead_days": 5},
        {"quoted_price": "10", "quoted_lead_days": 0},
        {"quoted_price": "10", "quoted_lead_days": 5, "quoted_model": "NOPE"},
        {"quoted_price": "10", "quoted_lead_days": 5, "quote_valid_until": "2001-01-01"},
        {"quoted_price": "1e40", "quoted_lead_days": 5},
    ):
        assert client.post(url, bad, format="json").status_code == 400, bad


def test_stale_if_match_is_412(personas, api):
    custom_order = quoted(personas)
    response = api.as_(personas.cu_a1).post(
        f"{URL}{custom_order.number}/accept/", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert CustomOrder.objects.get(pk=custom_order.pk).status == S.QUOTED


def test_accepting_an_expired_quote_is_409_with_the_date(personas, api):
    custom_order = quoted(personas)
    day = timezone.localdate() - timedelta(days=1)
    CustomOrder.objects.filter(pk=custom_order.pk).update(quote_valid_until=day)
    response = api.as_(personas.cu_a1).post(f"{URL}{custom_order.number}/accept/")
    assert response.status_code == 409
    assert "expired" in response.data["detail"]
    fresh = CustomOrder.objects.get(pk=custom_order.pk)
    assert (fresh.status, fresh.version, fresh.order_id) == (S.QUOTED, 2, None)


def test_credit_refusal_at_accept_is_400_with_the_reason(personas, api):
    personas.cust_a1.credit_limit = 1000
    personas.cust_a1.save()
    custom_order = quoted(personas)
    response = api.as_(personas.cu_a1).post(f"{URL}{custom_order.number}/accept/")
    assert response.status_code == 400
    assert "credit" in response.data["errors"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("step", "role", "payload", "status", "expected"),
    [
        ("decline", "pm", {"reason": "做不了"}, 200, "declined"),
        ("decline", "pm", {}, 400, "requested"),
        ("decline", "cu_a1", {"reason": "x"}, 409, "requested"),
        ("reject", "cu_a1", {"reason": "贵"}, 409, "requested"),
        ("cancel", "cu_a1", {"reason": "不要了"}, 200, "cancelled"),
        ("cancel", "pm", {}, 403, "requested"),
        ("cancel", "bm_b", {}, 404, "requested"),
        ("start-production", "pm", {}, 409, "requested"),
        ("produced", "hq", {}, 409, "requested"),
    ],
)
def test_steps_on_a_fresh_request(personas, api, step, role, payload, status, expected):
    custom_order = requested(personas)
    response = api.as_(getattr(personas, role)).post(
        f"{URL}{custom_order.number}/{step}/", payload, format="json"
    )
    assert response.status_code == status, response.data
    assert CustomOrder.objects.get(pk=custom_order.pk).status == expected


def test_production_steps(personas, api):
    custom_order = accepted(personas)
    url = f"{URL}{custom_order.number}/"
    assert api.as_(personas.cu_a1).post(f"{url}start-production/").status_code == 409
    assert api.as_(personas.am_a).post(f"{url}start-production/").status_code == 403
    started = api.as_(personas.pm).post(f"{url}start-production/")
    assert started.status_code == 200 and started.data["clock"]["state"] == "started"
    done = api.as_(personas.pm).post(f"{url}produced/")
    assert done.status_code == 200 and done.data["status"] == "produced"


def test_timeline_hides_staff_alerts_from_customer_users(personas, api):
    custom_order = accepted(personas)
    assert custom_order.accepted_at is not None
    services.check_production_clock(now=custom_order.accepted_at + timedelta(days=6))
    url = f"{URL}{custom_order.number}/timeline/"
    staff = api.as_(personas.am_a).get(url)
    customer = api.as_(personas.cu_a1).get(url)
    assert [e["to_status"] for e in customer.data] == ["requested", "quoted", "accepted"]
    assert [e["kind"] for e in staff.data][-1] == "alert"
    assert staff.data[-1]["visible_to_customer"] is False
    assert api.as_(personas.cu_b1).get(url).status_code == 404


def test_history_lists_the_changes(personas, api):
    custom_order = accepted(personas)
    response = api.as_(personas.pm).get(f"{URL}{custom_order.number}/history/")
    assert response.status_code == 200
    assert [entry["type"] for entry in response.data][-1] == "created"
    assert len(response.data) == 3


def test_put_and_delete_are_not_offered(personas, api):
    custom_order = requested(personas)
    client = api.as_(personas.hq)
    assert (
        client.patch(f"{URL}{custom_order.number}/", {"title": "x"}, format="json").status_code
        == 405
    )
    assert client.delete(f"{URL}{custom_order.number}/").status_code == 405
