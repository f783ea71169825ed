"""One FilterSet per model, shared by the list pages, the API and exports."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from roots.customers.models import (
    ChannelType,
    Contact,
    Customer,
    CustomerStatus,
    Outlet,
    OutletFormat,
    Priority,
    Tier,
)


class SearchFilterMixin(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=100,
        help_text=_("Name, code, full pinyin or pinyin initials (gmdq finds 国美电器)."),
    )

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)


class CustomerFilter(SearchFilterMixin):
    channel_type = django_filters.ChoiceFilter(choices=ChannelType.choices, label=_("Channel type"))
    branch = django_filters.CharFilter(field_name="branch__code", label=_("Branch"), max_length=10)
    account_manager = django_filters.CharFilter(
        field_name="account_manager__username", label=_("Account manager"), max_length=150
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices, label=_("Status"))
    is_key_account = django_filters.BooleanFilter(label=_("Key account"))

    class Meta:
        model = Customer
        fields = [
            "search",
            "channel_type",
            "branch",
            "account_manager",
            "tier",
            "priority",
            "status",
            "is_key_account",
        ]


class OutletFilter(SearchFilterMixin):
    customer = django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )
    format = django_filters.ChoiceFilter(choices=OutletFormat.choices, label=_("Format"))
    province = django_filters.CharFilter(
        field_name="province__code", label=_("Province"), max_length=6
    )
    city = django_filters.CharFilter(label=_("City"), max_length=50)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Outlet
        fields = ["search", "customer", "format", "province", "city", "is_active"]


class ContactFilter(SearchFilterMixin):
    customer = django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )
    is_decision_maker = django_filters.BooleanFilter(label=_("Decision maker"))

    class Meta:
        model = Contact
        fields = ["search", "customer", "is_decision_maker"]
