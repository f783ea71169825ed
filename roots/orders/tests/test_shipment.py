"""Review D18: the allocation step shows and changes the source warehouse per line, and the
shipping step records the carrier and waybill number (API and page)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import shared_personas
from roots.catalog.models import StockLevel
from roots.orders.models import Order, OrderAllocation
from roots.orders.tests.conftest import advance

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _confirmed(make_order, personas, quantity=4):
    order = make_order(quantity=quantity)
    return advance(order, personas.hq, "confirm")


def test_allocate_moves_a_line_to_the_chosen_warehouse(
    personas, api, make_order, stock, beijing_stock
):
    order = _confirmed(make_order, personas)
    line = order.lines.get()
    assert OrderAllocation.objects.get(line=line).warehouse.code == "WH-BA-1"
    reserved_before = StockLevel.objects.get(pk=stock.pk).reserved

    response = api.as_(personas.hq).post(
        f"/api/v1/orders/{order.number}/allocate/",
        {"warehouses": {str(line.pk): "WH-BB-1"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "allocated"
    allocation = OrderAllocation.objects.get(line=line)
    assert (allocation.warehouse.code, allocation.quantity) == ("WH-BB-1", 4)
    assert StockLevel.objects.get(pk=stock.pk).reserved == reserved_before - 4
    assert StockLevel.objects.get(pk=beijing_stock.pk).reserved == 4


def test_allocate_refuses_a_warehouse_without_the_units(
    personas, api, make_order, stock, beijing_stock
):
    order = _confirmed(make_order, personas, quantity=60)  # Beijing has 50
    line = order.lines.get()
    response = api.as_(personas.hq).post(
        f"/api/v1/orders/{order.number}/allocate/",
        {"warehouses": {str(line.pk): "WH-BB-1"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "insufficient_stock"
    assert "only 50" in str(response.json()["errors"])
    assert Order.objects.get(pk=order.pk).status == "confirmed"  # nothing written
    assert OrderAllocation.objects.get(line=line).warehouse.code == "WH-BA-1"
    assert StockLevel.objects.get(pk=beijing_stock.pk).reserved == 0


def test_ship_records_carrier_and_waybill(personas, api, make_order, stock):
    order = advance(_confirmed(make_order, personas), personas.hq, "allocate")
    response = api.as_(personas.hq).post(
        f"/api/v1/orders/{order.number}/ship/",
        {"carrier": "顺丰", "waybill": "SF1234567890"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["carrier"], body["waybill"]) == ("shipped", "顺丰", "SF1234567890")


def test_the_page_offers_warehouses_and_takes_the_waybill(
    personas, make_order, stock, beijing_stock
):
    order = _confirmed(make_order, personas)
    line = order.lines.get()
    browser = Client()
    browser.force_login(personas.hq)
    page = browser.get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="allocate-form"' in page
    assert "WH-BB-1" in page and "50 available" in page
    response = browser.post(
        f"/orders/{order.number}/allocate/",
        {"version": order.version + 1 - 1, f"warehouse_{line.pk}": "WH-BB-1"},
    )
    assert response.status_code == 302
    assert OrderAllocation.objects.get(line=line).warehouse.code == "WH-BB-1"
    order.refresh_from_db()
    page = browser.get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="ship-form"' in page
    browser.post(
        f"/orders/{order.number}/ship/",
        {"version": order.version, "carrier": "京东物流", "waybill": "JD0001"},
    )
    order.refresh_from_db()
    assert (order.status, order.carrier, order.waybill) == ("shipped", "京东物流", "JD0001")
    assert "JD0001" in browser.get(f"/orders/{order.number}/").content.decode()
