"""Reconciliation in a real browser (Chromium, Playwright): the customer disputes a line of
its statement, the account manager answers from the disputes desk, the customer sees the
answer, closes the dispute and confirms the statement. Screenshots of each step go to
test-artifacts/e2e/finance-*.png."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from roots.finance import services
from roots.finance.models import Dispute, Statement, StatementStatus
from roots.finance.tests import factories as f

pytestmark = [pytest.mark.e2e]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "e2e"


def _page(browser: Browser) -> Page:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="en-US", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # type: ignore[attr-defined]
    return page


def _shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"finance-{name}.png"), full_page=True)


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def statement(personas) -> Statement:
    c = personas.cust_a1
    c.credit_limit = 500000
    c.save()
    f.invoice(c, "12000.00", date(2026, 4, 10))
    f.invoice(c, "30000.00", date(2026, 5, 3))
    f.payment(c, "15000.00", date(2026, 5, 15), reference="HD2026051501")
    services.statements_generate(year=2026, month=5)
    return services.statement_issue(user=personas.am_a, statement=Statement.objects.get())


def test_customer_disputes_a_line_and_sees_the_answer(
    personas, statement, live_server, transactional_db, browser
):
    url = live_server.url
    customer = _page(browser)
    _sign_in(customer, url, "cu_a1")

    # The account overview shows the statement to reconcile.
    customer.goto(url + "/finance/")
    expect(customer.get_by_test_id("open-balance")).to_contain_text("27,000.00")
    expect(customer.get_by_test_id("statement-to-reconcile")).to_contain_text(statement.number)
    customer.wait_for_timeout(500)
    _shoot(customer, "01-account")

    # Dispute the payment line with a comment.
    customer.goto(url + f"/statements/{statement.number}/")
    payment_ref = statement.lines.get(kind="payment").reference
    customer.check(f"[data-testid=line-check-{payment_ref}]")
    customer.fill("[data-testid=dispute-comment]", "我方 5 月 15 日实际付款 16,000 元")
    _shoot(customer, "02-dispute")
    customer.click("[data-testid=dispute-submit]")
    expect(customer.get_by_test_id("statement-status")).to_contain_text("Disputed")
    expect(customer.get_by_test_id("confirm-statement")).to_have_count(0)
    _shoot(customer, "03-disputed")

    # The account manager answers from the desk.
    manager = _page(browser)
    _sign_in(manager, url, "am_a")
    manager.goto(url + "/disputes/")
    expect(manager.get_by_test_id("kpi-open")).to_have_text("1")
    _shoot(manager, "04-desk")
    dispute = Dispute.objects.get()
    manager.click(f"text={dispute.number}")
    manager.fill("[data-testid=answer-text]", "银行回单为 15,000 元，另 1,000 元已于 6 月入账")
    manager.click("[data-testid=answer-submit]")
    expect(manager.get_by_test_id(f"dispute-{dispute.number}")).to_contain_text("Answered")
    _shoot(manager, "05-answered")

    # The customer sees the answer, closes the dispute and confirms.
    customer.goto(url + f"/statements/{statement.number}/")
    thread = customer.get_by_test_id(f"dispute-{dispute.number}")
    expect(thread).to_contain_text("银行回单为 15,000 元")
    _shoot(customer, "06-answer-seen")
    customer.click("[data-testid=close-dispute]")
    expect(customer.get_by_test_id("statement-status")).to_contain_text("Resolved")
    customer.click("[data-testid=confirm-statement]")
    expect(customer.get_by_test_id("statement-status")).to_contain_text("Confirmed")
    _shoot(customer, "07-confirmed")

    statement.refresh_from_db()
    assert statement.status == StatementStatus.CONFIRMED
    assert statement.confirmed_by == personas.cu_a1
    assert customer.console_errors == []  # type: ignore[attr-defined]
    assert manager.console_errors == []  # type: ignore[attr-defined]
