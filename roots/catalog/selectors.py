"""Reads of the catalog, always through the user's scope, and the effective price."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    RegionalVariant,
    Sku,
    StockLevel,
    Warehouse,
)

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User


def category_list(*, user: User) -> QuerySet[Category]:
    return Category.objects.visible_to(user).select_related("parent")


def product_model_list(*, user: User) -> QuerySet[ProductModel]:
    return ProductModel.objects.visible_to(user).select_related("category")


def regional_variant_list(*, user: User) -> QuerySet[RegionalVariant]:
    return RegionalVariant.objects.visible_to(user).select_related("product_model")


def sku_list(*, user: User, search: str | None = None) -> QuerySet[Sku]:
    return (
        Sku.objects.visible_to(user)
        .search(search)
        .select_related("product_model", "product_model__category")
    )


def warehouse_list(*, user: User) -> QuerySet[Warehouse]:
    return Warehouse.objects.visible_to(user).select_related("province", "branch")


def stock_level_list(*, user: User) -> QuerySet[StockLevel]:
    return StockLevel.objects.visible_to(user).select_related("warehouse", "sku")


def price_list_list(*, user: User) -> QuerySet[PriceList]:
    return PriceList.objects.visible_to(user)


def price_list_item_list(*, user: User) -> QuerySet[PriceListItem]:
    return PriceListItem.objects.visible_to(user).select_related("price_list", "sku")


def customer_price_list(*, user: User) -> QuerySet[CustomerPrice]:
    return CustomerPrice.objects.visible_to(user).select_related("customer", "sku")


# --- the effective price -------------------------------------------------------------------
def _valid_on(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def prices_for(*, customer: Customer, skus: Iterable[Sku], on: date) -> dict[int, Decimal]:
    """The effective price of each SKU for a customer on a day, in two queries whatever
    the number of SKUs: a customer-specific price valid that day, else the price in a valid
    price list of the customer's channel type, else the SKU's list price. Where several
    are valid, the one that started last wins."""
    by_id = {sku.pk: sku for sku in skus}
    prices = {pk: sku.list_price for pk, sku in by_id.items()}
    if not by_id:
        return prices
    channel_items = (
        PriceListItem.objects.all_unscoped()
        .filter(
            _valid_on(on, "price_list__"),
            price_list__channel_type=customer.channel_type,
            sku_id__in=by_id,
        )
        .order_by("price_list__valid_from", "price_list_id")
        .values_list("sku_id", "price")
    )
    for sku_id, price in channel_items:  # later lists overwrite earlier ones
        prices[sku_id] = price
    overrides = (
        CustomerPrice.objects.all_unscoped()
        .filter(_valid_on(on), customer=customer, sku_id__in=by_id)
        .order_by("valid_from", "pk")
        .values_list("sku_id", "price")
    )
    for sku_id, price in overrides:
        prices[sku_id] = price
    return prices


def price_for(*, customer: Customer, sku: Sku, on: date) -> Decimal:
    """The effective price of one SKU for a customer on a day (see `prices_for`)."""
    return prices_for(customer=customer, skus=[sku], on=on)[sku.pk]
