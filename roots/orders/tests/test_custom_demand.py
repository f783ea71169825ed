"""Aggregated custom demand, checked against numbers computed by hand, per scope; its API
action, page and XLSX export."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from roots.catalog.tests.factories import CategoryFactory
from roots.orders.custom import selectors, services
from roots.orders.tests.test_custom_support import accepted, quoted, requested
from roots.org.models import Province

pytestmark = pytest.mark.django_db


def xlsx_texts(content: bytes) -> list[str]:
    """Every cell text of an XLSX workbook (shared and inline strings, numbers)."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    texts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = [
                "".join(t.text or "" for t in si.iter(f"{ns}t")) for si in root.iter(f"{ns}si")
            ]
        for name in book.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                for cell in ElementTree.fromstring(book.read(name)).iter(f"{ns}c"):
                    value = cell.find(f"{ns}v")
                    if value is None:
                        continue
                    text = value.text or ""
                    texts.append(shared[int(text)] if cell.get("t") == "s" else text)
    return texts


@pytest.fixture
def demand_data(personas):
    """Four requests (units in brackets):

    1. 国美 (A1, Shandong = East China): fridge 180-220 L, ¥2,000, energy saving + frost
       free (400); quoted and accepted.
    2. 国美 by its account manager: fridge 230-270 L, ¥2,600, energy saving (100); quoted.
    3. 利群 (A2, Shandong) by its account manager: washer 8-10 kg, ¥1,500, inverter + quiet
       (50); declined without a quote.
    4. 大中 (B1, Beijing = North China): fridge 195-205 L, no target, energy saving +
       smart (300); requested.
    """
    Province.objects.filter(code="370000").update(region="华东")
    Province.objects.filter(code="110000").update(region="华北")
    washers = CategoryFactory.create(code="WM", name="洗衣机", name_en="Washing machines")
    accepted(personas)
    quoted(
        personas,
        capacity_min=Decimal("230"),
        capacity_max=Decimal("270"),
        target_price=Decimal("2600"),
        features=["energy_saving"],
        quantity=100,
    )
    third = services.request_custom_order(
        user=personas.am_a2,
        data={
            "customer": personas.cust_a2,
            "outlet": personas.outlet_a2,
            "title": "9公斤变频静音滚筒",
            "category": washers,
            "capacity_min": Decimal("8"),
            "capacity_max": Decimal("10"),
            "target_price": Decimal("1500"),
            "features": ["inverter", "quiet"],
            "quantity": 50,
        },
    )
    services.decline_custom_order(
        user=personas.pm, custom_order=third, reason="不生产", expected_version=None
    )
    requested(
        personas,
        user=personas.cu_b1,
        outlet=personas.outlet_b1,
        capacity_min=Decimal("195"),
        capacity_max=Decimal("205"),
        target_price=None,
        features=["energy_saving", "smart_wifi"],
        quantity=300,
    )
    return personas


def test_product_manager_sees_every_customers_demand(demand_data):
    demand = selectors.custom_demand(user=demand_data.pm)
    assert (demand["requests"], demand["units"]) == (4, 850)
    assert [
        (r["region"], r["category"], r["requests"], r["units"])
        for r in demand["by_region_category"]
    ] == [("华北", "FRIDGE", 1, 300), ("华东", "FRIDGE", 2, 500), ("华东", "WM", 1, 50)]
    assert [(r["key"], r["requests"], r["units"]) for r in demand["regions"]] == [
        ("华北", 1, 300),
        ("华东", 3, 550),
    ]
    assert [(c["key"], c["units"]) for c in demand["categories"]] == [("FRIDGE", 800), ("WM", 50)]
    assert [(f["key"], f["requests"], f["units"]) for f in demand["by_feature"]] == [
        ("energy_saving", 3, 800),
        ("frost_free", 1, 400),
        ("smart_wifi", 1, 300),
        ("inverter", 1, 50),
        ("quiet", 1, 50),
    ]
    assert [
        (b["category"], b["band"], b["requests"], b["units"]) for b in demand["by_capacity"]
    ] == [
        ("FRIDGE", "200–250", 2, 700),
        ("FRIDGE", "250–300", 1, 100),
        ("WM", "9–10", 1, 50),
    ]
    assert [(p["key"], p["requests"], p["units"]) for p in demand["by_target_price"]] == [
        ("1500", 1, 50),
        ("2000", 1, 400),
        ("2500", 1, 100),
    ]
    assert (
        demand["without_target_price"]["requests"],
        demand["without_target_price"]["units"],
    ) == (
        1,
        300,
    )
    conversion = demand["conversion"]
    assert {k: conversion[k] for k in ("requests", "quoted", "accepted", "declined", "open")} == {
        "requests": 4,
        "quoted": 2,
        "accepted": 1,
        "declined": 1,
        "open": 3,
    }
    assert (conversion["quote_rate"], conversion["acceptance_rate"]) == (0.5, 0.5)


