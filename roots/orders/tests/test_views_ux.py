"""The order and custom-order pages after the December 2026 review: bulk actions on the desk,
the desk's tabs (D16, D17), the builder for staff (D19), its submit rules (D29) and phone
layout (D30), distinct custom-order labels (D6), one-round validation (D8), ISO date inputs
(D22), the demand total (D23), the confirmation of irreversible steps (D11) and the
custom-order list export."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from conftest import shared_personas
from roots.customers.models import Customer
from roots.orders import services
from roots.orders.models import CustomOrderStatus, Order, OrderStatus
from roots.orders.tests.conftest import advance
from roots.orders.tests.conftest import logged_in as _client
from roots.orders.tests.conftest import xlsx_texts as _xlsx_texts
from roots.orders.tests.test_custom_support import quoted, requested

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _status(order: Order) -> str:
    return Order.objects.get(pk=order.pk).status


# --- bulk actions on the desk -------------------------------------------------------------------
def test_bulk_confirm_takes_each_selected_order_through_the_service(personas, make_order, stock):
    first, second = make_order(), make_order()
    response = _client(personas.am_a).post(
        "/orders/desk/bulk/",
        {"tab": "confirm", "order": [f"{first.number}@{first.version}", second.number]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="bulk-done"' in html and first.number in html and second.number in html
    assert 'data-testid="bulk-failed"' not in html
    assert _status(first) == _status(second) == OrderStatus.CONFIRMED
    # Each order has its own timeline event, as a one-click confirmation gives.
    assert Order.objects.get(pk=first.pk).events.filter(to_status="confirmed").count() == 1


def test_bulk_reports_each_refusal_and_keeps_the_orders_that_succeeded(personas, make_order, stock):
    good = make_order()
    stale = make_order()
    gone = advance(make_order(), personas.am_a, "confirm")  # no longer waits for confirmation
    other_branch = services.order_submit(
        user=personas.cu_b1,
        data={"outlet": personas.outlet_b1, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    response = _client(personas.am_a).post(
        "/orders/desk/bulk/",
        {
            "tab": "confirm",
            "order": [
                f"{good.number}@{good.version}",
                f"{stale.number}@{stale.version + 5}",
                f"{gone.number}@{gone.version}",
                f"{other_branch.number}@{other_branch.version}",
            ],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="bulk-failed"' in html
    failed = html.split('data-testid="bulk-failed"', 1)[1]
    assert stale.number in failed and gone.number in failed and other_branch.number in failed
    assert "No such order in your scope." in failed
    assert _status(good) == OrderStatus.CONFIRMED
    assert _status(stale) == OrderStatus.SUBMITTED
    assert _status(other_branch) == OrderStatus.SUBMITTED


def test_bulk_allocate_and_ship_are_for_the_branch_manager(personas, make_order, stock):
    order = advance(make_order(), personas.hq, "confirm")
    am = _client(personas.am_a)
    page = am.get("/orders/desk/", {"tab": "allocate"}).content.decode()
    assert 'data-testid="bulk-allocate"' not in page
    assert f'data-testid="desk-select-{order.number}"' not in page
    refused = am.post("/orders/desk/bulk/", {"tab": "allocate", "order": [order.number]})
    assert refused.status_code == 403 and _status(order) == OrderStatus.CONFIRMED

    bm = _client(personas.bm_a)
    page = bm.get("/orders/desk/", {"tab": "allocate"}).content.decode()
    assert 'data-testid="bulk-allocate"' in page
    assert f'data-testid="desk-select-{order.number}"' in page
    assert (
        bm.post("/orders/desk/bulk/", {"tab": "allocate", "order": [order.number]}).status_code
        == 200
    )
    assert _status(order) == OrderStatus.ALLOCATED
    assert (
        bm.post("/orders/desk/bulk/", {"tab": "ship", "order": [order.number]}).status_code == 200
    )
    assert _status(order) == OrderStatus.SHIPPED


def test_bulk_without_a_selection_or_tab_is_a_400_never_a_500(personas, make_order, stock):
    make_order()
    client = _client(personas.am_a)
    empty = client.post("/orders/desk/bulk/", {"tab": "confirm"})
    assert empty.status_code == 400 and "Select at least one order." in empty.content.decode()
    assert client.post("/orders/desk/bulk/", {"tab": "transit", "order": ["x"]}).status_code == 400
    junk = client.post("/orders/desk/bulk/", {"tab": "confirm", "order": ["@@", "SO9@x"]})
    assert junk.status_code == 200 and "No such order in your scope." in junk.content.decode()
    assert client.get("/orders/desk/bulk/").status_code == 405


def test_bulk_is_for_desk_roles_only(personas, make_order, stock):
    order = make_order()
    for role in ("cu_a1", "pm", "agent"):
        response = _client(getattr(personas, role)).post(
            "/orders/desk/bulk/", {"tab": "confirm", "order": [order.number]}
        )
        assert response.status_code == 403, role
    assert _status(order) == OrderStatus.SUBMITTED


# --- the desk's tabs (D16, D17) -----------------------------------------------------------------
def test_desk_opens_on_the_first_tab_with_work(personas, make_order, stock):
    order = advance(make_order(), personas.hq, "confirm")
    html = _client(personas.bm_a).get("/orders/desk/").content.decode()
    assert 'data-testid="desk-tab-allocate"' in html
    active = html.split('class="nav-link active"', 1)[1][:400]
    assert "tab=allocate" in active
    assert f'data-testid="desk-row-{order.number}"' in html
    # A tab asked for by name stays, even empty.
    html = _client(personas.bm_a).get("/orders/desk/", {"tab": "confirm"}).content.decode()
    assert "tab=confirm" in html.split('class="nav-link active"', 1)[1][:400]


def test_after_the_last_action_of_a_tab_the_desk_moves_to_a_tab_with_work(
    personas, make_order, stock
):
    waiting = advance(make_order(), personas.hq, "confirm")
    last = make_order()
    response = _client(personas.bm_a).post(
        f"/orders/{last.number}/confirm/",
        {"version": last.version, "from": "desk", "tab": "confirm"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "tab=allocate" in html.split('class="nav-link active"', 1)[1][:400]
    assert f'data-testid="desk-row-{waiting.number}"' in html
    assert response["HX-Replace-Url"] == "/orders/desk/?tab=allocate"


def test_the_desk_does_not_send_an_account_manager_to_steps_they_cannot_take(
    personas, make_order, stock
):
    advance(make_order(), personas.hq, "confirm")  # waits for allocation (branch manager)
    shipped = advance(make_order(), personas.hq, "confirm", "allocate", "ship")
    html = _client(personas.am_a).get("/orders/desk/").content.decode()
    assert "tab=transit" in html.split('class="nav-link active"', 1)[1][:400]
    assert f'data-testid="desk-deliver-{shipped.number}"' in html


def test_after_an_action_the_desk_stays_on_a_tab_that_still_has_work(personas, make_order, stock):
    first, second = make_order(), make_order()
    response = _client(personas.am_a).post(
        f"/orders/{first.number}/confirm/",
        {"version": first.version, "from": "desk", "tab": "confirm"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "tab=confirm" in html.split('class="nav-link active"', 1)[1][:400]
    assert f'data-testid="desk-row-{second.number}"' in html


def test_desk_column_says_requested_delivery_date(personas, make_order, stock):
    make_order(requested_date=timezone.localdate() + timedelta(days=3))
    html = _client(personas.am_a).get("/orders/desk/").content.decode()
    assert "<th>Requested delivery date</th>" in html
    assert "<th>Requested</th>" not in html


# --- the builder (D19, D29, D30) ----------------------------------------------------------------
def test_staff_building_an_order_see_customer_price_and_reference(personas, stock):
    client = _client(personas.am_a)
    page = client.get("/orders/new/", {"customer": personas.cust_a1.code}).content.decode()
    assert "Customer reference" in page and "Your reference" not in page
    products = client.get(
        "/orders/new/products/", {"customer": personas.cust_a1.code}
    ).content.decode()
    assert "Customer price" in products and "Your price" not in products
    own = _client(personas.cu_a1).get("/orders/new/products/").content.decode()
    assert "Your price" in own and "Customer price" not in own


def test_submit_is_disabled_with_the_reason_while_a_line_exceeds_stock(personas, stock):
    html = (
        _client(personas.cu_a1)
        .post("/orders/new/cart/", {"sku": [personas.sku.code], "quantity": ["95"]})
        .content.decode()
    )
    button = html.split('data-testid="submit-order"', 1)[0].rsplit("<button", 1)[1]
    assert "disabled" in button
    assert 'data-testid="submit-blocked"' in html and "more than is in stock" in html


def test_submit_is_disabled_with_the_reason_while_the_total_exceeds_credit(personas, stock):
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("3000"))
    html = (
        _client(personas.cu_a1)
        .post("/orders/new/cart/", {"sku": [personas.sku.code], "quantity": ["2"]})
        .content.decode()
    )
    button = html.split('data-testid="submit-order"', 1)[0].rsplit("<button", 1)[1]
    assert "disabled" in button
    assert "more than your available credit" in html.split('data-testid="submit-blocked"')[1]
    staff = (
        _client(personas.am_a)
        .post(
            "/orders/new/cart/",
            {"customer": personas.cust_a1.code, "sku": [personas.sku.code], "quantity": ["2"]},
        )
        .content.decode()
    )
    assert "more than the customer&#x27;s available credit" in staff


def test_submit_is_enabled_for_a_valid_cart_and_the_phone_bar_follows(personas, stock):
    html = (
        _client(personas.cu_a1)
        .post("/orders/new/cart/", {"sku": [personas.sku.code], "quantity": ["2"]})
        .content.decode()
    )
    button = html.split('data-testid="submit-order"', 1)[0].rsplit("<button", 1)[1]
    assert "disabled" not in button
    assert 'data-testid="submit-blocked"' not in html
    bar = html.split('data-testid="cart-bar"', 1)[1]
    assert "4,998.00" in bar and 'data-testid="cart-bar-submit"' in bar


def test_builder_products_collapse_to_card_rows_on_phones(personas, stock):
    html = _client(personas.cu_a1).get("/orders/new/products/").content.decode()
    assert "roots-card-rows" in html and 'data-label="Your price"' in html


# --- D11: irreversible steps ask in a styled modal ---------------------------------------------
def test_cancel_and_accept_forms_ask_for_confirmation_in_the_modal(personas, make_order, stock):
    order = make_order()
    html = _client(personas.am_a).get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="confirm-modal"' in html
    cancel_form = html.split(f'action="/orders/{order.number}/cancel/"', 1)[1][:300]
    assert "data-confirm=" in cancel_form
    personas.cust_a1.credit_limit = 10**9
    personas.cust_a1.save()
    custom = quoted(personas)
    html = _client(personas.cu_a1).get(f"/custom-orders/{custom.number}/").content.decode()
    accept_form = html.split(f'action="/custom-orders/{custom.number}/accept/"', 1)[1][:300]
    assert "data-confirm=" in accept_form and 'data-confirm-tone="primary"' in accept_form


# --- custom orders (D6, D8, D22, D23, export) ---------------------------------------------------
def test_declined_and_rejected_have_distinct_labels_in_every_language():
    for language in ("en", "zh-hans", "es"):
        with translation.override(language):
            labels = [str(label) for _value, label in CustomOrderStatus.choices]
            assert len(set(labels)) == len(labels), (language, labels)
    assert str(CustomOrderStatus.DECLINED.label) == "Request declined"
    assert str(CustomOrderStatus.REJECTED.label) == "Quote rejected"


def test_custom_order_form_reports_every_problem_in_one_round(personas):
    response = _client(personas.cu_a1).post(
        "/custom-orders/new/",
        {
            "outlet": personas.outlet_a1.code,
            "title": "容量错了",
            "category": "",
            "capacity_min": "500",
            "capacity_max": "100",
            "quantity": "0",
            "wanted_date": "2020-01-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "upper capacity must not be below the lower one" in html
    assert "wanted date cannot be in the past" in html
    assert "Ensure this value is greater than or equal to 1" in html  # the quantity
    assert "This field is required." in html  # the category


def test_quote_form_reports_a_past_validity_with_the_price_error(personas):
    custom = requested(personas)
    response = _client(personas.pm).post(
        f"/custom-orders/{custom.number}/quote/",
        {
            "version": custom.version,
            "quoted_price": "-10",
            "quoted_lead_days": "14",
            "quote_valid_until": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "valid until a day in the past" in html
    assert "greater than or equal to 0.01" in html


def test_quote_form_prefills_the_validity_as_an_iso_date_in_chinese(personas, settings):
    custom = quoted(personas)
    settings.LANGUAGE_CODE = "zh-hans"
    client = _client(personas.pm)
    with translation.override("zh-hans"):
        html = client.get(
            f"/custom-orders/{custom.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    field = html.split('name="quote_valid_until"', 1)[1][:200]
    assert f'value="{custom.quote_valid_until.isoformat()}"' in field


def test_demand_total_row_is_labelled_total(personas):
    requested(personas)
    html = _client(personas.pm).get("/custom-orders/demand/").content.decode()
    assert 'data-testid="demand-total"><td colspan="2">Total</td>' in html
    assert "Request declined" in html and "Quote rejected" in html


def test_custom_order_list_exports_the_filtered_scoped_rows(personas):
    personas.cust_a1.credit_limit = 10**9
    personas.cust_a1.save()
    asked = requested(personas, title="要导出的冰箱")
    offer = quoted(personas)
    other = requested(personas, user=personas.cu_b1, outlet=personas.outlet_b1)
    response = _client(personas.am_a).get("/custom-orders/export/", {"status": "requested"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    texts = _xlsx_texts(response.content)
    assert asked.number in texts and "要导出的冰箱" in texts
    assert offer.number not in texts and other.number not in texts
    own = _xlsx_texts(_client(personas.cu_a1).get("/custom-orders/export/").content)
    assert asked.number in own and offer.number in own and other.number not in own
    assert personas.cust_a1.name not in own  # a customer's own export has no customer column
    assert _client(personas.agent).get("/custom-orders/export/").status_code == 403
    html = _client(personas.am_a).get("/custom-orders/").content.decode()
    assert 'href="/custom-orders/export/' in html


def test_order_export_keeps_a_formula_like_reference_as_text(personas, make_order, stock):
    make_order(customer_reference="=1+2")
    texts = _xlsx_texts(_client(personas.cu_a1).get("/orders/export/").content)
    assert "=1+2" in texts
