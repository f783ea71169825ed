"""One FilterSet per model, shared by the complaint list page and the API."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roots.customers.filters import SearchFilterMixin, StrictBooleanFilter
from roots.service.models import (
    ACTIVE_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Severity,
)

# A complaint "near its SLA": its running deadline is at most this far away.
DUE_SOON = datetime.timedelta(hours=24)


class ComplaintFilter(SearchFilterMixin):
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    category = django_filters.ChoiceFilter(choices=ComplaintCategory.choices, label=_("Category"))
    customer = django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )
    owner = django_filters.CharFilter(
        field_name="owner__username", label=_("Owner"), max_length=150
    )
    active = StrictBooleanFilter(method="filter_active", label=_("Open or in progress"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Past its deadline"))
    due_soon = StrictBooleanFilter(
        method="filter_due_soon", label=_("Due within a day, or past its deadline")
    )

    class Meta:
        model = Complaint
        fields = ["search", "status", "severity", "category", "customer", "owner"]

    def filter_active(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = Q(status__in=ACTIVE_STATUSES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        now = timezone.now()
        condition = Q(status__in=ACTIVE_STATUSES) & (
            Q(first_response_at__isnull=True, response_due__lt=now)
            | Q(first_response_at__isnull=False, resolution_due__lt=now)
        )
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_due_soon(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Active complaints whose running deadline (the answer until the first one, then
        the resolution) falls within `DUE_SOON` from now, or has passed (the "my day" tile)."""
        if value is None:
            return queryset
        horizon = timezone.now() + DUE_SOON
        condition = Q(status__in=ACTIVE_STATUSES) & (
            Q(first_response_at__isnull=True, response_due__lt=horizon)
            | Q(first_response_at__isnull=False, resolution_due__lt=horizon)
        )
        return queryset.filter(condition) if value else queryset.exclude(condition)
