"""The review's order fixes in a real browser (Chromium, Chinese): the builder's submit button
follows the cart (D29) and its phone bar (D30), irreversible steps ask in a styled modal and
desk quick actions stay one click (D11), bulk actions on the desk, and the quote form's
prefilled validity (D22). Screenshots go to test-artifacts/e2e/orders-ux-*.png."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.catalog.models import StockLevel
from roots.orders import services
from roots.orders.models import Order
from roots.orders.tests.test_custom_support import custom_model, quoted

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def as_user(browser: Browser, live_server):
    """`as_user("bm_a", width=390)` opens a signed-in browser context in Chinese; no console
    error (a CSP violation, a failing script) and no native dialog may show in any of them."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(username: str, *, width: int = 1440, height: int = 900) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        # window.confirm() is gone (D11): a native dialog is a failure.
        def refuse(dialog: Any) -> None:
            errors.append("dialog: " + dialog.message)
            dialog.dismiss()

        page.on("dialog", refuse)
        page.goto(live_server.url + "/account/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=login-submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def stocked(personas):
    """90 units of the persona SKU available; a credit limit that allows a few units."""
    StockLevel.objects.filter(sku=personas.sku, warehouse__code="WH-BA-1").update(
        on_hand=100, reserved=10
    )
    personas.cust_a1.credit_limit = Decimal("20000")
    personas.cust_a1.save()
    return personas


def _submit(page: Page):
    return page.locator("[data-testid=submit-order]")


def test_builder_submit_follows_the_cart_and_says_why(
    stocked, live_server, transactional_db, as_user, shoot
):
    sku = stocked.sku.code
    page = as_user("cu_a1")
    page.goto(live_server.url + "/orders/new/")
    page.select_option("select[name=outlet]", stocked.outlet_a1.code)
    page.click(f"[data-testid=add-{sku}]")
    expect(page.locator(f"[data-testid=cart-line-{sku}]")).to_be_visible()
    expect(_submit(page)).to_be_enabled()

    # More than is in stock (90): disabled, with the reason.
    page.fill(f"[data-testid=qty-{sku}]", "95")
    page.locator(f"[data-testid=qty-{sku}]").dispatch_event("change")
    expect(page.locator("[data-testid=submit-blocked]")).to_be_visible()
    expect(_submit(page)).to_be_disabled()

    # Within stock but over the credit (20,000 at 2,499 a unit): still disabled.
    page.fill(f"[data-testid=qty-{sku}]", "9")
    page.locator(f"[data-testid=qty-{sku}]").dispatch_event("change")
    expect(page.locator("[data-testid=credit-warning]")).to_be_visible()
    expect(_submit(page)).to_be_disabled()
    shoot(page, "orders-ux-builder-1440-blocked", full_page=True)

    # A cart that can be ordered: enabled again, and it submits.
    page.fill(f"[data-testid=qty-{sku}]", "3")
    page.locator(f"[data-testid=qty-{sku}]").dispatch_event("change")
    expect(page.locator("[data-testid=submit-blocked]")).to_have_count(0)
    expect(_submit(page)).to_be_enabled()
    shoot(page, "orders-ux-builder-1440")
    _submit(page).click()
    page.wait_for_url("**/orders/SO*/")
    assert Order.objects.get().lines.get().quantity == 3


def test_builder_on_a_phone_has_a_bottom_bar(
    stocked, live_server, transactional_db, as_user, shoot
):
    sku = stocked.sku.code
    page = as_user("cu_a1", width=390, height=844)
    page.goto(live_server.url + "/orders/new/")
    page.click(f"[data-testid=add-{sku}]")
    bar = page.locator("[data-testid=cart-bar]")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("2,499.00")
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844 + 1  # on screen, at the bottom
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "orders-ux-builder-390")
    services.order_submit(
        user=stocked.cu_a1,
        data={"outlet": stocked.outlet_a1, "lines": [{"sku": stocked.sku, "quantity": 2}]},
    )
    custom_model()
    quoted(stocked)
    page.goto(live_server.url + "/portal/")
    expect(page.locator("[data-testid=portal-custom-orders] .roots-card-rows")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "orders-ux-portal-390", full_page=True)


