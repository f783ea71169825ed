from __future__ import annotations

from decimal import Decimal

import pytest

from roots.catalog.models import CustomerPrice, PriceList, PriceListItem, Sku, StockLevel
from roots.customers.models import ChannelType
from roots.demo.seeder import reset_demo_data, seed_demo

pytestmark = pytest.mark.django_db


def _fingerprint() -> list[tuple[str, str, Decimal]]:
    return list(Sku.objects.order_by("code").values_list("code", "name", "list_price"))


def test_small_demo_catalog_has_skus_stock_and_a_price_list_per_channel():
    report = seed_demo(scale="small", seed=11, log=lambda _m: None)
    assert report.counts["skus"] == Sku.objects.count() == 120
    assert set(PriceList.objects.values_list("channel_type", flat=True)) == set(ChannelType.values)
    assert PriceListItem.objects.count() == 120 * len(ChannelType.values)
    assert StockLevel.objects.exists()
    assert CustomerPrice.objects.exists()
    # Channel prices are a discount off the list price.
    item = PriceListItem.objects.select_related("sku").first()
    assert item is not None and item.price < item.sku.list_price
    assert Sku.objects.search("bingxiang").exists()


def test_demo_catalog_is_deterministic():
    seed_demo(scale="small", seed=11, log=lambda _m: None)
    first = _fingerprint()
    reset_demo_data()
    seed_demo(scale="small", seed=11, log=lambda _m: None)
    assert _fingerprint() == first