def test_hq_sees_the_same_as_product_managers(demand_data):
    assert selectors.custom_demand(user=demand_data.hq) == selectors.custom_demand(
        user=demand_data.pm
    )


def test_account_manager_sees_own_customers_only(demand_data):
    demand = selectors.custom_demand(user=demand_data.am_a)
    assert (demand["requests"], demand["units"]) == (2, 500)
    assert [(r["region"], r["category"], r["units"]) for r in demand["by_region_category"]] == [
        ("华东", "FRIDGE", 500)
    ]
    assert demand["conversion"]["quote_rate"] == 1.0


def test_branch_manager_sees_own_branch_only(demand_data):
    assert selectors.custom_demand(user=demand_data.bm_b)["units"] == 300
    assert selectors.custom_demand(user=demand_data.bm_a)["units"] == 550


def test_filters_by_category_and_period(demand_data):
    washers = selectors.custom_demand(user=demand_data.pm, category="WM")
    assert (washers["requests"], washers["units"], washers["category"]) == (1, 50, "WM")
    today = timezone.localdate()
    assert (
        selectors.custom_demand(user=demand_data.pm, date_from=today, date_to=today)["requests"]
        == 4
    )
    yesterday = today - timedelta(days=1)
    empty = selectors.custom_demand(user=demand_data.pm, date_to=yesterday)
    assert (empty["requests"], empty["conversion"]["quote_rate"]) == (0, None)


@pytest.mark.parametrize("role", ["cu_a1", "agent", "engineer", "su"])
def test_other_roles_may_not_ask_for_demand(demand_data, role):
    with pytest.raises(PermissionDenied):
        selectors.custom_demand(user=getattr(demand_data, role))


def test_capacity_bands():
    assert selectors.capacity_band(Decimal("180"), Decimal("220")) == (200.0, 250.0)
    assert selectors.capacity_band(None, Decimal("8")) == (8.0, 9.0)
    assert selectors.capacity_band(Decimal("40"), Decimal("60")) == (50.0, 60.0)
    assert selectors.capacity_band(None, None) is None


# --- API, page and export ---------------------------------------------------------------------
def test_demand_api_answers_the_aggregates(demand_data, api):
    response = api.as_(demand_data.pm).get("/api/v1/custom-orders/demand/", {"category": "FRIDGE"})
    assert response.status_code == 200
    assert (response.data["requests"], response.data["units"]) == (3, 800)
    top = response.data["by_feature"][0]
    assert (top["key"], top["requests"], top["units"]) == ("energy_saving", 3, 800)


def test_demand_api_refuses_bad_dates_and_other_roles(demand_data, api):
    client = api.as_(demand_data.pm)
    assert (
        client.get("/api/v1/custom-orders/demand/", {"date_from": "yesterday"}).status_code == 400
    )
    reversed_ = client.get(
        "/api/v1/custom-orders/demand/", {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert reversed_.status_code == 400
    assert api.as_(demand_data.cu_a1).get("/api/v1/custom-orders/demand/").status_code == 403


def test_demand_page_shows_charts_and_table(demand_data):
    client = Client()
    client.force_login(demand_data.pm)
    response = client.get("/custom-orders/demand/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-custom-chart="heatmap"' in html and 'id="chart-features"' in html
    assert 'data-testid="demand-table"' in html
    assert "洗衣机" in html


def test_demand_export_has_the_numbers_of_the_scope(demand_data):
    client = Client()
    client.force_login(demand_data.am_a)
    response = client.get("/custom-orders/demand/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    texts = xlsx_texts(response.content)
    assert "500" in texts and "2" in texts
    assert "300" not in texts  # 大中 (branch B) is out of am_a's scope
    assert "50" not in texts  # 利群 belongs to am_a2
