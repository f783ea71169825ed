"""Issue 3's acceptance flow in a real browser (Chromium, Playwright), across the apps:

1. a customer user places a standard order in the order builder and a custom order;
2. the account manager confirms the first from the order desk;
3. a product manager quotes the second and the customer accepts it;
4. both timelines show every step, to the customer and to staff;
5. the customer disputes a statement line and sees the account manager's answer.

Screenshots go to test-artifacts/e2e/flow-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.finance import services as finance
from roots.finance.models import Dispute, Statement
from roots.finance.tests import factories as ledger
from roots.orders.models import CustomOrder, Order
from roots.orders.tests.test_custom_support import custom_model

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def world(personas):
    """Customer A1 with credit, a custom-capable fridge line and an issued statement for
    last month (an invoice and a payment)."""
    personas.cust_a1.credit_limit = Decimal("5000000")
    personas.cust_a1.save()
    custom_model()
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    start = last_month_end.replace(day=1)
    ledger.invoice(personas.cust_a1, "30000.00", start + timedelta(days=2))
    ledger.payment(personas.cust_a1, "15000.00", start + timedelta(days=14), reference="HD0515")
    finance.statements_generate(year=start.year, month=start.month)
    finance.statement_issue(user=personas.am_a, statement=Statement.objects.get())
    return personas


@pytest.fixture
def as_user(browser: Browser, live_server) -> Iterator[Callable[[str], Page]]:
    """`as_user("am_a")`: a signed-in Chinese-speaking browser; no console error (a CSP
    violation, a failing script) may show in any page of the flow."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(username: str) -> Page:
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())
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


def _events(page: Page) -> int:
    return page.locator("[data-testid=timeline] .timeline-event").count()


def test_orders_custom_orders_and_reconciliation_end_to_end(
    world,
    live_server,
    transactional_db,
    as_user,
    shoot,
):
    base = live_server.url
    sku = world.sku.code

    # 1a. The customer builds a standard order: find the SKU by pinyin initials, add it,
    # set the quantity, submit.
    customer = as_user("cu_a1")
    customer.goto(base + "/orders/new/")
    customer.select_option("select[name=outlet]", world.outlet_a1.code)
    customer.fill("[data-testid=builder-search]", sku)
    customer.click(f"[data-testid=add-{sku}]")
    expect(customer.locator(f"[data-testid=cart-line-{sku}]")).to_be_visible()
    customer.fill(f"[data-testid=qty-{sku}]", "3")
    customer.locator(f"[data-testid=qty-{sku}]").dispatch_event("change")
    expect(customer.locator(f"[data-testid=cart-line-{sku}] input[name=quantity]")).to_have_value(
        "3"
    )
    customer.wait_for_load_state("networkidle")
    shoot(customer, "flow-01-order-builder", full_page=True)
    customer.click("[data-testid=submit-order]")
    customer.wait_for_url(re.compile(r"/orders/SO\d{8}/$"))
    order_number = re.search(r"/orders/(SO\d{8})/", customer.url).group(1)  # type: ignore[union-attr]
    order = Order.objects.get(number=order_number)
    assert order.status == "submitted" and order.lines.get().quantity == 3
    shoot(customer, "flow-02-order-submitted", full_page=True)

    # 1b. ... and describes a custom order.
    customer.goto(base + "/custom-orders/new/")
    customer.fill("input[name=title]", "国美定制 210升一级节能冰箱")
    customer.select_option("select[name=category]", "FRIDGE")
    customer.fill("input[name=capacity_min]", "180")
    customer.fill("input[name=capacity_max]", "220")
    customer.fill("input[name=target_price]", "2000")
    customer.check("input[name=features][value=energy_saving]")
    customer.fill("input[name=quantity]", "500")
    customer.fill("input[name=wanted_date]", (date.today() + timedelta(days=45)).isoformat())
    customer.select_option("select[name=outlet]", world.outlet_a1.code)
    customer.click("[data-testid=submit-request]")
    customer.wait_for_url(re.compile(r"/custom-orders/MO\d{8}/$"))
    custom_number = re.search(r"/custom-orders/(MO\d{8})/", customer.url).group(1)  # type: ignore[union-attr]
    shoot(customer, "flow-03-custom-requested", full_page=True)

    # 2. The account manager confirms the standard order from the order desk.
    manager = as_user("am_a")
    manager.goto(base + "/orders/desk/")
    expect(manager.locator(f"[data-testid=desk-row-{order_number}]")).to_be_visible()
    shoot(manager, "flow-04-order-desk")
    manager.click(f"[data-testid=desk-confirm-{order_number}]")
    expect(manager.locator(f"[data-testid=desk-row-{order_number}]")).to_have_count(0)
    order.refresh_from_db()
    assert order.status == "confirmed"

    # 3. A product manager quotes the custom order; the customer accepts.
    pm = as_user("pm")
    pm.goto(base + f"/custom-orders/{custom_number}/")
    pm.fill("input[name=quoted_price]", "2050")
    pm.fill("input[name=quoted_lead_days]", "21")
    pm.select_option("select[name=quoted_model]", "BCD-210CUST")
    pm.click("[data-testid=submit-quote]")
    expect(pm.locator("[data-testid=quoted-price]")).to_contain_text("2,050.00")
    customer.goto(base + f"/custom-orders/{custom_number}/")
    customer.click("[data-testid=accept]")
    customer.click("[data-testid=confirm-modal-ok]")  # the styled confirmation (D11)
    expect(customer.locator("[data-testid=custom-order-status]")).to_have_attribute(
        "data-status", "accepted"
    )
    custom_order = CustomOrder.objects.select_related("order").get(number=custom_number)
    assert custom_order.order is not None and custom_order.production_due is not None

    # 4. Both timelines show every step, on both sides.
    for page, who in ((customer, "customer"), (manager, "staff")):
        page.goto(base + f"/orders/{order_number}/")
        expect(page.locator("[data-testid=timeline] .timeline-event")).to_have_count(2)
        shoot(page, f"flow-05-order-timeline-{who}", full_page=True)
        page.goto(base + f"/custom-orders/{custom_number}/")
        expect(page.locator("[data-testid=timeline] .timeline-event")).to_have_count(3)
        shoot(page, f"flow-06-custom-timeline-{who}", full_page=True)
    assert _events(customer) == _events(manager) == 3

    # 5. The customer disputes a statement line; the account manager answers; the customer
    # sees the answer.
    statement = Statement.objects.get()
    customer.goto(base + f"/statements/{statement.number}/")
    payment_line = statement.lines.get(kind="payment")
    customer.check(f"[data-testid=line-check-{payment_line.reference}]")
    customer.fill("[data-testid=dispute-comment]", "我方实际付款 16,000 元，请核对。")
    customer.click("[data-testid=dispute-submit]")
    expect(customer.locator("[data-testid=statement-status] [data-status]")).to_have_attribute(
        "data-status", "disputed"
    )
    dispute = Dispute.objects.get()
    manager.goto(base + "/disputes/")
    manager.click(f"text={dispute.number}")
    manager.fill("[data-testid=answer-text]", "银行回单为 15,000 元，另 1,000 元已于次月入账。")
    manager.click("[data-testid=answer-submit]")
    customer.goto(base + f"/statements/{statement.number}/")
    expect(customer.get_by_test_id(f"dispute-{dispute.number}")).to_contain_text(
        "银行回单为 15,000 元"
    )
    shoot(customer, "flow-07-dispute-answered", full_page=True)
