"""Issue 4's acceptance flow in a real browser (Chromium, Playwright), across the apps:

1. a customer user uploads a sell-through file with some bad rows, downloads the per-row
   error report, fixes the rows and uploads the file again;
2. the account manager sees the customer's KPIs change on the KPI dashboard after each upload;
3. the account manager moves an opportunity through the stages on the pipeline board, to won;
4. the account manager clears the daily board: one item done, one carried over with a
   reason, an own task added and done.

Screenshots go to test-artifacts/e2e/sellthrough-*.png.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.sales import services as sales
from roots.sales.models import DailyItem, DailyItemStatus, Opportunity, Stage
from roots.sellthrough.models import SellThrough, Upload, UploadStatus

pytestmark = [pytest.mark.e2e]

HEADER = "date,outlet,sku,units_received,units_sold,revenue,stock_units"


@pytest.fixture
def world(personas):
    """Account manager A's opportunity with customer A1 and a follow-up call that was due
    yesterday (an overdue item of the daily board)."""
    today = timezone.localdate()
    opportunity = sales.opportunity_create(
        user=personas.am_a,
        data={
            "name": "国美年度框架协议",
            "customer": personas.cust_a1,
            "expected_value": Decimal("500000"),
            "close_date": today + timedelta(days=30),
        },
    )
    sales.activity_plan(
        user=personas.am_a,
        data={
            "kind": "call",
            "subject": "电话跟进促销政策",
            "customer": personas.cust_a1,
            "planned_at": timezone.now() - timedelta(days=1),
        },
    )
    return personas, opportunity


def _rows(personas, *, fixed: bool) -> list[list[str]]:
    """Six days of one outlet and SKU; rows 3 and 5 of the file (after the header) are bad
    (an unknown SKU, negative units) unless `fixed`."""
    today = timezone.localdate()
    sku = personas.sku.code
    rows = []
    for back in range(6, 0, -1):
        day = (today - timedelta(days=back)).isoformat()
        rows.append([day, personas.outlet_a1.code, sku, "10", "4", "15960.00", str(20 + back)])
    if not fixed:
        rows[1][2] = "NO-SUCH-SKU"
        rows[3][4] = "-2"
    return rows


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def as_user(browser: Browser, live_server) -> Iterator[Callable[[str], Page]]:
    """`as_user("am_a")`: a signed-in Chinese-speaking browser; no console error may show."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(username: str) -> Page:
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            reduced_motion="reduce",
            accept_downloads=True,
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


def _upload(page: Page, url: str, path: Path) -> None:
    page.goto(url + "/sellthrough/")
    form = page.get_by_test_id("upload-form")
    form.locator("select[name=kind]").select_option("sellthrough")
    form.locator("input[name=file]").set_input_files(str(path))
    page.get_by_test_id("upload-submit").click()
    expect(page.locator("#upload-status").get_by_test_id("upload-status")).to_have_attribute(
        "data-status", UploadStatus.SUCCEEDED, timeout=20_000
    )


def _kpi(page: Page, url: str, customer_code: str) -> str:
    page.goto(f"{url}/kpis/customers/{customer_code}/")
    margin = page.get_by_test_id("kpi-margin")
    expect(margin).to_be_visible()
    return margin.inner_text() + "|" + page.get_by_test_id("kpi-turnover").inner_text()


