"""The inventory API: /api/v1/sellthrough/stock/, /sell-through/ and /alerts/ — values,
filters, ordering, paging, 400s for bad parameters, 404s for codes out of scope, 403 for
roles without customers, and query counts."""

from __future__ import annotations

import datetime

import pytest

from conftest import shared_personas
from roots.customers.tests.factories import OutletFactory
from roots.sellthrough.tests.inventory_helpers import feed_row

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STOCK = "/api/v1/sellthrough/stock/"
RATES = "/api/v1/sellthrough/sell-through/"
ALERTS = "/api/v1/sellthrough/alerts/"
D = datetime.date(2026, 3, 31)


row = feed_row  # revenue 2,500 a unit sold, cost 1,999


@pytest.fixture
def feed(personas, sku2):
    p = personas
    row(p.outlet_a1, p.sku, D - datetime.timedelta(days=20), received=30, sold=2, stock=30)
    row(p.outlet_a1, p.sku, D, sold=12, stock=16)  # 14 sold in 28 days: 0.5 a day, 32 days
    row(p.outlet_a1, sku2, D, sold=28, stock=3)  # 1 a day, 3 days: stock-out risk
    row(p.outlet_b1, p.sku, D - datetime.timedelta(days=5), sold=0, stock=8)  # overstock


def test_stock_position_values(personas, feed, api):
    response = api.as_(personas.hq).get(STOCK, {"as_of": "2026-03-31"})
    assert response.status_code == 200
    assert response.data["count"] == 3
    first = response.data["results"][0]
    assert first == {
        "customer": "C100001",
        "customer_name": "国美电器青岛有限公司",
        "outlet": "S1000001",
        "outlet_name": personas.outlet_a1.name,
        "sku": "BCD-216STPT-W",
        "sku_name": personas.sku.name,
        "stock_units": 16,
        "unit_cost": "1999.00",
        "stock_value": "31984.00",
        "units_sold_28d": 14,
        "daily_sales": "0.50",
        "days_of_cover": "32.0",
        "status": "healthy",
        "reported_on": "2026-03-31",
    }
    b1 = response.data["results"][2]
    assert (b1["outlet"], b1["days_of_cover"], b1["status"]) == ("S1000003", None, "overstock")


