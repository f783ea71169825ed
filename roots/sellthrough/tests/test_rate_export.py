"""The sell-through rate page's XLSX export: the page's scope, filters and grouping."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from conftest import shared_personas

# The page tests' data set (fixture `feed`; `sku2` is in conftest) and client.
from roots.sellthrough.tests.test_inventory_views import browser, feed  # noqa: F401

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "feed")]

PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def rows_of(response) -> list[list[object]]:
    assert response.status_code == 200, response.content[:200]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()  # type: ignore[return-value]


def test_rate_export_is_scoped_and_typed(personas):
    everything = rows_of(browser(personas.hq).get("/sellthrough/sell-through/export.xlsx", PERIOD))
    assert [r[0] for r in everything[1:]] == ["S1000001", "S1000003"]
    rate = everything[0].index("Sell-through rate")
    assert round(everything[2][rate], 3) == 0.583  # 28 / 48
    mine = rows_of(browser(personas.am_a).get("/sellthrough/sell-through/export.xlsx", PERIOD))
    assert [r[0] for r in mine[1:]] == ["S1000001"]


def test_rate_export_by_sku_and_bad_period(personas):
    client = browser(personas.hq)
    by_sku = rows_of(client.get("/sellthrough/sell-through/export.xlsx", {**PERIOD, "by": "sku"}))
    assert {r[0] for r in by_sku[1:]} == {"BCD-216STPT-W", "XQG100-HB"}
    reversed_period = client.get(
        "/sellthrough/sell-through/export.xlsx",
        {"date_from": "2026-03-31", "date_to": "2026-03-01"},
    )
    assert reversed_period.status_code == 400


def test_rate_page_offers_the_export(personas):
    html = browser(personas.hq).get("/sellthrough/sell-through/", PERIOD).content.decode()
    assert 'data-testid="sell-through-export"' in html