def test_upload_fix_kpis_pipeline_and_daily_board(
    world, as_user, live_server, shoot, tmp_path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    personas, opportunity = world
    url = live_server.url
    manager = as_user("am_a")
    customer = as_user("cu_a1")

    # The account manager's view of the customer before any sell-through: no values.
    before = _kpi(manager, url, personas.cust_a1.code)

    # 1. Upload with two bad rows: four land, two are rejected with a row-by-row report.
    bad = _write(tmp_path / "门店进销存.csv", _rows(personas, fixed=False))
    _upload(customer, url, bad)
    expect(customer.get_by_test_id("count-rejected")).to_have_text("2")
    expect(customer.get_by_test_id("count-created")).to_have_text("4")
    expect(customer.get_by_test_id("error-table")).to_contain_text("NO-SUCH-SKU")
    shoot(customer, "sellthrough-upload-errors", full_page=True)
    with customer.expect_download() as download_info:
        customer.get_by_test_id("error-report").click()
    report = download_info.value.path().read_text(encoding="utf-8-sig")
    lines = report.strip().splitlines()
    assert len(lines) == 3, report  # the header and the two bad rows
    assert lines[1].split(",")[0] == "3" and lines[2].split(",")[0] == "5", report
    assert SellThrough.objects.count() == 4

    # 2. The account manager sees the KPIs move.
    after_first = _kpi(manager, url, personas.cust_a1.code)
    assert after_first != before

    # 3. The fixed file: the two corrected rows are added, the four others are unchanged.
    fixed = _write(tmp_path / "门店进销存-修正.csv", _rows(personas, fixed=True))
    _upload(customer, url, fixed)
    expect(customer.get_by_test_id("count-rejected")).to_have_text("0")
    expect(customer.get_by_test_id("count-created")).to_have_text("2")
    expect(customer.get_by_test_id("count-unchanged")).to_have_text("4")
    shoot(customer, "sellthrough-upload-fixed", full_page=True)
    assert SellThrough.objects.count() == 6
    assert Upload.objects.filter(status=UploadStatus.SUCCEEDED).count() == 2

    after_fix = _kpi(manager, url, personas.cust_a1.code)
    assert after_fix != after_first
    manager.goto(url + "/kpis/")
    expect(manager.get_by_test_id("kpi-margin")).to_be_visible()
    shoot(manager, "sellthrough-kpis", full_page=True)

    # 4. The opportunity moves through the six steps to won on the board.
    manager.goto(url + "/sales/")
    code = opportunity.code
    for stage in ("first_visit", "demo", "negotiation", "contract", "maintenance"):
        manager.get_by_test_id(f"move-{code}").locator("select[name=stage]").select_option(stage)
        expect(
            manager.get_by_test_id(f"stage-{stage}").get_by_test_id(f"opp-{code}")
        ).to_be_visible()
    shoot(manager, "sellthrough-pipeline", full_page=True)
    manager.get_by_test_id(f"move-{code}").locator("select[name=stage]").select_option("won")
    expect(manager.get_by_test_id(f"opp-{code}")).to_have_count(0)
    assert Opportunity.objects.get(code=code).stage == Stage.WON

    # 5. The daily board: the overdue call done, an own task added and done, the rest
    # carried over with a reason, until nothing is left open.
    manager.goto(url + "/daily/")
    expect(manager.get_by_test_id("daily-progress")).to_be_visible()
    add = manager.get_by_test_id("daily-add")
    add.locator("input[name=title]").fill("准备季度业务回顾")
    add.locator("button[type=submit]").click()
    expect(
        manager.locator("[data-testid^=daily-item-]").filter(has_text="准备季度业务回顾")
    ).to_be_visible()
    shoot(manager, "sellthrough-daily-before", full_page=True)
    open_items = list(
        DailyItem.objects.filter(user=personas.am_a, status=DailyItemStatus.OPEN).order_by("pk")
    )
    assert len(open_items) >= 2
    for item in open_items[:-1]:
        manager.get_by_test_id(f"daily-done-{item.pk}").click()
        expect(manager.get_by_test_id(f"daily-done-{item.pk}")).to_have_count(0)
    last = open_items[-1]
    manager.get_by_test_id(f"daily-carry-{last.pk}").click()
    carry = manager.get_by_test_id(f"daily-carry-form-{last.pk}")
    carry.locator("input[name=reason]").fill("客户负责人出差，改约明天")
    carry.locator("button[type=submit]").click()
    expect(manager.get_by_test_id(f"daily-carry-form-{last.pk}")).to_have_count(0)
    shoot(manager, "sellthrough-daily-cleared", full_page=True)
    assert not DailyItem.objects.filter(user=personas.am_a, status=DailyItemStatus.OPEN).exists()
    last.refresh_from_db()
    assert last.status == DailyItemStatus.CARRIED and last.carry_reason
