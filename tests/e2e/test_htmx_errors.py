"""UX review D2 in a real browser (Chromium): the base layout's one htmx error handling
(roots/static/roots/htmx-errors.js). A 400 answer to an htmx form is swapped in place, so the
form shows its errors: the portal's complaint card and the KPI period form, which failed
silently before. A failure that carries no form (404, 403, 5xx) shows an error toast.
Screenshots: test-artifacts/e2e/d2-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.service.models import Complaint
from tests.browser import sign_in

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def as_user(browser: Browser, live_server) -> Iterator[Callable[[str], Page]]:
    """`as_user("cu_a1")`: a signed-in Chinese-speaking page; no console error may show."""
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
        # The browser logs the 4xx answers themselves ("Failed to load resource"); those are
        # the point of these tests, anything else is not.
        page.on(
            "console",
            lambda msg: (
                errors.append(msg.text + " @ " + str(msg.location))
                if msg.type == "error" and "Failed to load resource" not in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return sign_in(page, live_server.url, username, PASSWORD)

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, errors


def test_portal_complaint_card_shows_its_errors(personas, as_user, live_server, shoot) -> None:
    page = as_user("cu_a1")
    page.goto(live_server.url + "/portal/")
    card = page.get_by_test_id("portal-complaints")
    form = card.get_by_test_id("portal-complaint-form")
    form.locator("[name=subject]").fill("   ")
    form.locator("[name=description]").fill("")
    with page.expect_response(lambda r: "/complaints/new/" in r.url) as answer:
        form.get_by_test_id("send-complaint").click()
    assert answer.value.status == 400
    card = page.get_by_test_id("portal-complaints")
    expect(card.get_by_test_id("form-errors")).to_be_visible()
    expect(card.locator("[name=subject].is-invalid")).to_be_visible()
    expect(card.locator("[name=description].is-invalid")).to_be_visible()
    expect(card.locator(".invalid-feedback").first).to_be_visible()
    assert not Complaint.objects.exists()
    card.scroll_into_view_if_needed()
    shoot(page, "d2-portal-complaint-errors")

    # Corrected, the same card sends the complaint.
    form = card.get_by_test_id("portal-complaint-form")
    form.locator("[name=subject]").fill("冰箱不制冷")
    form.locator("[name=description]").fill("门店样机不制冷，请尽快处理。")
    form.get_by_test_id("send-complaint").click()
    expect(page.get_by_test_id("complaint-created")).to_be_visible()
    assert Complaint.objects.count() == 1


def test_kpi_period_form_shows_a_reversed_period(personas, as_user, live_server, shoot) -> None:
    page = as_user("am_a")
    page.goto(live_server.url + "/kpis/")
    form = page.get_by_test_id("kpi-period")
    form.locator("[name=from]").fill("2026-12-01")
    form.locator("[name=to]").fill("2026-11-01")
    with page.expect_response(lambda r: "/kpis/?" in r.url) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 400
    body = page.get_by_test_id("kpi-body")
    expect(body.locator(".invalid-feedback").first).to_be_visible()
    expect(body).to_contain_text("结束日期不能早于开始日期")
    expect(body.get_by_test_id("kpi-period-text")).to_have_count(0)  # not the old period
    shoot(page, "d2-kpi-period-error")

    # A valid period afterwards replaces the error.
    form = page.get_by_test_id("kpi-period")
    form.locator("[name=from]").fill("2026-11-01")
    form.locator("[name=to]").fill("2026-12-01")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("kpi-period-text")).to_be_visible()
    expect(page.locator("#kpi-body .invalid-feedback")).to_have_count(0)


def test_a_failure_without_a_form_shows_a_toast(personas, as_user, live_server, shoot) -> None:
    page = as_user("am_a")
    page.goto(live_server.url + "/kpis/")
    before = page.get_by_test_id("kpi-body").inner_html()
    page.evaluate("htmx.ajax('GET', '/no-such-page/', { target: '#kpi-body' })")
    toast = page.get_by_test_id("error-toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("未找到")
    assert page.get_by_test_id("kpi-body").inner_html() == before  # the page is kept
    shoot(page, "d2-error-toast")
    toast.locator(".btn-close").click()
    expect(toast).to_have_count(0)
