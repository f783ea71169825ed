"""One FilterSet per model, shared by the list pages, the API and exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from roots.core.models import ScopedQuerySet
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

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class StrictNullBooleanField(forms.NullBooleanField):
    """A yes/no filter value: empty means "either"; anything else but true/false is a 400
    (not silently "either", which would answer rows the client did not ask for)."""

    widget = forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))])

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or value == "" or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


class SearchFilterMixin(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=100,
        help_text=_("Name, code, full pinyin or pinyin initials (gmdq finds 国美电器)."),
    )

    def filter_search(self, queryset: ScopedQuerySet, name: str, value: str) -> QuerySet:
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
    is_key_account = StrictBooleanFilter(label=_("Key account"))

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
    is_active = StrictBooleanFilter(label=_("Active"))

    class Meta:
        model = Outlet
        fields = ["search", "customer", "format", "province", "city", "is_active"]


class ContactFilter(SearchFilterMixin):
    customer = django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )
    is_decision_maker = StrictBooleanFilter(label=_("Decision maker"))

    class Meta:
        model = Contact
        fields = ["search", "customer", "is_decision_maker"]
