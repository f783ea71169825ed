"""An account manager's day, in a real browser, once in Chinese and once in English: sign in,
find a customer by pinyin initials, open the 360 page, edit the profile and see the change in
the History tab. Screenshots of each step go to test-artifacts/e2e/."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from roots.customers.models import ChannelType, Customer, Outlet
from roots.customers.tests.factories import CustomerFactory

pytestmark = [pytest.mark.e2e]

TEXT = {
    "zh-hans": {
        "sign_in": "登录",
        "customers": "客户",
        "count": "1 个客户",
        "saved": "已保存客户",
        "history": "变更历史",
        "notes": "备注",
        "language": "简体中文",
    },
    "en": {
        "sign_in": "Sign in",
        "customers": "Customers",
        "count": "1 customer",
        "saved": "saved",
        "history": "History",
        "notes": "Notes",
        "language": "English",
    },
}


@pytest.fixture
def account_manager_world(personas):
    """Person A's customers: the 国美 account of the personas and two more, so that the
    pinyin search has something to filter out; outlets with coordinates for the map."""
    for name, channel in (
        ("青岛百货大楼股份有限公司", ChannelType.DEPARTMENT_STORE),
        ("海尔专卖店（青岛香港中路店）", ChannelType.FRANCHISE_STORE),
    ):
        CustomerFactory(
            name=name,
            channel_type=channel,
            branch=personas.branch_a,
            account_manager=personas.am_a,
            credit_limit=Decimal("2500000"),
        )
    Outlet.objects.filter(pk=personas.outlet_a1.pk).update(
        latitude=Decimal("36.066"), longitude=Decimal("120.383"), city="青岛"
    )
    return personas


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_account_manager_finds_edits_and_sees_history(
    language, account_manager_world, live_server, transactional_db, page: Page, shoot
):
    text = TEXT[language]
    step = f"{language}-{{:02d}}-{{}}"

    # 1. Sign in (the browser asks for Chinese).
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/account/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    shoot(page, step.format(1, "login"))
    page.fill("input[name=username]", "am_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    expect(page).to_have_url(live_server.url + "/dashboard/")
    # Account managers land on "my day"; the customer summary is one click away.
    expect(page.get_by_test_id("my-day")).to_be_visible()
    page.click("[data-testid=overview-link]")
    expect(page).to_have_url(live_server.url + "/dashboard/?view=overview")

    # 2. The English run switches language with the switch in the top bar.
    if language == "en":
        page.click("[data-testid=language-switch]")
        with page.expect_navigation():
            page.click("button[name=language][value=en]")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("language-switch")).to_contain_text(text["language"])
    expect(page.get_by_test_id("kpi-customers")).to_have_text("3")
    page.wait_for_timeout(600)  # let the charts finish their entry animation
    shoot(page, step.format(2, "dashboard"))
    page.mouse.move(800, 500)
    page.mouse.wheel(0, 500)
    page.wait_for_timeout(300)
    shoot(page, step.format(2, "dashboard-map"))

    # 3. Find the customer by pinyin initials, live (htmx) in the list.
    page.get_by_role("link", name=text["customers"], exact=True).first.click()
    expect(page.get_by_test_id("customer-table").locator("tbody tr")).to_have_count(3)
    page.fill("[data-testid=customer-search]", "gmdq")
    expect(page.get_by_test_id("result-count")).to_have_text(text["count"])
    expect(page.get_by_test_id("customer-table")).to_contain_text("国美电器青岛有限公司")
    expect(page).to_have_url(re.compile(r"/customers/\?q=gmdq(&sort=code)?$"))
    shoot(page, step.format(3, "search"))

    # 4. Open its 360 page.
    page.get_by_role("link", name="国美电器青岛有限公司").click()
    expect(page.get_by_test_id("customer-name")).to_contain_text("C100001")
    page.get_by_test_id("tab-outlets").click()
    expect(page.get_by_test_id("outlet-table")).to_contain_text("S1000001")
    page.wait_for_timeout(500)
    shoot(page, step.format(4, "customer-360"))

    # 5. Edit the profile.
    note = "每周二上午拜访采购部" if language == "zh-hans" else "Visit purchasing on Tuesdays"
    page.get_by_test_id("edit-customer").click()
    page.fill("textarea[name=notes]", note)
    page.fill("input[name=phone]", "0532-66889900")
    page.mouse.move(800, 500)
    page.mouse.wheel(0, 1000)  # scroll as a user would, to the notes and the save button
    page.wait_for_timeout(300)
    shoot(page, step.format(5, "edit"))
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success")).to_contain_text(text["saved"])
    expect(page.get_by_test_id("customer-notes")).to_have_text(note)

    # 6. The History tab shows who changed what, old -> new.
    page.get_by_test_id("tab-history").click()
    history = page.get_by_test_id("history").locator(".list-group-item").first
    expect(history).to_contain_text("am_a")
    expect(history).to_contain_text(text["notes"])
    expect(history).to_contain_text(note)
    expect(history).to_contain_text("0532-66889900")
    expect(page.get_by_test_id("tab-history")).to_contain_text(text["history"])
    shoot(page, step.format(6, "history"))

    customer = Customer.objects.get(code="C100001")
    assert customer.notes == note
    assert customer.version == 2
    assert page.console_errors == []  # type: ignore[attr-defined]
