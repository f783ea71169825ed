"""The orders API: create, list with filters, retrieve, the actions, timeline, history, and
bad input answered 400 (never 500)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import shared_personas
from roots.customers.models import Customer
from roots.orders import services
from roots.orders.models import Order, OrderStatus
from roots.orders.tests.conftest import advance

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/api/v1/orders/"


def _body(personas, quantity: int = 2, **extra):
    return {
        "outlet": personas.outlet_a1.code,
        "lines": [{"sku": personas.sku.code, "quantity": quantity}],
        **extra,
    }


def test_customer_user_places_an_order_with_outlet_and_lines_by_code(api, personas, stock):
    response = api.as_(personas.cu_a1).post(
        URL,
        _body(personas, 3, customer_reference="PO-1", requested_date="2099-01-01"),
        format="json",
    )
    assert response.status_code == 201, response.data
    data = response.data
    assert data["number"].startswith("SO") and len(data["number"]) == 10
    assert (data["status"], data["customer"], data["outlet"]) == (
        "submitted",
        "C100001",
        "S1000001",
    )
    assert data["total"] == "7497.00"
    assert data["lines"][0]["sku"] == personas.sku.code
    assert data["lines"][0]["allocations"] == [
        {"warehouse": "WH-BA-1", "warehouse_name": stock.warehouse.name, "quantity": 3}
    ]
    assert data["allowed_actions"] == ["cancel"]
    assert response["ETag"] == '"1"'


def test_idempotency_key_replays_the_order_instead_of_placing_it_twice(api, personas, stock):
    client = api.as_(personas.cu_a1)
    first = client.post(URL, _body(personas), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, _body(personas), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.data["number"] == first.data["number"]
    assert Order.objects.count() == 1
    other = client.post(URL, _body(personas, 5), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409


def test_stock_and_credit_problems_are_400_with_their_field(api, personas, stock):
    client = api.as_(personas.cu_a1)
    response = client.post(URL, _body(personas, 500), format="json")
    assert response.status_code == 400
    assert "only 90 available" in response.data["errors"]["lines"][0]
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("1000"))
    response = client.post(URL, _body(personas, 1), format="json")
    assert response.status_code == 400
    assert "¥2,499.00" in response.data["errors"]["credit"][0]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"outlet": "S1000001"},
        {"outlet": "S1000001", "lines": []},
        {"outlet": "S1000001", "lines": "x"},
        {"outlet": "S1000001", "lines": [{"sku": "BCD-216STPT-W", "quantity": 0}]},
        {"outlet": "S1000001", "lines": [{"sku": "BCD-216STPT-W", "quantity": -3}]},
        {"outlet": "S1000001", "lines": [{"sku": "BCD-216STPT-W", "quantity": 10**12}]},
        {"outlet": "S1000001", "lines": [{"sku": "BCD-216STPT-W", "quantity": "many"}]},
        {"outlet": "S1000001", "lines": [{"sku": "BAD\x00", "quantity": 1}]},
        {"outlet": "S\x00", "lines": [{"sku": "BCD-216STPT-W", "quantity": 1}]},
        {"outlet": 12, "lines": [{"sku": ["x"], "quantity": 1}]},
        {"outlet": "S1000001", "lines": [{"sku": "BCD-216STPT-W", "quantity": 1}], "note": "a\x00"},
        {"outlet": "S1000001", "lines": [{"sku": "BCD-216STPT-W", "quantity": 1}] * 201},
        {
            "outlet": "S1000001",
            "lines": [{"sku": "BCD-216STPT-W", "quantity": 1}],
            "requested_date": "2001-01-01",
        },
    ],
)
def test_bad_input_is_400(api, personas, stock, body):
    response = api.as_(personas.cu_a1).post(URL, body, format="json")
    assert response.status_code == 400, response.data
    errors = response.data["errors"]
    assert errors
    # The documented error format: every field has a flat list of messages.
    assert all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in errors.values())


def test_line_errors_say_which_line(api, personas, stock):
    body = {
        "outlet": "S1000001",
        "lines": [{"sku": "BCD-216STPT-W", "quantity": 1}, {"sku": "BCD-216STPT-W", "quantity": 0}],
    }
    response = api.as_(personas.cu_a1).post(URL, body, format="json")
    assert response.data["errors"]["lines"] == [
        "Line 2: quantity: Ensure this value is greater than or equal to 1."
    ]


@pytest.mark.parametrize(("role", "status"), [("pm", 403), ("agent", 403), ("su", 403)])
def test_roles_that_do_not_order_get_403_whatever_they_send(api, personas, role, status):
    response = api.as_(getattr(personas, role)).post(URL, {"junk": 1}, format="json")
    assert response.status_code == status


def test_list_filters_and_search(api, personas, make_order, stock):
    a = make_order(customer_reference="MARCH-1")
    b = make_order()
    advance(b, personas.am_a, "confirm")
    c = services.order_submit(
        user=personas.cu_b1,
        data={"outlet": personas.outlet_b1, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    client = api.as_(personas.hq)

    def numbers(query: str) -> set[str]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.data
        return {row["number"] for row in response.data["results"]}

    assert numbers("") == {a.number, b.number, c.number}
    assert numbers("status=confirmed") == {b.number}
    assert numbers("status=submitted&status=confirmed") == {a.number, b.number, c.number}
    assert numbers("customer=C100003") == {c.number}
    assert numbers("outlet=S1000001") == {a.number, b.number}
    assert numbers("kind=made_to_order") == set()
    assert numbers("open=true") == {a.number, b.number, c.number}
    assert numbers("submitted_from=2000-01-01&submitted_to=2100-12-31") == {
        a.number, b.number, c.number,
    }  # fmt: skip
    assert numbers("submitted_from=2100-12-31") == set()
    assert numbers("search=march") == {a.number}
    assert numbers("search=gmdq") == {a.number, b.number}  # 国美电器, by initials
    assert numbers(f"search={c.number}") == {c.number}
    assert client.get(f"{URL}?status=lost").status_code == 400
    assert client.get(f"{URL}?open=perhaps").status_code == 400
    assert client.get(f"{URL}?submitted_from=yesterday").status_code == 400
    assert client.get(f"{URL}?submitted_from=2999-01-01").status_code == 400  # review L2


def test_list_answers_in_a_constant_number_of_queries(
    api, personas, make_order, stock, django_assert_max_num_queries
):
    for _ in range(8):
        make_order(quantity=1)
    client = api.as_(personas.am_a)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.data["count"] == 8


def test_retrieve_answers_in_a_constant_number_of_queries(
    api, personas, stock, django_assert_max_num_queries
):
    order = services.order_submit(
        user=personas.cu_a1,
        data={
            "outlet": personas.outlet_a1,
            "lines": [{"sku": personas.sku, "quantity": 1}],
        },
    )
    client = api.as_(personas.am_a)
    with django_assert_max_num_queries(10):
        response = client.get(f"{URL}{order.number}/")
    assert response.status_code == 200


def test_actions_take_each_step_and_answer_the_order_with_its_etag(
    api, personas, make_order, stock
):
    order = make_order()
    number = order.number
    steps = [
        ("am_a", "confirm", "confirmed"),
        ("bm_a", "allocate", "allocated"),
        ("bm_a", "ship", "shipped"),
        ("cu_a1", "deliver", "delivered"),
        ("am_a", "close", "closed"),
    ]
    for version, (role, action, status) in enumerate(steps, start=1):
        response = api.as_(getattr(personas, role)).post(
            f"{URL}{number}/{action}/",
            {"message": "ok"},
            format="json",
            HTTP_IF_MATCH=f'"{version}"',
        )
        assert response.status_code == 200, (action, response.data)
        assert response.data["status"] == status
        assert response["ETag"] == f'"{version + 1}"'
    timeline = api.as_(personas.cu_a1).get(f"{URL}{number}/timeline/")
    assert [e["to_status"] for e in timeline.data] == [
        "submitted", "confirmed", "allocated", "shipped", "delivered", "closed",
    ]  # fmt: skip
    history = api.as_(personas.am_a).get(f"{URL}{number}/history/")
    assert history.status_code == 200 and history.data[-1]["type"] == "created"


def test_illegal_steps_answer_409_with_the_reason(api, personas, make_order, stock):
    order = make_order()
    response = api.as_(personas.bm_a).post(f"{URL}{order.number}/ship/", {}, format="json")
    assert response.status_code == 409
    assert order.number in response.data["detail"]
    response = api.as_(personas.cu_a1).post(f"{URL}{order.number}/confirm/", {}, format="json")
    assert response.status_code == 409
    assert response.data["detail"] == "Only our staff confirm orders."
    assert Order.objects.get(pk=order.pk).version == 1


def test_stale_if_match_is_412(api, personas, make_order, stock):
    order = make_order()
    response = api.as_(personas.am_a).post(
        f"{URL}{order.number}/confirm/", {}, format="json", HTTP_IF_MATCH='"9"'
    )
    assert response.status_code == 412


def test_cancel_needs_a_reason_and_releases_stock(api, personas, make_order, stock):
    order = make_order(quantity=5)
    client = api.as_(personas.cu_a1)
    assert client.post(f"{URL}{order.number}/cancel/", {}, format="json").status_code == 400
    response = client.post(f"{URL}{order.number}/cancel/", {"reason": "下错单"}, format="json")
    assert response.status_code == 200
    assert (response.data["status"], response.data["cancel_reason"]) == ("cancelled", "下错单")
    stock.refresh_from_db()
    assert stock.reserved == 10


def test_timeline_hides_staff_notes_from_customer_users(api, personas, make_order, stock):
    order = make_order()
    response = api.as_(personas.am_a).post(
        f"{URL}{order.number}/note/",
        {"message": "内部：客户信用偏紧", "visible_to_customer": False},
        format="json",
    )
    assert response.status_code == 201
    staff = api.as_(personas.am_a).get(f"{URL}{order.number}/timeline/").data
    customer = api.as_(personas.cu_a1).get(f"{URL}{order.number}/timeline/").data
    assert len(staff) == 2 and len(customer) == 1
    assert all(e["visible_to_customer"] for e in customer)


def test_out_of_scope_orders_are_404_and_read_only_viewers_403(api, personas, make_order, stock):
    order = make_order()
    assert api.as_(personas.cu_b1).get(f"{URL}{order.number}/").status_code == 404
    assert api.as_(personas.am_b).post(f"{URL}{order.number}/confirm/").status_code == 404
    assert api.as_(personas.pm).get(f"{URL}{order.number}/").status_code == 200
    assert api.as_(personas.pm).post(f"{URL}{order.number}/confirm/").status_code == 403
    assert api.as_(personas.am_a).get(f"{URL}SO99999999/").status_code == 404
    assert api.as_(personas.am_a).get(f"{URL}SO\x00/").status_code == 404


def test_orders_cannot_be_edited_or_deleted_through_the_api(api, personas, make_order, stock):
    order = make_order()
    client = api.as_(personas.hq)
    assert client.patch(f"{URL}{order.number}/", {"note": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{order.number}/").status_code == 405


def test_order_status_values_are_the_documented_ones():
    assert [s.value for s in OrderStatus] == [
        "submitted", "confirmed", "allocated", "shipped", "delivered", "closed", "cancelled",
    ]  # fmt: skip
