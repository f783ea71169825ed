"""The order FilterSet, shared by the order list page, the API and the XLSX export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateFilter
from roots.customers.filters import SearchFilterMixin, StrictBooleanFilter
from roots.orders.models import OPEN_ORDER_STATUSES, Order, OrderKind, OrderStatus


class OrderFilter(SearchFilterMixin):
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices, label=_("Kind"))
    customer = django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )
    outlet = django_filters.CharFilter(field_name="outlet__code", label=_("Outlet"), max_length=12)
    submitted_from = BusinessDateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("Submitted from")
    )
    submitted_to = BusinessDateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("Submitted to")
    )
    open = StrictBooleanFilter(method="filter_open", label=_("Open orders only"))

    class Meta:
        model = Order
        fields = [
            "search",
            "status",
            "kind",
            "customer",
            "outlet",
            "submitted_from",
            "submitted_to",
            "open",
        ]

    def filter_open(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=OPEN_ORDER_STATUSES)
        return queryset.exclude(status__in=OPEN_ORDER_STATUSES)
