"""Order pages: list, export, builder (cart, submit, inline errors), order page and its
actions, the order desk (htmx one-click actions with CSRF), query counts."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client

from conftest import shared_personas
from roots.customers.models import Customer
from roots.orders import services
from roots.orders.models import Order, OrderStatus
from roots.orders.tests.conftest import advance
from roots.orders.tests.conftest import logged_in as _client
from roots.orders.tests.conftest import xlsx_texts as _xlsx_texts

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- list and export -----------------------------------------------------------------------
def test_order_list_shows_the_orders_with_status_and_total(personas, make_order, stock):
    order = make_order(customer_reference="PO-778")
    html = _client(personas.cu_a1).get("/orders/").content.decode()
    assert order.number in html and "PO-778" in html and "4,998.00" in html
    assert 'data-testid="new-order"' in html


def test_order_list_filters_and_searches_by_htmx(personas, make_order, stock):
    a = make_order(customer_reference="SPRING")
    b = advance(make_order(), personas.am_a, "confirm")
    client = _client(personas.am_a)
    response = client.get("/orders/", {"status": "confirmed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html  # the table only
    assert b.number in html and a.number not in html
    html = client.get("/orders/", {"q": "spring"}).content.decode()
    assert a.number in html and b.number not in html


def test_order_list_costs_a_constant_number_of_queries(
    personas, make_order, stock, django_assert_max_num_queries
):
    for _ in range(6):
        make_order(quantity=1)
    client = _client(personas.am_a)
    client.get("/orders/")  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = client.get("/orders/")
    assert response.status_code == 200


def test_export_is_an_xlsx_of_the_filtered_orders(personas, make_order, stock):
    a = make_order()
    b = advance(make_order(), personas.am_a, "confirm")
    response = _client(personas.am_a).get("/orders/export/", {"status": "confirmed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    texts = _xlsx_texts(response.content)
    assert b.number in texts and a.number not in texts


@pytest.mark.parametrize("role", ["agent", "engineer", "su"])
def test_roles_without_orders_are_turned_away_from_the_lists(personas, role):
    client = _client(getattr(personas, role))
    assert client.get("/orders/").status_code == 403
    assert client.get("/orders/export/").status_code == 403


# --- the builder ---------------------------------------------------------------------------
def test_builder_shows_outlets_credit_and_finds_products_with_your_price(personas, stock):
    client = _client(personas.cu_a1)
    html = client.get("/orders/new/").content.decode()
    assert personas.outlet_a1.code in html and personas.outlet_b1.code not in html
    assert 'data-testid="available-credit"' in html
    response = client.get("/orders/new/products/", {"q": "bcd216"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert personas.sku.code in html and "2,499.00" in html  # A1's own price
    assert f'data-testid="add-{personas.sku.code}"' in html
    # Pinyin initials find the fridge too (海尔 ... 冰箱: bx).
    assert personas.sku.code in client.get("/orders/new/products/", {"q": "bx"}).content.decode()


def test_cart_adds_updates_and_removes_lines_and_keeps_a_running_total(personas, stock):
    client = _client(personas.cu_a1)
    url = "/orders/new/cart/"
    html = client.post(url, {"add": personas.sku.code}).content.decode()
    assert 'data-testid="cart-total">¥2,499.00' in html
    html = client.post(url, {"sku": [personas.sku.code], "quantity": ["3"]}).content.decode()
    assert "¥7,497.00" in html
    html = client.post(url, {"sku": [personas.sku.code], "quantity": ["95"]}).content.decode()
    assert 'data-testid="line-warning"' in html  # only 90 available
    html = client.post(
        url, {"sku": [personas.sku.code], "quantity": ["3"], "remove": personas.sku.code}
    ).content.decode()
    assert "Nothing in the order yet" in html


def test_cart_warns_before_the_credit_is_exceeded(personas, stock):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("3000"))
    html = (
        _client(personas.cu_a1)
        .post("/orders/new/cart/", {"sku": [personas.sku.code], "quantity": ["2"]})
        .content.decode()
    )
    assert 'data-testid="credit-warning"' in html


def test_submitting_the_builder_places_the_order(personas, stock):
    response = _client(personas.cu_a1).post(
        "/orders/new/",
        {
            "outlet": personas.outlet_a1.code,
            "customer_reference": "WEB-1",
            "sku": [personas.sku.code],
            "quantity": ["4"],
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    assert (order.customer_reference, order.total) == ("WEB-1", Decimal("9996.00"))


def test_builder_shows_stock_and_credit_problems_inline(personas, stock):
    client = _client(personas.cu_a1)
    response = client.post(
        "/orders/new/",
        {"outlet": personas.outlet_a1.code, "sku": [personas.sku.code], "quantity": ["500"]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="line-error"' in html and "only 90 available" in html
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("1000"))
    response = client.post(
        "/orders/new/",
        {"outlet": personas.outlet_a1.code, "sku": [personas.sku.code], "quantity": ["1"]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="credit-error"' in html and "¥2,499.00" in html
    # The lines stay in the cart to be corrected.
    assert f'data-testid="cart-line-{personas.sku.code}"' in html
    assert not Order.objects.exists()


def test_builder_requires_an_outlet(personas, stock):
    response = _client(personas.cu_a1).post(
        "/orders/new/", {"sku": [personas.sku.code], "quantity": ["1"]}
    )
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not Order.objects.exists()


def test_staff_choose_a_customer_then_build_its_order(personas, stock):
    client = _client(personas.am_a)
    html = client.get("/orders/new/").content.decode()
    assert 'data-testid="customer-picker"' in html
    assert "C100001" in html and "C100002" not in html  # am_a2's customer
    assert client.get("/orders/new/", {"customer": "C100002"}).status_code == 404
    html = client.get("/orders/new/", {"customer": "C100001"}).content.decode()
    assert personas.outlet_a1.code in html
    response = client.post(
        "/orders/new/?customer=C100001",
        {"outlet": personas.outlet_a1.code, "sku": [personas.sku.code], "quantity": ["1"]},
    )
    assert response.status_code == 302
    assert Order.objects.get().placed_by == personas.am_a


def test_builder_is_403_for_roles_that_do_not_order(personas):
    for role in ("pm", "agent", "engineer", "su"):
        assert _client(getattr(personas, role)).get("/orders/new/").status_code == 403


def test_builder_product_search_costs_a_constant_number_of_queries(
    personas, stock, django_assert_max_num_queries
):
    from roots.catalog.tests.factories import SkuFactory, StockLevelFactory

    for n in range(10):
        sku = SkuFactory.create(code=f"BCD-9{n:02d}-W", product_model=personas.sku.product_model)
        StockLevelFactory.create(sku=sku, warehouse=stock.warehouse)
    client = _client(personas.cu_a1)
    client.get("/orders/new/products/")
    with django_assert_max_num_queries(14):
        response = client.get("/orders/new/products/", {"q": "bcd"})
    assert response.content.decode().count('data-testid="add-') == 11


# --- an order ------------------------------------------------------------------------------
def test_order_page_shows_lines_stepper_timeline_and_the_callers_actions(
    personas, make_order, stock
):
    order = make_order(quantity=3)
    html = _client(personas.am_a).get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="status-stepper"' in html and 'data-testid="timeline"' in html
    assert personas.sku.code in html and "7,497.00" in html
    assert 'data-testid="allocations"' in html
    assert 'data-testid="action-confirm"' in html and 'data-testid="action-cancel"' in html
    customer_html = _client(personas.cu_a1).get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="action-confirm"' not in customer_html
    assert 'data-testid="action-cancel"' in customer_html
    pm_html = _client(personas.pm).get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="action-' not in pm_html


def test_order_page_costs_a_constant_number_of_queries(
    personas, make_order, stock, django_assert_max_num_queries
):
    order = advance(make_order(), personas.hq, "confirm", "allocate")
    client = _client(personas.am_a)
    with django_assert_max_num_queries(16):
        assert client.get(f"/orders/{order.number}/").status_code == 200


def test_buttons_take_the_steps_and_report_them(personas, make_order, stock):
    order = make_order()
    client = _client(personas.am_a)
    response = client.post(f"/orders/{order.number}/confirm/", {"version": order.version})
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert "is now confirmed" in page


def test_an_illegal_step_on_the_page_is_reported_and_changes_nothing(personas, make_order, stock):
    order = make_order()
    client = _client(personas.cu_a1)
    response = client.post(f"/orders/{order.number}/confirm/", {"version": order.version})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Only our staff confirm orders." in page
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED


def test_cancel_from_the_page_needs_a_reason(personas, make_order, stock):
    order = make_order()
    client = _client(personas.cu_a1)
    client.post(f"/orders/{order.number}/cancel/", {"version": order.version, "reason": ""})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED
    client.post(f"/orders/{order.number}/cancel/", {"version": order.version, "reason": "重复"})
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "重复")
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="cancelled-alert"' in html and "重复" in html


def test_notes_from_the_page(personas, make_order, stock):
    order = make_order()
    _client(personas.am_a).post(
        f"/orders/{order.number}/note/", {"message": "只给员工看", "staff_only": "on"}
    )
    _client(personas.cu_a1).post(f"/orders/{order.number}/note/", {"message": "周一送"})
    staff = _client(personas.am_a).get(f"/orders/{order.number}/").content.decode()
    customer = _client(personas.cu_a1).get(f"/orders/{order.number}/").content.decode()
    assert "只给员工看" in staff and "周一送" in staff
    assert "只给员工看" not in customer and "周一送" in customer


def test_order_actions_out_of_scope_are_404_and_for_viewers_403(personas, make_order, stock):
    order = make_order()
    assert _client(personas.cu_b1).post(f"/orders/{order.number}/cancel/").status_code == 404
    assert _client(personas.am_b).post(f"/orders/{order.number}/confirm/").status_code == 404
    assert _client(personas.pm).post(f"/orders/{order.number}/confirm/").status_code == 403
    assert _client(personas.am_a).post(f"/orders/{order.number}/explode/").status_code == 404
    assert _client(personas.am_a).get(f"/orders/{order.number}/confirm/").status_code == 405


def test_action_posts_need_the_csrf_token(personas, make_order, stock):
    order = make_order()
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.am_a)
    response = client.post(f"/orders/{order.number}/confirm/", {"version": order.version})
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED


# --- the desk ------------------------------------------------------------------------------
def test_desk_tabs_count_what_waits_in_scope(personas, make_order, stock):
    make_order()
    make_order()
    advance(make_order(), personas.hq, "confirm")
    advance(make_order(), personas.hq, "confirm", "allocate", "ship")
    services.order_submit(
        user=personas.cu_b1,
        data={"outlet": personas.outlet_b1, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    html = _client(personas.am_a).get("/orders/desk/").content.decode()
    assert 'data-testid="desk-count-confirm">2<' in html
    assert 'data-testid="desk-count-allocate">1<' in html
    assert 'data-testid="desk-count-ship">0<' in html
    assert 'data-testid="desk-count-transit">1<' in html
    html = _client(personas.hq).get("/orders/desk/").content.decode()
    assert 'data-testid="desk-count-confirm">3<' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_desk_one_click_action_by_htmx(personas, make_order, stock):
    order = make_order()
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.am_a)
    page = client.get("/orders/desk/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        f"/orders/{order.number}/confirm/",
        {"version": order.version, "from": "desk", "tab": "confirm"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "is now confirmed" in html
    assert 'data-testid="desk-count-confirm">0<' in html
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED


def test_desk_shows_only_the_buttons_the_role_may_use(personas, make_order, stock):
    order = advance(make_order(), personas.hq, "confirm")
    am = _client(personas.am_a).get("/orders/desk/", {"tab": "allocate"}).content.decode()
    bm = _client(personas.bm_a).get("/orders/desk/", {"tab": "allocate"}).content.decode()
    assert f'data-testid="desk-allocate-{order.number}"' not in am
    assert f'data-testid="desk-allocate-{order.number}"' in bm


def test_desk_is_for_account_managers_branch_managers_and_hq(personas):
    for role, status in (("am_a", 200), ("bm_b", 200), ("hq", 200), ("pm", 403),
                         ("cu_a1", 403), ("agent", 403), ("su", 403)):  # fmt: skip
        assert _client(getattr(personas, role)).get("/orders/desk/").status_code == status, role


def test_desk_costs_a_constant_number_of_queries(
    personas, make_order, stock, django_assert_max_num_queries
):
    for _ in range(6):
        make_order(quantity=1)
    client = _client(personas.bm_a)
    client.get("/orders/desk/")
    with django_assert_max_num_queries(14):
        assert client.get("/orders/desk/").status_code == 200


def test_export_streams_every_order_in_scope(personas, make_order, stock):
    for _ in range(3):
        make_order(quantity=1)
    content = _client(personas.cu_a1).get("/orders/export/").content
    assert len([t for t in _xlsx_texts(content) if t.startswith("SO")]) == 3
    assert io.BytesIO(content).read(2) == b"PK"


def test_admin_shows_orders_read_only(personas, make_order, stock, admin_client):
    order = make_order()
    assert admin_client.get("/admin/orders/order/").status_code == 200
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    assert page.status_code == 200 and order.number in page.content.decode()
    assert admin_client.get("/admin/orders/order/add/").status_code == 403
    assert admin_client.get("/admin/orders/orderevent/").status_code == 200
    assert admin_client.get("/admin/orders/customorder/").status_code == 200
    assert admin_client.get("/admin/catalog/promotion/").status_code == 200
