from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    Sku,
    StockLevel,
    Warehouse,
)
from roots.customers.models import ChannelType
from roots.customers.tests.factories import CustomerFactory
from roots.org.tests.factories import ProvinceFactory


class _Searchable(DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def search(obj: Any, create: bool, extracted: object, **kwargs: object) -> None:
        obj.refresh_search_text()
        if create:
            type(obj).objects.filter(pk=obj.pk).update(search_text=obj.search_text)


class CategoryFactory(_Searchable):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"CAT{n:03d}")
    name = factory.Sequence(lambda n: f"测试品类{n}")


class ProductModelFactory(_Searchable):
    class Meta:
        model = ProductModel

    code = factory.Sequence(lambda n: f"BCD-{100 + n}T")
    name = factory.Sequence(lambda n: f"海尔测试冰箱{n}")
    category = factory.SubFactory(CategoryFactory)


class SkuFactory(_Searchable):
    class Meta:
        model = Sku

    code = factory.Sequence(lambda n: f"BCD-{100 + n}T-W")
    name = factory.Sequence(lambda n: f"海尔 BCD-{100 + n}T 三门冰箱")
    product_model = factory.SubFactory(ProductModelFactory)
    capacity = Decimal("216")
    capacity_unit = "L"
    energy_class = 1
    colour = "白色"
    list_price = Decimal("2999.00")


class WarehouseFactory(_Searchable):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:04d}")
    name = factory.Sequence(lambda n: f"测试仓库{n}")
    province = factory.SubFactory(ProvinceFactory)


class StockLevelFactory(DjangoModelFactory):
    class Meta:
        model = StockLevel

    warehouse = factory.SubFactory(WarehouseFactory)
    sku = factory.SubFactory(SkuFactory)
    on_hand = 100
    reserved = 10


class PriceListFactory(_Searchable):
    class Meta:
        model = PriceList

    code = factory.Sequence(lambda n: f"PL{n:04d}")
    name = factory.Sequence(lambda n: f"测试价格表{n}")
    channel_type = ChannelType.LOCAL_CHAIN
    valid_from = date(2026, 1, 1)
    valid_to = None


class PriceListItemFactory(DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    sku = factory.SubFactory(SkuFactory)
    price = Decimal("2699.00")


class CustomerPriceFactory(DjangoModelFactory):
    class Meta:
        model = CustomerPrice

    customer = factory.SubFactory(CustomerFactory)
    sku = factory.SubFactory(SkuFactory)
    price = Decimal("2499.00")
    valid_from = date(2026, 1, 1)
    valid_to = None
