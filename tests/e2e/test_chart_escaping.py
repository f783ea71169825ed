"""Security review X1 in a real browser (Chromium): a customer's outlet and company named as
markup stay text in every chart tooltip, and the pages log no CSP violation (the CSP's
style-src has no 'unsafe-inline').

Every tooltip of every chart of the page is shown (ECharts' showTip action, one data item at
a time); then no `<img src=x>` may be in the DOM, no dialog may have opened, and the tooltip
shows the name as text. Also the KPI trend charts of UX review D7 (first and last dates
inside the card, a sparse series drawn as a line). Screenshots: test-artifacts/e2e/x1-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.finance import services as finance
from roots.finance.models import Statement
from roots.finance.tests import factories as f
from roots.sales import services as sales
from roots.sellthrough.models import SellThrough

pytestmark = [pytest.mark.e2e]

OUTLET = "<img src=x onerror=alert(4)>"
COMPANY = 'XSS<script>alert(1)</script>"><img src=x onerror=alert(2)>'

# Shows every tooltip of every chart on the page; returns the tooltips' texts and whether
# an <img src=x> (or a <script> in a tooltip) ever appeared.
SHOW_EVERY_TOOLTIP = """
() => {
  const texts = [];
  let injected = 0;
  document.querySelectorAll("[_echarts_instance_]").forEach((el) => {
    const chart = echarts.getInstanceByDom(el);
    if (!chart) { return; }
    chart.getOption().series.forEach((series, seriesIndex) => {
      (series.data || []).forEach((_, dataIndex) => {
        chart.dispatchAction({ type: "showTip", seriesIndex, dataIndex });
        el.querySelectorAll(".roots-tt-box, div[style*='z-index']").forEach((tip) => {
          if (tip.textContent) { texts.push(tip.textContent); }
          injected += tip.querySelectorAll("img, script").length;
        });
        injected += document.querySelectorAll('img[src="x"]').length;
      });
    });
    chart.dispatchAction({ type: "hideTip" });
  });
  return { texts, injected, charts: document.querySelectorAll("[_echarts_instance_]").length };
}
"""


@pytest.fixture
def world(personas):
    """Customer A1 renamed as markup, with an outlet named as markup on the map, an
    assessment on the priority matrix, and sell-through on sparse days."""
    p = personas
    p.cust_a1.name = COMPANY
    p.cust_a1.save()
    p.outlet_a1.name = OUTLET
    p.outlet_a1.latitude = Decimal("36.067")
    p.outlet_a1.longitude = Decimal("120.383")
    p.outlet_a1.save()
    sales.assessment_create(
        user=p.am_a,
        customer=p.cust_a1,
        potential_revenue=Decimal("1000000"),
        **dict.fromkeys(sales.SCORE_FIELDS, 4),
    )
    today = timezone.localdate()
    for back, sold, stock in ((2, 6, 30), (9, 4, 26), (40, 8, 20), (75, 3, 22)):
        SellThrough.objects.create(
            customer=p.cust_a1,
            outlet=p.outlet_a1,
            sku=p.sku,
            date=today - timedelta(days=back),
            units_received=10,
            units_sold=sold,
            revenue=Decimal(sold) * 2000,
            stock_units=stock,
            unit_cost=Decimal("1500.00"),
        )
    return p


@pytest.fixture
def as_user(browser: Browser, live_server) -> Iterator[Callable[[str], Page]]:
    """`as_user("am_a")`: a signed-in Chinese-speaking page; its console errors (a CSP
    violation) and dialogs are collected on `page.console_errors` and `page.dialogs`."""
    contexts: list[BrowserContext] = []

    def open_as(username: str) -> Page:
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        dialogs: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def on_dialog(dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.console_errors = errors  # type: ignore[attr-defined]
        page.dialogs = dialogs  # type: ignore[attr-defined]
        page.goto(live_server.url + "/account/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=login-submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


def every_tooltip(page: Page, selector: str) -> list[str]:
    """Waits for the chart `selector`, shows every tooltip of the page; asserts that nothing
    was injected and returns the tooltips' texts."""
    expect(page.locator(f"{selector}[_echarts_instance_]").first).to_be_attached()
    page.wait_for_timeout(300)
    result = page.evaluate(SHOW_EVERY_TOOLTIP)
    assert result["charts"] >= 1
    assert result["injected"] == 0, result
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert page.evaluate("document.querySelectorAll('.roots-tt script').length") == 0
    assert not page.dialogs, page.dialogs  # type: ignore[attr-defined]
    assert not page.console_errors, page.console_errors  # type: ignore[attr-defined]
    return result["texts"]


def show_tip_of(page: Page, selector: str) -> None:
    """Shows the tooltip of the first data item of the chart `selector`."""
    page.evaluate(
        """(selector) => {
          const chart = echarts.getInstanceByDom(document.querySelector(selector));
          const series = chart.getOption().series;
          const seriesIndex = series.findIndex((s) => s.data && s.data.length);
          chart.dispatchAction({ type: "showTip", seriesIndex, dataIndex: 0 });
        }""",
        selector,
    )


