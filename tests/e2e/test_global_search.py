"""The top bar's search in a real browser: an account manager types a phone number as a
caller gives it and finds the contact, then an order by its number, and opens it with the
keyboard. Screenshots: test-artifacts/e2e/search-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from roots.orders import services as order_services
from tests.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_top_bar_finds_a_contact_by_phone_and_an_order_by_number(
    personas, page: Page, live_server, shoot
) -> None:
    contact = personas.contact_a1
    contact.mobile = "13731069353"
    contact.phone = "010-81380029"
    contact.refresh_search_text()
    contact.save()
    order = order_services.order_submit(
        user=personas.cu_a1,
        data={"outlet": personas.outlet_a1, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    sign_in(page, live_server.url, personas.am_a.username, PASSWORD)
    # The new order's notification: the bell loads its count after the page.
    expect(page.get_by_test_id("notification-count")).to_have_text("1")

    box = page.locator("#global-search-input")
    box.fill("+86 137 3106 9353")
    results = page.locator("#global-search-results")
    expect(results.locator("a.roots-search-hit").first).to_contain_text(contact.name)
    shoot(page, "search-contact-by-phone")

    box.fill("010 8138 0029")  # the landline, spaced as it is read out
    expect(results.locator("a.roots-search-hit").first).to_contain_text(contact.name)

    box.fill(order.number.lower())
    first = results.locator("a.roots-search-hit").first
    expect(first).to_contain_text(order.number)
    shoot(page, "search-order-by-number")
    box.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/orders/{order.number}/")
    assert not page.console_errors  # type: ignore[attr-defined]