def test_cancel_asks_in_a_modal_and_desk_actions_stay_one_click(
    stocked, live_server, transactional_db, as_user, shoot
):
    def order() -> Order:
        return services.order_submit(
            user=stocked.cu_a1,
            data={"outlet": stocked.outlet_a1, "lines": [{"sku": stocked.sku, "quantity": 1}]},
        )

    to_cancel, to_confirm = order(), order()
    page = as_user("am_a")
    page.goto(live_server.url + f"/orders/{to_cancel.number}/")
    page.click("[data-testid=action-cancel]")
    page.fill("[data-testid=cancel-reason]", "客户重复下单")
    page.click("[data-testid=confirm-cancel]")
    modal = page.locator("[data-testid=confirm-modal]")
    expect(modal).to_be_visible()
    expect(modal).to_contain_text(to_cancel.number)
    shoot(page, "orders-ux-cancel-modal")
    page.click("[data-testid=confirm-modal-cancel]")  # go back: nothing happens
    expect(modal).to_be_hidden()
    to_cancel.refresh_from_db()
    assert to_cancel.status == "submitted"
    page.click("[data-testid=confirm-cancel]")
    expect(modal).to_be_visible()
    page.click("[data-testid=confirm-modal-ok]")
    expect(page.locator("[data-testid=cancelled-alert]")).to_be_visible()
    to_cancel.refresh_from_db()
    assert to_cancel.status == "cancelled"

    # The desk's quick action is still one click, no modal.
    page.goto(live_server.url + "/orders/desk/")
    page.click(f"[data-testid=desk-confirm-{to_confirm.number}]")
    expect(page.locator(f"[data-testid=desk-confirm-{to_confirm.number}]")).to_have_count(0)
    expect(page.locator("[data-testid=confirm-modal]")).to_be_hidden()
    to_confirm.refresh_from_db()
    assert to_confirm.status == "confirmed"


def test_bulk_confirm_from_the_desk(stocked, live_server, transactional_db, as_user, shoot):
    stocked.cust_a1.credit_limit = Decimal("10000000")
    stocked.cust_a1.save()
    orders = [
        services.order_submit(
            user=stocked.cu_a1,
            data={"outlet": stocked.outlet_a1, "lines": [{"sku": stocked.sku, "quantity": q}]},
        )
        for q in (1, 2, 3)
    ]
    page = as_user("bm_a")
    page.goto(live_server.url + "/orders/desk/")
    bulk = page.locator("[data-testid=bulk-confirm]")
    expect(bulk).to_be_disabled()  # nothing selected yet
    page.check("[data-testid=desk-select-all]")
    expect(bulk).to_be_enabled()
    page.uncheck(f"[data-testid=desk-select-{orders[2].number}]")
    shoot(page, "orders-ux-desk-bulk")
    bulk.click()
    expect(page.locator("[data-testid=bulk-done]")).to_contain_text(orders[0].number)
    statuses = {o.number: o.status for o in Order.objects.all()}
    assert statuses == {
        orders[0].number: "confirmed",
        orders[1].number: "confirmed",
        orders[2].number: "submitted",
    }
    shoot(page, "orders-ux-desk-bulk-done")


def test_quote_form_shows_the_current_validity(
    personas, live_server, transactional_db, as_user, shoot
):
    custom_model()
    personas.cust_a1.credit_limit = Decimal("10000000")
    personas.cust_a1.save()
    custom = quoted(personas)
    page = as_user("pm")
    page.goto(live_server.url + f"/custom-orders/{custom.number}/")
    field = page.locator("input[name=quote_valid_until]")
    expect(field).to_have_value(custom.quote_valid_until.isoformat())
    field.scroll_into_view_if_needed()
    shoot(page, "orders-ux-quote-form", full_page=True)
