"""One FilterSet per model, shared by the upload list page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateFilter
from roots.sellthrough.models import CategorySales, FeedKind, SellThrough, Upload, UploadStatus


def _code(field_name: str, label: Any, max_length: int = 40) -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name=field_name, label=label, max_length=max_length)


class UploadFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=FeedKind.choices, label=_("Feed"))
    status = django_filters.ChoiceFilter(choices=UploadStatus.choices, label=_("Status"))
    customer = _code("customer__code", _("Customer"), 12)

    class Meta:
        model = Upload
        fields = ["kind", "status", "customer"]


class _FeedRowFilter(django_filters.FilterSet):
    customer = _code("customer__code", _("Customer"), 12)
    outlet = _code("outlet__code", _("Outlet"), 12)
    date_from = BusinessDateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = BusinessDateFilter(field_name="date", lookup_expr="lte", label=_("To"))


class SellThroughFilter(_FeedRowFilter):
    sku = _code("sku__code", _("SKU"))

    class Meta:
        model = SellThrough
        fields = ["customer", "outlet", "sku", "date_from", "date_to"]


class CategorySalesFilter(_FeedRowFilter):
    category = _code("category__code", _("Category"), 20)

    class Meta:
        model = CategorySales
        fields = ["customer", "outlet", "category", "date_from", "date_to"]
