"""Generated text in the reader's language, in a real browser (ux review D3).

An order (with its timeline) and a statement are made while Chinese is active. A branch
manager who works in English then reads the timeline in English, and the customer, in the
Spanish portal, reads the timeline and the statement lines in Spanish.

Screenshots go to test-artifacts/e2e/generated-text-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.catalog.models import StockLevel
from roots.finance import services as finance
from roots.finance.models import PaymentMethod, Statement
from roots.finance.tests import factories as ledger
from roots.orders import services as orders
from roots.orders.models import Order

pytestmark = [pytest.mark.e2e]

LOCALES = {"en": "en-US", "es": "es-ES", "zh-hans": "zh-CN"}


@pytest.fixture
def world(personas):
    """With Chinese active: an order submitted, confirmed and allocated, and customer A1's
    statement of May 2026 (an invoice of that order and a bank transfer), issued."""
    personas.cust_a1.credit_limit = Decimal("5000000")
    personas.cust_a1.save()
    StockLevel.objects.filter(sku=personas.sku).update(on_hand=100, reserved=0)
    with translation.override("zh-hans"):
        order = orders.order_submit(
            user=personas.cu_a1,
            data={
                "outlet": personas.outlet_a1,
                "lines": [{"sku": personas.sku, "quantity": 2}],
            },
        )
        orders.order_confirm(user=personas.bm_a, order=order)
        orders.order_allocate(user=personas.bm_a, order=order)
        invoice = ledger.invoice(personas.cust_a1, "4998.00", date(2026, 5, 3))
        invoice.order = Order.objects.get(pk=order.pk)
        invoice.save()
        ledger.payment(
            personas.cust_a1,
            "2000.00",
            date(2026, 5, 15),
            method=PaymentMethod.BANK_TRANSFER,
            reference="HD2026051501",
        )
        finance.statements_generate(year=2026, month=5)
        statement = Statement.objects.get(customer=personas.cust_a1)
        finance.statement_issue(user=personas.am_a, statement=statement)
    personas.bm_a.language = "en"
    personas.bm_a.save()
    personas.cu_a1.language = "es"
    personas.cu_a1.save()
    return {"order": order.number, "statement": statement.number}


@pytest.fixture
def as_user(browser: Browser, live_server) -> Iterator[Callable[[str, str], Page]]:
    """`as_user("bm_a", "en")`: a signed-in browser whose user works in that language; no
    console error may show."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(username: str, language: str) -> Page:
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},
            locale=LOCALES[language],
            timezone_id="Asia/Shanghai",
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
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


def test_a_record_made_in_chinese_reads_in_english_and_in_spanish(
    world, live_server, transactional_db, as_user, shoot
):
    base = live_server.url

    # An English-speaking branch manager reads the order's timeline in English.
    manager = as_user("bm_a", "en")
    manager.goto(f"{base}/orders/{world['order']}/")
    timeline = manager.locator("[data-testid=timeline]")
    expect(timeline).to_contain_text("Stock allocated from:")
    expect(timeline).to_contain_text("1 line(s) for")
    expect(timeline).not_to_contain_text("配货仓库")
    shoot(manager, "generated-text-01-order-timeline-en", full_page=True)

    # The customer, in the Spanish portal, reads the same timeline in Spanish ...
    customer = as_user("cu_a1", "es")
    customer.goto(f"{base}/orders/{world['order']}/")
    timeline = customer.locator("[data-testid=timeline]")
    expect(timeline).to_contain_text("Existencias asignadas desde:")
    expect(timeline).to_contain_text("1 línea(s) para")
    expect(timeline).not_to_contain_text("配货仓库")
    shoot(customer, "generated-text-02-order-timeline-es", full_page=True)

    # ... and the statement lines in Spanish.
    customer.goto(f"{base}/statements/{world['statement']}/")
    lines = customer.locator("[data-testid=line-description]")
    expect(lines.filter(has_text="Transferencia bancaria HD2026051501")).to_have_count(1)
    expect(lines.filter(has_text=f"Pedido {world['order']}")).to_have_count(1)
    expect(customer.locator("main")).not_to_contain_text("银行转账")
    shoot(customer, "generated-text-03-statement-es", full_page=True)

    # The English reader sees the statement lines in English.
    manager.goto(f"{base}/statements/{world['statement']}/")
    lines = manager.locator("[data-testid=line-description]")
    expect(lines.filter(has_text="Bank transfer HD2026051501")).to_have_count(1)
    expect(lines.filter(has_text=f"Order {world['order']}")).to_have_count(1)
    shoot(manager, "generated-text-04-statement-en", full_page=True)