def test_outlet_map_shows_a_markup_name_as_text(world, as_user, live_server, shoot) -> None:
    url = live_server.url
    for username in ("am_a", "cu_a1"):
        page = as_user(username)
        if username == "am_a":
            page.goto(f"{url}/customers/{world.cust_a1.code}/?tab=outlets#outlets")
        else:
            page.goto(f"{url}/outlets/{world.outlet_a1.code}/")
        texts = every_tooltip(page, "[data-chart=points]")
        assert any(OUTLET in text for text in texts), texts
        show_tip_of(page, "[data-chart=points]")
        tip = page.locator(".roots-tt-box").first
        expect(tip).to_be_visible()
        expect(tip).to_contain_text(OUTLET)
        if username == "am_a":
            shoot(page, "x1-outlet-map-tooltip")


def test_priority_matrix_shows_a_markup_name_as_text(world, as_user, live_server, shoot) -> None:
    page = as_user("am_a")
    page.goto(live_server.url + "/sales/matrix/")
    texts = every_tooltip(page, "[data-sales-chart=matrix]")
    assert any(COMPANY in text for text in texts), texts
    # The other mode of the chart: current against potential revenue.
    page.locator("[data-matrix-mode=revenue]").click()
    texts = every_tooltip(page, "[data-sales-chart=matrix]")
    assert any(COMPANY in text for text in texts), texts
    page.locator("[data-matrix-mode=matrix]").click()
    show_tip_of(page, "[data-sales-chart=matrix]")
    expect(page.locator(".roots-tt-box").first).to_contain_text(COMPANY)
    shoot(page, "x1-matrix-tooltip")


def test_sell_through_top_chart_shows_a_markup_name_as_text(
    world, as_user, live_server, shoot
) -> None:
    for username in ("am_a", "cu_a1"):
        page = as_user(username)
        page.goto(live_server.url + "/sellthrough/sell-through/")
        texts = every_tooltip(page, "[data-inventory-chart=top]")
        assert any(OUTLET in text for text in texts), texts
        show_tip_of(page, "[data-inventory-chart=top]")
        tip = page.locator("[data-inventory-chart=top] .roots-tt-box")
        expect(tip).to_be_visible()
        expect(tip).to_contain_text(OUTLET)
        if username == "am_a":
            page.locator("[data-inventory-chart=top]").scroll_into_view_if_needed()
            shoot(page, "x1-sellthrough-top-tooltip")


def test_kpi_charts_escape_names_and_draw_readable_trends(
    world, as_user, live_server, shoot
) -> None:
    """The ranking bar chart names the customers (escaped); the trend charts keep their
    first and last dates inside the card and draw a sparse series as a line (D7)."""
    page = as_user("am_a")
    start = (timezone.localdate() - timedelta(days=89)).isoformat()
    page.goto(
        f"{live_server.url}/kpis/?from={start}&to={timezone.localdate().isoformat()}&sort=margin"
    )
    every_tooltip(page, "[data-kpi-chart]")
    trend = "[data-testid=kpi-trend-margin]"
    expect(page.locator(f"{trend}[_echarts_instance_]")).to_be_attached()
    option = page.evaluate(
        """(selector) => {
          const o = echarts.getInstanceByDom(document.querySelector(selector)).getOption();
          return { label: o.xAxis[0].axisLabel, series: o.series[0] };
        }""",
        trend,
    )
    assert option["label"]["alignMinLabel"] == "left"
    assert option["label"]["alignMaxLabel"] == "right"
    assert option["label"]["showMinLabel"] is True and option["label"]["showMaxLabel"] is True
    assert option["series"]["connectNulls"] is True
    assert option["series"]["showAllSymbol"] is True
    page.locator(trend).scroll_into_view_if_needed()
    shoot(page, "d7-kpi-trends", full_page=True)


@pytest.fixture
def statement(personas) -> Statement:
    c = personas.cust_a1
    f.invoice(c, "12000.00", date(2026, 4, 10))
    f.payment(c, "5000.00", date(2026, 5, 15), reference="HD2026051501")
    finance.statements_generate(year=2026, month=5)
    return finance.statement_issue(user=personas.am_a, statement=Statement.objects.get())


def test_main_pages_log_no_csp_violation(world, statement, as_user, live_server) -> None:
    """Without 'unsafe-inline' in style-src, an inline style would log a CSP violation."""
    url = live_server.url
    staff = as_user("am_a")
    for path in (
        "/dashboard/",
        "/dashboard/?view=overview",
        "/notifications/",
        f"/customers/{world.cust_a1.code}/",
        f"/customers/{world.cust_a1.code}/?tab=outlets#outlets",
        "/kpis/",
        "/sales/",
        "/sales/matrix/",
        "/daily/",
        "/sellthrough/sell-through/",
        f"/statements/{statement.number}/",
    ):
        staff.goto(url + path)
        staff.wait_for_load_state("networkidle")
        assert not staff.console_errors, (path, staff.console_errors)  # type: ignore[attr-defined]
    customer = as_user("cu_a1")
    for path in ("/portal/", "/finance/", f"/statements/{statement.number}/", "/kpis/"):
        customer.goto(url + path)
        customer.wait_for_load_state("networkidle")
        assert not customer.console_errors, (path, customer.console_errors)  # type: ignore[attr-defined]
