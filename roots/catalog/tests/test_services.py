from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import shared_personas
from roots.catalog import services
from roots.catalog.models import Sku
from roots.catalog.tests.factories import (
    CategoryFactory,
    CustomerPriceFactory,
    ProductModelFactory,
    SkuFactory,
    StockLevelFactory,
)
from roots.core.exceptions import PreconditionFailedError

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def test_product_manager_creates_sku_with_pinyin_search(personas):
    model = ProductModelFactory.create()
    sku = services.sku_create(
        user=personas.pm,
        data={
            "code": "XQG100-B12",
            "product_model": model,
            "name": "海尔滚筒洗衣机",
            "list_price": Decimal("3299"),
        },
    )
    assert sku.version == 1
    assert Sku.objects.search("gtxyj").filter(pk=sku.pk).exists()
    assert sku.history.first().history_user == personas.pm


def test_account_manager_cannot_create_sku(personas):
    with pytest.raises(PermissionDenied):
        services.sku_create(
            user=personas.am_a,
            data={"code": "X-1", "product_model": ProductModelFactory.create(), "name": "x"},
        )


def test_sku_update_bumps_version_and_keeps_code(personas):
    sku = SkuFactory.create()
    updated = services.sku_update(user=personas.hq, sku=sku, data={"colour": "金色"})
    assert (updated.colour, updated.version) == ("金色", 2)
    with pytest.raises(ValidationError):
        services.sku_update(user=personas.hq, sku=updated, data={"code": "OTHER-1"})


def test_sku_update_with_stale_version_fails(personas):
    sku = SkuFactory.create()
    with pytest.raises(PreconditionFailedError):
        services.sku_update(user=personas.hq, sku=sku, data={"colour": "x"}, expected_version=9)


def test_negative_list_price_is_refused(personas):
    with pytest.raises(ValidationError):
        services.sku_create(
            user=personas.hq,
            data={
                "code": "NEG-1",
                "product_model": ProductModelFactory.create(),
                "name": "负价",
                "list_price": Decimal("-1"),
            },
        )


def test_customer_price_must_not_end_before_it_starts(personas):
    with pytest.raises(ValidationError):
        services.customer_price_create(
            user=personas.hq,
            data={
                "customer": personas.cust_a1,
                "sku": personas.sku,
                "price": Decimal("10"),
                "valid_from": date(2026, 5, 1),
                "valid_to": date(2026, 4, 1),
            },
        )


def test_customer_price_cannot_move_to_another_customer(personas):
    price = CustomerPriceFactory.create(customer=personas.cust_a1)
    with pytest.raises(ValidationError):
        services.customer_price_update(
            user=personas.hq, customer_price=price, data={"customer": personas.cust_b1}
        )


def test_stock_reserved_cannot_exceed_on_hand(personas):
    stock = StockLevelFactory.create(on_hand=5, reserved=0)
    with pytest.raises(ValidationError):
        services.stock_level_update(user=personas.pm, stock_level=stock, data={"reserved": 6})
    assert (
        services.stock_level_update(
            user=personas.pm, stock_level=stock, data={"reserved": 5}
        ).available
        == 0
    )


def test_duplicate_stock_row_is_a_field_error(personas):
    stock = StockLevelFactory.create()
    with pytest.raises(ValidationError):
        services.stock_level_create(
            user=personas.hq, data={"warehouse": stock.warehouse, "sku": stock.sku, "on_hand": 1}
        )


def test_category_cannot_be_under_itself(personas):
    parent = CategoryFactory.create()
    child = CategoryFactory.create(parent=parent)
    with pytest.raises(ValidationError):
        services.category_update(user=personas.hq, category=parent, data={"parent": child})
