"""The daily board in a real browser (Chromium): an account manager clears, carries over
(the reason is asked inline, and refused when empty) and adds a task by htmx; the branch
manager's team view draws its heat map and line. Screenshots go to
test-artifacts/e2e/daily-*.png."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.sales.daily import services
from roots.sales.models import Activity, ActivityKind, DailyItem, DailyItemKind, DailyItemStatus
from roots.sellthrough.models import SellThrough
from roots.service.models import Complaint

pytestmark = [pytest.mark.e2e]

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(personas):
    """am_a's work: an overdue visit, a complaint due today, a stock-out risk, yesterday's
    carried task; two weeks of boards in branch A for the team view."""
    today = services.board_today()
    Activity.objects.create(
        owner=personas.am_a,
        branch=personas.branch_a,
        kind=ActivityKind.VISIT,
        subject="拜访国美青岛总部，谈春季促销",
        customer=personas.cust_a1,
        planned_at=services.day_start(today) - DAY + datetime.timedelta(hours=10),
    )
    now = timezone.now()
    Complaint.objects.create(
        number="CP00000042",
        customer=personas.cust_a1,
        category="delivery",
        subject="三台冰箱送货延迟",
        description="x",
        owner=personas.am_a,
        raised_at=now,
        response_due=now + datetime.timedelta(hours=3),
        resolution_due=now + datetime.timedelta(hours=24),
    )
    SellThrough.objects.create(
        customer=personas.cust_a1,
        outlet=personas.outlet_a1,
        sku=personas.sku,
        date=today - DAY,
        units_received=0,
        units_sold=56,
        revenue=Decimal("112000"),
        stock_units=5,
        unit_cost=Decimal("2000"),
    )
    DailyItem.objects.create(
        user=personas.am_a,
        day=today - DAY,
        kind=DailyItemKind.TASK,
        title="整理三月份对账单",
        status=DailyItemStatus.CARRIED,
        carry_reason="财务系统维护",
    )
    for back in range(1, 14):
        day = today - back * DAY
        for user, done in ((personas.am_a, back % 4), (personas.am_a2, 3), (personas.bm_a, 2)):
            if user == personas.am_a and back == 1:
                done = 4  # yesterday's list cleared but for the carried task above
            for n in range(4):
                item = DailyItem.objects.create(
                    user=user,
                    day=day,
                    kind=DailyItemKind.TASK,
                    title=f"{day} {n}",
                    status=DailyItemStatus.DONE if n < done else DailyItemStatus.CARRIED,
                    carry_reason="" if n < done else "x",
                )
                if n >= done:  # carried into the next day, and done there
                    DailyItem.objects.create(
                        user=user,
                        day=day + DAY,
                        kind=DailyItemKind.TASK,
                        title=item.title,
                        status=DailyItemStatus.DONE,
                        source_key=f"carry:{item.pk}",
                        carried_from=item,
                    )
    return personas


@pytest.fixture
def as_user(browser: Browser, live_server):
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
        page.goto(live_server.url + "/account/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=login-submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
    # The refused carry-over answers 400 on purpose; the browser logs that response.
    assert not [e for e in errors if "400" not in e], errors


def test_clear_carry_over_and_add_on_the_board(
    world, live_server, transactional_db, as_user, shoot
):
    page = as_user("am_a")
    page.goto(live_server.url + "/daily/")
    progress = page.locator("[data-testid=daily-progress]")
    expect(progress).to_have_attribute("data-done", "0")
    expect(progress).to_have_attribute("data-total", "4")
    shoot(page, "daily-01-board", full_page=True)

    follow_up = DailyItem.objects.get(user=world.am_a, kind=DailyItemKind.FOLLOW_UP)
    page.click(f"[data-testid=daily-done-{follow_up.pk}]")
    expect(page.locator(f"[data-testid=daily-item-{follow_up.pk}]")).to_have_attribute(
        "data-status", "done"
    )
    expect(progress).to_have_attribute("data-done", "1")
    expect(progress).to_have_attribute("data-total", "4")

    stock = DailyItem.objects.get(user=world.am_a, kind=DailyItemKind.STOCK_OUT)
    page.click(f"[data-testid=daily-carry-{stock.pk}]")
    form = page.locator(f"[data-testid=daily-carry-form-{stock.pk}]")
    expect(form).to_be_visible()
    form.locator("button[type=submit]").click()
    expect(form.locator(".invalid-feedback")).to_be_visible()
    shoot(page, "daily-02-carry-reason-required", full_page=True)
    form.locator("input[name=reason]").fill("门店周末盘点，周一补货")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"[data-testid=daily-item-{stock.pk}]")).to_have_attribute(
        "data-status", "carried"
    )

    add = page.locator("[data-testid=daily-add]")
    add.locator("input[name=title]").fill("给利群发新品目录")
    add.locator("button[type=submit]").click()
    expect(page.get_by_text("给利群发新品目录")).to_be_visible()
    expect(progress).to_have_attribute("data-done", "1")
    expect(progress).to_have_attribute("data-total", "5")
    shoot(page, "daily-03-after-steps", full_page=True)


def test_team_view_of_the_branch_manager(world, live_server, transactional_db, as_user, shoot):
    page = as_user("bm_a")
    page.goto(live_server.url + "/daily/team/")
    table = page.locator("[data-testid=daily-team-table]")
    expect(table.locator("tr[data-username=am_a]")).to_be_visible()
    expect(page.locator("[data-daily-chart] canvas")).to_have_count(1)
    shoot(page, "daily-04-team", full_page=True)
    table.locator("tr[data-username=am_a] a").first.click()
    expect(page.locator("[data-testid=daily-read-only]")).to_be_visible()
