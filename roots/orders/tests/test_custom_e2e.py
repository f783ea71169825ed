"""Made-to-order in a real browser (Chromium): the customer requests a fridge made to its
need, a product manager quotes it, the customer accepts, and the production clock starts;
the account manager's list and the product manager's demand view. Screenshots go to
test-artifacts/e2e/custom-*.png."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import PASSWORD
from roots.catalog.tests.factories import CategoryFactory
from roots.customers.tests.factories import OutletFactory
from roots.orders.custom.demo import seed_custom_orders
from roots.orders.models import CustomOrder
from roots.orders.tests.test_custom_support import accepted, custom_model
from roots.org.demo.common import DemoRandom
from roots.org.models import Province
from roots.org.tests.factories import ProvinceFactory

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def world(personas):
    """The personas with regions on their provinces, outlets in three more regions, demo
    categories and a few hundred demo requests, so that lists and charts look lived in."""
    Province.objects.filter(code="370000").update(region="华东")
    Province.objects.filter(code="110000").update(region="华北")
    for code, name, region in (
        ("440000", "广东省", "华南"),
        ("510000", "四川省", "西南"),
        ("210000", "辽宁省", "东北"),
    ):
        province = ProvinceFactory.create(code=code, name=name, short_name=name[:2], region=region)
        OutletFactory.create(customer=personas.cust_a1, province=province)
        OutletFactory.create(customer=personas.cust_b1, province=province)
    for code, name, en in (("REF", "冰箱", "Refrigerators"), ("WM", "洗衣机", "Washing machines"),
                           ("AC", "空调", "Air conditioners")):  # fmt: skip
        CategoryFactory.create(code=code, name=name, name_en=en)
    custom_model()
    personas.cust_a1.credit_limit = Decimal("50000000")
    personas.cust_a1.save()
    seed_custom_orders(scale="small", rng=DemoRandom(2026, "custom_orders"))
    return personas


@pytest.fixture
def as_user(browser: Browser, live_server):
    """`as_user("pm")` opens a signed-in browser context (Chinese, a laptop's screen); no
    console error (a CSP violation, a failing script) may show in any of them."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(username: str, *, language: str = "zh-CN") -> Page:
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},
            locale=language,
            timezone_id="Asia/Shanghai",
            reduced_motion="reduce",
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())  # the accept button's confirmation
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


def test_request_quote_accept_and_the_clock(world, live_server, transactional_db, as_user, shoot):
    base = live_server.url
    # 1. The customer describes the need (Gome's fridge).
    customer = as_user("cu_a1")
    customer.goto(base + "/custom-orders/new/")
    customer.fill("input[name=title]", "国美定制 210升一级节能三门冰箱")
    customer.select_option("select[name=category]", "FRIDGE")
    customer.fill("input[name=capacity_min]", "180")
    customer.fill("input[name=capacity_max]", "220")
    customer.fill("input[name=target_price]", "2000")
    customer.check("input[name=features][value=energy_saving]")
    customer.check("input[name=features][value=frost_free]")
    customer.fill("input[name=quantity]", "800")
    wanted = timezone.localdate() + timedelta(days=40)
    customer.fill("input[name=wanted_date]", wanted.isoformat())
    customer.select_option("select[name=outlet]", world.outlet_a1.code)
    customer.fill("textarea[name=description]", "低功耗，价格2000元左右，门店主推。")
    shoot(customer, "custom-01-request-form", full_page=True)
    customer.click("[data-testid=submit-request]")
    expect(customer.locator("[data-testid=custom-order-status]")).to_have_attribute(
        "data-status", "requested"
    )
    number = re.search(r"/custom-orders/(MO\d{8})/", customer.url).group(1)  # type: ignore[union-attr]
    shoot(customer, "custom-02-requested", full_page=True)

    # 2. A product manager quotes it.
    pm = as_user("pm")
    pm.goto(base + "/custom-orders/?status=requested")
    expect(pm.locator("[data-testid=custom-order-table]")).to_contain_text(number)
    shoot(pm, "custom-03-pm-list")
    pm.goto(base + f"/custom-orders/{number}/")
    pm.fill("input[name=quoted_price]", "2050")
    pm.fill("input[name=quoted_lead_days]", "21")
    pm.select_option("select[name=quoted_model]", "BCD-210CUST")
    pm.fill("textarea[name=note]", "一级能效，变频压缩机，含渠道专属外观。")
    shoot(pm, "custom-04-quote-form", full_page=True)
    pm.click("[data-testid=submit-quote]")
    expect(pm.locator("[data-testid=quoted-price]")).to_contain_text("2,050.00")

    # 3. The customer accepts: the order is created, production must start within 7 days.
    customer.goto(base + f"/custom-orders/{number}/")
    expect(customer.locator("[data-testid=quote-card]")).to_contain_text("1,640,000.00")
    shoot(customer, "custom-05-quote-for-customer", full_page=True)
    customer.click("[data-testid=accept]")
    customer.click("[data-testid=confirm-modal-ok]")  # the styled confirmation (D11)
    expect(customer.locator("[data-testid=custom-order-status]")).to_have_attribute(
        "data-status", "accepted"
    )
    expect(customer.locator("[data-testid=production-clock]")).to_have_attribute(
        "data-clock", "on_track"
    )
    expect(customer.locator("[data-testid=order-link]")).to_be_visible()
    shoot(customer, "custom-06-accepted", full_page=True)
    custom_order = CustomOrder.objects.select_related("order").get(number=number)
    assert custom_order.order is not None and custom_order.order.kind == "made_to_order"

    # 4. The account manager's list: the production clocks of its customers, one of them at
    # risk and one overdue.
    for hours in (30, -20):
        late = accepted(world, quantity=60, title=f"演示：距开工期限 {hours} 小时")
        CustomOrder.objects.filter(pk=late.pk).update(
            production_due=timezone.now() + timedelta(hours=hours)
        )
    manager = as_user("am_a")
    manager.goto(base + "/custom-orders/?status=accepted")
    table = manager.locator("[data-testid=custom-order-table]")
    expect(table).to_contain_text(number)
    for state in ("on_track", "at_risk", "overdue"):
        expect(table.locator(f"[data-clock={state}]").first).to_be_visible()
    shoot(manager, "custom-07-am-clock-list")

    # 5. The product manager starts production; the timeline shows every step.
    pm.goto(base + f"/custom-orders/{number}/")
    pm.click("[data-testid=start-production]")
    expect(pm.locator("[data-testid=custom-order-status]")).to_have_attribute(
        "data-status", "in_production"
    )
    expect(pm.locator("[data-testid=timeline] .timeline-event")).to_have_count(4)
    shoot(pm, "custom-08-in-production", full_page=True)

    # 6. The demand view.
    pm.goto(base + "/custom-orders/demand/")
    for chart in ("[data-custom-chart=heatmap]", "[data-custom-chart=hbar]", "[data-chart=bar]"):
        expect(pm.locator(f"{chart} canvas").first).to_be_visible()
    shoot(pm, "custom-09-demand", full_page=True)


def test_pages_in_english(world, live_server, transactional_db, as_user, shoot):
    manager = as_user("am_a", language="en-US")
    manager.click("[data-testid=language-switch]")
    manager.click("button[name=language][value=en]")
    manager.goto(live_server.url + "/custom-orders/demand/")
    shoot(manager, "custom-10-demand-am", full_page=True)
    first = CustomOrder.objects.filter(customer=world.cust_a1).order_by("-number").first()
    assert first is not None
    manager.goto(live_server.url + f"/custom-orders/{first.number}/")
    shoot(manager, "custom-11-detail-am", full_page=True)
