"""One FilterSet per model, shared by the list pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateFilter
from roots.customers.filters import SearchFilterMixin
from roots.finance.models import (
    OVERDUE,
    OVERDUE_LABEL,
    Dispute,
    DisputeStatus,
    Expense,
    ExpenseKind,
    ExpenseStatus,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Statement,
    StatementStatus,
)

INVOICE_STATUS_CHOICES = [*InvoiceStatus.choices, (OVERDUE, OVERDUE_LABEL)]


def _customer() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )


class InvoiceFilter(SearchFilterMixin):
    status = django_filters.ChoiceFilter(
        choices=INVOICE_STATUS_CHOICES, method="filter_status", label=_("Status")
    )
    customer = _customer()
    date_from = BusinessDateFilter(
        field_name="issue_date", lookup_expr="gte", label=_("Issued from")
    )
    date_to = BusinessDateFilter(field_name="issue_date", lookup_expr="lte", label=_("Issued to"))

    class Meta:
        model = Invoice
        fields = ["search", "status", "customer", "date_from", "date_to"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        if value == OVERDUE:
            return queryset.exclude(status=InvoiceStatus.PAID).filter(
                due_date__lt=timezone.localdate()
            )
        return queryset.filter(status=value)


class PaymentFilter(SearchFilterMixin):
    customer = _customer()
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices, label=_("Method"))
    date_from = BusinessDateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received from")
    )
    date_to = BusinessDateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received to")
    )

    class Meta:
        model = Payment
        fields = ["search", "customer", "method", "date_from", "date_to"]


class ExpenseFilter(SearchFilterMixin):
    kind = django_filters.ChoiceFilter(choices=ExpenseKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ExpenseStatus.choices, label=_("Status"))
    customer = _customer()

    class Meta:
        model = Expense
        fields = ["search", "kind", "status", "customer"]


class StatementFilter(SearchFilterMixin):
    status = django_filters.ChoiceFilter(choices=StatementStatus.choices, label=_("Status"))
    customer = _customer()
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    month = django_filters.NumberFilter(label=_("Month"), min_value=1, max_value=12)

    class Meta:
        model = Statement
        fields = ["search", "status", "customer", "year", "month"]


class DisputeFilter(SearchFilterMixin):
    status = django_filters.ChoiceFilter(choices=DisputeStatus.choices, label=_("Status"))
    customer = _customer()

    class Meta:
        model = Dispute
        fields = ["search", "status", "customer"]
