"""The inventory pages: stock position (and its XLSX export), sell-through rate with its
charts, stock alerts; filters, htmx partials, sorting, paging, scoping and query counts."""

from __future__ import annotations

import datetime
import functools
import io
import json
import re
import zipfile

import pytest
from django.test import Client

from conftest import shared_personas
from roots.customers.tests.factories import OutletFactory
from roots.sellthrough.tests.inventory_helpers import feed_row

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date(2026, 3, 31)
AS_OF = {"as_of": "2026-03-31"}


# Revenue 1,500 a unit sold, cost 1,000.
row = functools.partial(feed_row, cost="1000.00", price=1500)


@pytest.fixture
def feed(personas, sku2):
    """A1: a stock-out (S1) and an overstock (S2); B1: a healthy position (S1)."""
    p = personas
    row(p.outlet_a1, p.sku, D, sold=28, stock=2)  # cover 2 days
    row(p.outlet_a1, sku2, D - datetime.timedelta(days=3), sold=0, stock=9)  # no sales
    row(p.outlet_b1, p.sku, D - datetime.timedelta(days=1), received=20, sold=28, stock=20)


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def positions(response) -> list[str]:
    return re.findall(r'data-position="([^"]+)"', response.content.decode())


# --- stock position ------------------------------------------------------------------------
def test_stock_page_shows_position_cover_and_status(personas, feed):
    response = browser(personas.hq).get("/sellthrough/inventory/", AS_OF)
    assert response.status_code == 200
    html = response.content.decode()
    assert positions(response) == [
        "S1000001/BCD-216STPT-W",
        "S1000001/XQG100-HB",
        "S1000003/BCD-216STPT-W",
    ]
    assert 'data-testid="stock-table"' in html and 'data-testid="inventory-export"' in html
    assert 'data-status="stock_out"' in html and "Stock-out risk" in html
    assert "Overstock" in html and "Healthy" in html
    assert "no sales" in html  # the overstock without sales has no cover
    kpi = re.search(r'data-testid="kpi-stock-outs">(\d+)<', html)
    assert kpi and kpi.group(1) == "1"


def test_stock_page_for_a_customer_user_is_its_company_only(personas, feed):
    response = browser(personas.cu_a1).get("/sellthrough/inventory/", AS_OF)
    assert response.status_code == 200
    assert positions(response) == ["S1000001/BCD-216STPT-W", "S1000001/XQG100-HB"]
    html = response.content.decode()
    assert 'name="customer"' not in html  # no customer filter: always their own
    assert personas.outlet_a1.code in html  # their outlets to choose from


def test_a_customer_user_cannot_widen_the_scope_with_a_customer_code(personas, feed):
    response = browser(personas.cu_a1).get(
        "/sellthrough/inventory/", {**AS_OF, "customer": "C100003"}
    )
    assert positions(response) == ["S1000001/BCD-216STPT-W", "S1000001/XQG100-HB"]


def test_customer_filter_offers_only_customers_in_scope(personas, feed):
    html = browser(personas.bm_a).get("/sellthrough/inventory/", AS_OF).content.decode()
    offered = set(re.findall(r'<option value="(C\d+)"', html))
    assert offered == {"C100001", "C100002"}


