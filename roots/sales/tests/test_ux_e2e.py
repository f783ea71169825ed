"""The batch steps and list pages in a real browser (Chromium, Chinese): the daily board's
bulk bar (select all, mark done), a branch manager's customer list with row checkboxes
(reassign), the activities page with its window, and the team page with today in
progress; the board's header at 390 px. Screenshots go to test-artifacts/e2e/ux-*.png."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from roots.customers.models import Customer
from roots.sales import services as sales_services
from roots.sales.daily import services
from roots.sales.models import DailyItem, DailyItemKind, DailyItemStatus

pytestmark = [pytest.mark.e2e]

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(personas):
    today = services.board_today()
    for title in ("给利群发新品目录", "回访国美青岛总部", "核对三月对账单"):
        DailyItem.objects.create(
            user=personas.am_a, day=today, kind=DailyItemKind.TASK, title=title
        )
    for n, person in enumerate((personas.am_a, personas.am_a2, personas.bm_a)):
        for back in range(1, 14):
            for k in range(4):
                DailyItem.objects.create(
                    user=person,
                    day=today - back * DAY,
                    kind=DailyItemKind.TASK,
                    title=f"任务{k}",
                    status=DailyItemStatus.DONE if (k + back + n) % 5 else DailyItemStatus.CARRIED,
                    carry_reason="客户改约",
                )
        DailyItem.objects.create(
            user=person, day=today, kind=DailyItemKind.TASK, title="今天的任务"
        )
    for n in range(4):
        sales_services.activity_plan(
            user=personas.am_a,
            data={
                "kind": "visit",
                "subject": f"拜访门店 {n + 1}",
                "customer": personas.cust_a1,
                "planned_at": timezone.now() + (n + 1) * DAY,
            },
        )
        sales_services.activity_log(
            user=personas.am_a,
            data={
                "kind": "call",
                "subject": f"电话回访 {n + 1}",
                "customer": personas.cust_a1,
                "outcome": "客户满意，下周下单",
            },
        )
    return personas


@pytest.fixture
def as_user(browser: Browser, live_server):
    contexts = []
    errors: list[str] = []

    def open_as(username: str, width: int = 1440, height: int = 900) -> Page:
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


def test_bulk_bar_on_the_daily_board(world, live_server, transactional_db, as_user, shoot):
    page = as_user("am_a")
    page.goto(live_server.url + "/daily/")
    bar = page.get_by_test_id("daily-bulk-bar")
    expect(bar).to_be_visible()
    page.get_by_test_id("daily-bulk-all").check()
    expect(page.locator("[data-bulk-count]")).not_to_be_empty()
    shoot(page, "ux-daily-bulk-bar", full_page=True)
    page.get_by_test_id("daily-bulk-done").click()
    expect(page.get_by_test_id("daily-bulk-summary")).to_be_visible()
    assert not DailyItem.objects.filter(
        user=world.am_a, day=services.board_today(), status=DailyItemStatus.OPEN
    ).exists()
    phone = as_user("am_a2", width=390, height=844)
    phone.goto(live_server.url + "/daily/")
    title = phone.locator(".page-title")
    assert title.bounding_box()["height"] < 40  # one line, not "我的日 / 清"
    shoot(phone, "ux-daily-390", full_page=True)


def test_branch_manager_reassigns_from_the_customer_list(
    world, live_server, transactional_db, as_user, shoot
):
    page = as_user("bm_a")
    page.goto(live_server.url + "/customers/")
    page.get_by_test_id("select-C100001").check()
    page.get_by_test_id("reassign-to").select_option("am_a2")
    shoot(page, "ux-customer-list-checkboxes")
    page.get_by_test_id("reassign-submit").click()
    page.wait_for_load_state()
    expect(page.locator(".roots-messages")).to_be_visible()
    assert Customer.objects.all_unscoped().get(code="C100001").account_manager == world.am_a2


def test_activities_and_team_pages(world, live_server, transactional_db, as_user, shoot):
    page = as_user("am_a")
    page.goto(live_server.url + "/sales/activities/")
    expect(page.get_by_test_id("window-from")).to_be_visible()
    shoot(page, "ux-activities", full_page=True)
    manager = as_user("bm_a")
    manager.goto(live_server.url + "/daily/team/")
    expect(manager.get_by_test_id("today-in-progress")).to_be_visible()
    manager.wait_for_timeout(500)  # the chart's first frame
    shoot(manager, "ux-daily-team", full_page=True)
