"""Fixtures of the order tests: a stocked catalog for the personas and quick order helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from conftest import Personas
from roots.catalog.models import StockLevel
from roots.catalog.tests.factories import StockLevelFactory, WarehouseFactory
from roots.orders import services
from roots.orders.models import Order


@pytest.fixture
def english(settings: Any) -> Any:
    """Pages, API and services in English, whatever the translations say (the default
    language is Chinese). Opt in with `pytest.mark.usefixtures("english")`."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def stock(personas: Personas) -> StockLevel:
    """The persona SKU's stock in WH-BA-1 (Shandong): 100 on hand, 10 reserved."""
    return StockLevel.objects.get(sku=personas.sku, warehouse__code="WH-BA-1")


@pytest.fixture
def beijing_stock(personas: Personas) -> StockLevel:
    """A second warehouse, in Beijing (run by branch B), with 50 units of the SKU."""
    warehouse = WarehouseFactory.create(
        code="WH-BB-1", province=personas.outlet_b1.province, branch=personas.branch_b
    )
    return StockLevelFactory.create(warehouse=warehouse, sku=personas.sku, on_hand=50, reserved=0)


OrderMaker = Callable[..., Order]


@pytest.fixture
def make_order(personas: Personas) -> OrderMaker:
    """`make_order(user=..., quantity=2, outlet=...)` submits an order through the service."""

    def make(user: Any = None, *, quantity: int = 2, outlet: Any = None, **data: Any) -> Order:
        return services.order_submit(
            user=user or personas.cu_a1,
            data={
                "outlet": outlet or personas.outlet_a1,
                "lines": [{"sku": personas.sku, "quantity": quantity}],
                **data,
            },
        )

    return make


def advance(order: Order, user: Any, *actions: str) -> Order:
    """Take the steps `actions` in turn as `user`."""
    for action in actions:
        order = services.order_transition(user=user, order=order, action=action)
    return order


def logged_in(user: Any) -> Client:
    """A browser logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def xlsx_texts(content: bytes) -> list[str]:
    """The texts of an XLSX workbook's cells (the access matrix's reader)."""
    from tests.test_access_matrix import xlsx_texts as read

    return read(content)
