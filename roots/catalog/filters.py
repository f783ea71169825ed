"""One FilterSet per catalog model, shared by the API and (later) the list pages."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from roots.catalog.models import (
    Category,
    CustomerPrice,
    EnergyClass,
    PriceList,
    PriceListItem,
    ProductModel,
    Promotion,
    Region,
    RegionalVariant,
    Sku,
    StockLevel,
    Warehouse,
)
from roots.core.dates import BusinessDateFilter
from roots.core.search import query_terms
from roots.customers.filters import SearchFilterMixin, StrictBooleanFilter
from roots.customers.models import ChannelType

_CAPACITY = {"min_value": 0, "max_value": 100_000, "max_digits": 8, "decimal_places": 2}


class CategoryFilter(SearchFilterMixin):
    parent = django_filters.CharFilter(
        field_name="parent__code", label=_("Parent category"), max_length=20
    )

    class Meta:
        model = Category
        fields = ["search", "parent"]


class ProductModelFilter(SearchFilterMixin):
    category = django_filters.CharFilter(
        field_name="category__code", label=_("Category"), max_length=20
    )
    series = django_filters.CharFilter(label=_("Series"), max_length=50)
    is_custom_capable = StrictBooleanFilter(label=_("Made to order possible"))

    class Meta:
        model = ProductModel
        fields = ["search", "category", "series", "is_custom_capable"]


class RegionalVariantFilter(django_filters.FilterSet):
    product_model = django_filters.CharFilter(
        field_name="product_model__code", label=_("Product model"), max_length=30
    )
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))

    class Meta:
        model = RegionalVariant
        fields = ["product_model", "region"]


class SkuFilter(SearchFilterMixin):
    category = django_filters.CharFilter(
        field_name="product_model__category__code", label=_("Category"), max_length=20
    )
    product_model = django_filters.CharFilter(
        field_name="product_model__code", label=_("Product model"), max_length=30
    )
    energy_class = django_filters.TypedChoiceFilter(
        choices=EnergyClass.choices, coerce=int, label=_("Energy class")
    )
    capacity_min = django_filters.NumberFilter(
        field_name="capacity", lookup_expr="gte", label=_("Capacity from"), **_CAPACITY
    )
    capacity_max = django_filters.NumberFilter(
        field_name="capacity", lookup_expr="lte", label=_("Capacity to"), **_CAPACITY
    )
    is_active = StrictBooleanFilter(label=_("Active"))

    class Meta:
        model = Sku
        fields = [
            "search",
            "category",
            "product_model",
            "energy_class",
            "capacity_min",
            "capacity_max",
            "is_active",
        ]


class WarehouseFilter(SearchFilterMixin):
    province = django_filters.CharFilter(
        field_name="province__code", label=_("Province"), max_length=6
    )
    branch = django_filters.CharFilter(field_name="branch__code", label=_("Branch"), max_length=10)

    class Meta:
        model = Warehouse
        fields = ["search", "province", "branch"]


class StockLevelFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="sku__code", label=_("SKU"), max_length=40)
    warehouse = django_filters.CharFilter(
        field_name="warehouse__code", label=_("Warehouse"), max_length=12
    )

    class Meta:
        model = StockLevel
        fields = ["sku", "warehouse"]


class PriceListFilter(SearchFilterMixin):
    channel_type = django_filters.ChoiceFilter(choices=ChannelType.choices, label=_("Channel type"))

    class Meta:
        model = PriceList
        fields = ["search", "channel_type"]


class PriceListItemFilter(django_filters.FilterSet):
    price_list = django_filters.CharFilter(
        field_name="price_list__code", label=_("Price list"), max_length=20
    )
    sku = django_filters.CharFilter(field_name="sku__code", label=_("SKU"), max_length=40)

    class Meta:
        model = PriceListItem
        fields = ["price_list", "sku"]


class CustomerPriceFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=100,
        help_text=_("Customer or SKU: name, code, full pinyin or pinyin initials."),
    )
    customer = django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )
    sku = django_filters.CharFilter(field_name="sku__code", label=_("SKU"), max_length=40)

    class Meta:
        model = CustomerPrice
        fields = ["search", "customer", "sku"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        for term in query_terms(value):
            queryset = queryset.filter(
                Q(customer__search_text__contains=term) | Q(sku__search_text__contains=term)
            )
        return queryset


class PromotionFilter(SearchFilterMixin):
    channel_type = django_filters.ChoiceFilter(
        choices=ChannelType.choices, method="filter_channel", label=_("Channel type")
    )
    valid_on = BusinessDateFilter(method="filter_valid_on", label=_("Valid on"))
    is_published = StrictBooleanFilter(label=_("Published"))

    class Meta:
        model = Promotion
        fields = ["search", "channel_type", "valid_on", "is_published"]

    def filter_channel(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.for_channel(value)

    def filter_valid_on(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.valid_on(value)