def test_stock_filters_ordering_and_paging(personas, feed, api):
    client = api.as_(personas.hq)
    base = {"as_of": "2026-03-31"}
    outs = client.get(STOCK, {**base, "status": "stock_out"}).data["results"]
    assert [(r["outlet"], r["sku"]) for r in outs] == [("S1000001", "XQG100-HB")]
    by_cover = client.get(STOCK, {**base, "ordering": "-cover"}).data["results"]
    assert [r["days_of_cover"] for r in by_cover] == [None, "32.0", "3.0"]
    of_b1 = client.get(STOCK, {**base, "customer": "C100003"}).data
    assert of_b1["count"] == 1
    of_sku = client.get(STOCK, {**base, "sku": "XQG100-HB"}).data
    assert of_sku["count"] == 1
    by_search = client.get(STOCK, {**base, "search": "洗衣机"}).data
    assert by_search["count"] == 1
    paged = client.get(STOCK, {**base, "page_size": 2, "page": 2}).data
    assert paged["count"] == 3 and len(paged["results"]) == 1 and paged["next"] is None
    stale = client.get(STOCK, {"as_of": "2026-05-31"}).data
    assert stale["count"] == 0  # every report is older than 28 days by then


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "2026-02-30"}, "as_of"),
        ({"as_of": "0001-01-01"}, "as_of"),
        ({"as_of": "9999-12-31"}, "as_of"),
        ({"status": "bad"}, "status"),
        ({"ordering": "unit_cost"}, "ordering"),
        ({"customer": "C" * 13}, "customer"),
        ({"sku": "NO-SUCH-SKU"}, "sku"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_stock_bad_parameters_are_400_with_field_errors(personas, feed, api, params, field):
    response = api.as_(personas.hq).get(STOCK, params)
    assert response.status_code == 400
    assert field in response.data["errors"], response.data


@pytest.mark.parametrize("url", [STOCK, RATES, ALERTS])
def test_codes_unknown_or_out_of_scope_are_404(personas, feed, api, url):
    assert api.as_(personas.hq).get(url, {"customer": "C999999"}).status_code == 404
    assert api.as_(personas.am_a).get(url, {"customer": "C100003"}).status_code == 404
    assert api.as_(personas.am_a).get(url, {"outlet": "S1000003"}).status_code == 404
    assert api.as_(personas.cu_a1).get(url, {"customer": "C100003"}).status_code == 404
    assert api.as_(personas.cu_a1).get(url, {"customer": "C100001"}).status_code == 200
    assert api.as_(personas.am_a).get(url, {"outlet": "S1000001"}).status_code == 200


@pytest.mark.parametrize("url", [STOCK, RATES, ALERTS])
def test_roles_without_customers_get_403_and_anonymous_401(personas, api, url):
    for role in ("agent", "engineer", "su"):
        assert api.as_(getattr(personas, role)).get(url).status_code == 403, role
    assert api.as_(None).get(url).status_code == 401


def test_alerts_order_and_kind(personas, feed, api):
    client = api.as_(personas.hq)
    alerts = client.get(ALERTS, {"as_of": "2026-03-31"}).data["results"]
    assert [(a["kind"], a["outlet"], a["sku"]) for a in alerts] == [
        ("stock_out", "S1000001", "XQG100-HB"),
        ("overstock", "S1000003", "BCD-216STPT-W"),
    ]
    assert alerts[0]["days_of_cover"] == "3.0" and alerts[0]["daily_sales"] == "1.00"
    over = client.get(ALERTS, {"as_of": "2026-03-31", "kind": "overstock"}).data
    assert over["count"] == 1
    assert client.get(ALERTS, {"kind": "both"}).status_code == 400


def test_alerts_of_an_account_manager_are_its_customers_only(personas, feed, api):
    alerts = api.as_(personas.am_b).get(ALERTS, {"as_of": "2026-03-31"}).data["results"]
    assert [a["customer"] for a in alerts] == ["C100003"]


def test_rates_by_outlet_and_sku(personas, feed, api):
    client = api.as_(personas.hq)
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    by_outlet = client.get(RATES, period).data["results"]
    a1 = by_outlet[0]
    # A1 × S1 opens with 30 − 30 + 2 = 2; A1 × S2 with 3 + 28 = 31: 42 sold of 2 + 31 + 30.
    assert (a1["key"], a1["opening_stock"], a1["units_received"], a1["units_sold"]) == (
        "S1000001",
        33,
        30,
        42,
    )
    assert a1["rate"] == "0.6667"
    assert a1["customer"] == "C100001" and a1["sku"] == ""
    by_sku = client.get(RATES, {**period, "by": "sku", "ordering": "name"}).data["results"]
    assert [r["key"] for r in by_sku] == ["XQG100-HB", "BCD-216STPT-W"]  # by name
    assert by_sku[0]["rate"] == "0.9032"  # 28 / 31
    b1 = client.get(RATES, {**period, "customer": "C100003"}).data["results"][0]
    assert b1["rate"] == "0.0000"  # 8 there, none sold


def test_rates_default_to_the_last_28_days(personas, feed, api, monkeypatch):
    from roots.sellthrough.inventory import selectors as inventory

    monkeypatch.setattr(inventory, "today", lambda: D)
    data = api.as_(personas.hq).get(RATES).data
    # 03-04 … 03-31: both outlets reported in it.
    assert data["count"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-03-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "1999-12-31"}, "to"),
        ({"by": "region"}, "by"),
        ({"ordering": "-margin"}, "ordering"),
    ],
)
def test_rates_bad_parameters_are_400(personas, api, params, field):
    response = api.as_(personas.hq).get(RATES, params)
    assert response.status_code == 400
    assert field in response.data["errors"], response.data


@pytest.mark.parametrize("url", [STOCK, RATES, ALERTS])
def test_query_count_does_not_grow_with_rows(personas, api, url, django_assert_max_num_queries):
    def grow(n: int) -> None:
        for i in range(n):
            outlet = OutletFactory.create(
                customer=personas.cust_a1, province=personas.outlet_a1.province
            )
            row(outlet, personas.sku, D, sold=30, stock=i % 5)  # every one a stock-out

    grow(2)
    client = api.as_(personas.am_a)
    params = {"as_of": "2026-03-31", "from": "2026-03-01", "to": "2026-03-31"}
    with django_assert_max_num_queries(4) as few:
        client.get(url, params)
    grow(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, params)
    assert response.data["count"] >= 20