def test_out_of_scope_customer_is_a_filter_error_not_a_leak(personas, feed):
    response = browser(personas.am_a).get(
        "/sellthrough/inventory/", {**AS_OF, "customer": "C100003"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "No customer in your scope has this code." in html
    assert positions(response) == []


def test_filter_by_outlet_status_and_search(personas, feed):
    client = browser(personas.hq)
    by_status = client.get("/sellthrough/inventory/", {**AS_OF, "status": "overstock"})
    assert positions(by_status) == ["S1000001/XQG100-HB"]
    by_search = client.get("/sellthrough/inventory/", {**AS_OF, "q": "洗衣机"})
    assert positions(by_search) == ["S1000001/XQG100-HB"]
    by_outlet = client.get(
        "/sellthrough/inventory/", {**AS_OF, "customer": "C100003", "outlet": "S1000003"}
    )
    assert positions(by_outlet) == ["S1000003/BCD-216STPT-W"]


def test_outlet_of_another_customer_is_dropped_when_the_customer_changes(personas, feed):
    response = browser(personas.hq).get(
        "/sellthrough/inventory/", {**AS_OF, "customer": "C100003", "outlet": "S1000001"}
    )
    assert positions(response) == ["S1000003/BCD-216STPT-W"]


def test_sorting_by_cover(personas, feed):
    response = browser(personas.hq).get("/sellthrough/inventory/", {**AS_OF, "sort": "-cover"})
    assert positions(response)[0] == "S1000001/XQG100-HB"  # no sales: endless cover
    response = browser(personas.hq).get("/sellthrough/inventory/", {**AS_OF, "sort": "cover"})
    assert positions(response)[0] == "S1000001/BCD-216STPT-W"
    assert 'data-sort="cover" data-sort-state="ascending"' in response.content.decode()


def test_bad_date_is_a_filter_error(personas, feed):
    client = browser(personas.hq)
    response = client.get("/sellthrough/inventory/", {"as_of": "2026-02-30"})
    assert response.status_code == 400
    assert 'data-testid="filter-errors"' in response.content.decode()
    response = client.get("/sellthrough/inventory/", {"as_of": "0001-01-01"})
    assert response.status_code == 400


def test_htmx_gets_the_results_and_the_outlet_field_out_of_band(personas, feed):
    response = browser(personas.hq).get(
        "/sellthrough/inventory/", {**AS_OF, "customer": "C100001"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="inventory-outlet-field" class="col-6 col-md-2" hx-swap-oob="true"' in html
    assert 'value="S1000001"' in html
    assert positions(response) == ["S1000001/BCD-216STPT-W", "S1000001/XQG100-HB"]
    # Filter errors still swap (htmx swaps 2xx only).
    bad = browser(personas.hq).get(
        "/sellthrough/inventory/", {"as_of": "x"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 200 and 'data-testid="filter-errors"' in bad.content.decode()


def _many_positions(personas, outlets: int) -> None:
    for i in range(outlets):
        outlet = OutletFactory.create(
            customer=personas.cust_a1, province=personas.outlet_a1.province
        )
        row(outlet, personas.sku, D, sold=i, stock=i + 1)


def test_pages_of_fifty(personas):
    _many_positions(personas, 55)
    client = browser(personas.am_a)
    first = client.get("/sellthrough/inventory/", AS_OF)
    assert len(positions(first)) == 50
    second = client.get("/sellthrough/inventory/", {**AS_OF, "page": 2})
    assert len(positions(second)) == 5
    assert "Showing 51–55 of 55" in second.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/sellthrough/inventory/", "/sellthrough/alerts/", "/sellthrough/sell-through/"],
)
def test_pages_query_count_does_not_grow_with_rows(personas, url, django_assert_max_num_queries):
    _many_positions(personas, 3)
    client = browser(personas.am_a)
    params = {**AS_OF, "date_from": "2026-03-01", "date_to": "2026-03-31"}
    client.get(url, params)  # warm up (session, content types)
    with django_assert_max_num_queries(10) as few:
        client.get(url, params)
    _many_positions(personas, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, params)
    assert response.status_code == 200


def _xlsx_strings(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        shared = book.read("xl/sharedStrings.xml").decode()
    return re.findall(r"<t[^>]*>([^<]*)</t>", shared)


def test_export_has_the_same_scope_and_filters(personas, feed):
    response = browser(personas.am_a).get("/sellthrough/inventory/export.xlsx", AS_OF)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="stock-20260331.xlsx"' in response["Content-Disposition"]
    strings = _xlsx_strings(response.content)
    assert "S1000001" in strings and "S1000003" not in strings
    assert "No sales" in strings and "Stock-out risk" in strings
    filtered = browser(personas.hq).get(
        "/sellthrough/inventory/export.xlsx", {**AS_OF, "status": "healthy"}
    )
    strings = _xlsx_strings(filtered.content)
    assert "S1000003" in strings and "S1000001" not in strings


def test_export_with_bad_filters_is_400(personas, feed):
    response = browser(personas.hq).get("/sellthrough/inventory/export.xlsx", {"as_of": "x"})
    assert response.status_code == 400


# --- alerts --------------------------------------------------------------------------------
def test_alerts_page_lists_stock_outs_first(personas, feed):
    response = browser(personas.hq).get("/sellthrough/alerts/", AS_OF)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-kind="([a-z_]+)"', html) == ["stock_out", "overstock"]
    assert 'data-testid="alert-table"' in html
    only = browser(personas.hq).get("/sellthrough/alerts/", {**AS_OF, "kind": "overstock"})
    assert re.findall(r'data-kind="([a-z_]+)"', only.content.decode()) == ["overstock"]


def test_alerts_page_of_another_branch_is_empty(personas, feed):
    html = browser(personas.bm_b).get("/sellthrough/alerts/", AS_OF).content.decode()
    assert "data-kind=" not in html and "No stock alerts" in html


# --- sell-through rate -----------------------------------------------------------------------
def test_rate_page_by_outlet_with_charts(personas, feed):
    response = browser(personas.hq).get(
        "/sellthrough/sell-through/", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="chart-top"' in html and 'data-testid="chart-daily"' in html
    assert "sellthrough/inventory_charts.js" in html
    top = json.loads(re.search(r'<script id="chart-top"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert top["names"] == ["S1000001", "S1000003"]  # most sold first
    assert top["sold"] == [28, 28]
    # B1: opens with 20 − 20 + 28 = 28, receives 20, sells 28: 28 / 48 = 58.3 %.
    assert top["rate"][1] == 58.3
    daily = json.loads(
        re.search(r'<script id="chart-daily"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert len(daily["dates"]) == 31 and daily["sold"][-1] == 28
    assert re.findall(r'data-rate="([^"]+)"', html) == ["S1000001", "S1000003"]


def test_rate_page_by_sku_and_default_period(personas, feed, monkeypatch):
    from roots.sellthrough.inventory import selectors as inventory

    monkeypatch.setattr(inventory, "today", lambda: D)
    response = browser(personas.hq).get("/sellthrough/sell-through/", {"by": "sku"})
    assert response.status_code == 200
    assert re.findall(r'data-rate="([^"]+)"', response.content.decode()) == [
        "BCD-216STPT-W",
        "XQG100-HB",
    ]


def test_rate_page_period_errors(personas, feed):
    client = browser(personas.hq)
    reversed_period = client.get(
        "/sellthrough/sell-through/", {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    )
    assert reversed_period.status_code == 400
    assert "The period ends before it starts." in reversed_period.content.decode()
    too_long = client.get(
        "/sellthrough/sell-through/", {"date_from": "2020-01-01", "date_to": "2026-03-01"}
    )
    assert too_long.status_code == 400


def test_rate_page_without_reports_has_no_charts(personas):
    html = browser(personas.am_b).get("/sellthrough/sell-through/").content.decode()
    assert "No sell-through reported" in html and 'data-testid="chart-top"' not in html


# --- roles ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/sellthrough/inventory/",
        "/sellthrough/inventory/export.xlsx",
        "/sellthrough/alerts/",
        "/sellthrough/sell-through/",
    ],
)
def test_roles_without_customers_get_403(personas, url):
    for role in ("agent", "engineer", "su"):
        assert browser(getattr(personas, role)).get(url).status_code == 403, role
