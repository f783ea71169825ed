"""Shared helpers of the made-to-order tests (no tests here): a custom-capable fridge model,
the Gome need (180-220 L around 2,000 yuan, low power), and records in each state made
through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from conftest import Personas
from roots.catalog.models import Category, ProductModel
from roots.catalog.tests.factories import ProductModelFactory, SkuFactory
from roots.orders.custom import services
from roots.orders.models import CustomOrder


def fridges() -> Category:
    return Category.objects.get(code="FRIDGE")


def custom_model() -> ProductModel:
    """A custom-capable fridge line with one active SKU (BCD-210CUST-W)."""
    existing = ProductModel.objects.filter(code="BCD-210CUST").first()
    if existing is not None:
        return existing
    model = ProductModelFactory.create(
        code="BCD-210CUST", name="海尔定制210升节能冰箱", category=fridges(), is_custom_capable=True
    )
    SkuFactory.create(code="BCD-210CUST-W", product_model=model, name="海尔定制210升冰箱 白")
    return model


def need(personas: Personas, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outlet": personas.outlet_a1,
        "title": "200升一级节能三门冰箱",
        "category": fridges(),
        "capacity_min": Decimal("180"),
        "capacity_max": Decimal("220"),
        "target_price": Decimal("2000.00"),
        "features": ["energy_saving", "frost_free"],
        "quantity": 400,
        "wanted_date": timezone.localdate() + timedelta(days=45),
        "description": "国美定制：低功耗，180-220升，价格2000元左右。",
    }
    data.update(changes)
    return data


def requested(personas: Personas, *, user: Any = None, **changes: Any) -> CustomOrder:
    return services.request_custom_order(
        user=user or personas.cu_a1, data=need(personas, **changes)
    )


def quote_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "quoted_price": Decimal("2050.00"),
        "quoted_lead_days": 21,
        "quoted_model": custom_model(),
        "note": "一级能效，变频压缩机。",
    }
    data.update(changes)
    return data


def quoted(personas: Personas, **changes: Any) -> CustomOrder:
    custom_order = requested(personas, **changes)
    return services.quote_custom_order(
        user=personas.pm, custom_order=custom_order, data=quote_data(), expected_version=None
    )


def accepted(personas: Personas, **changes: Any) -> CustomOrder:
    custom_order = quoted(personas, **changes)
    return services.accept_quote(user=personas.cu_a1, custom_order=custom_order)


def in_production(personas: Personas, **changes: Any) -> CustomOrder:
    return services.start_production(user=personas.pm, custom_order=accepted(personas, **changes))


def produced(personas: Personas, **changes: Any) -> CustomOrder:
    return services.mark_produced(user=personas.pm, custom_order=in_production(personas, **changes))


def reload(custom_order: CustomOrder) -> CustomOrder:
    return CustomOrder.objects.select_related("customer", "order").get(pk=custom_order.pk)
