"""Forms of the made-to-order pages. They only parse input; the services validate and act,
and their errors are shown inline on the same form."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roots.catalog.forms import CategoryChoiceField
from roots.catalog.models import Category, ProductModel
from roots.core.dates import BusinessDateFormField
from roots.customers.forms import ServiceErrorsMixin
from roots.customers.models import Customer, Outlet
from roots.orders.custom.rules import (
    MAX_CAPACITY,
    MAX_LEAD_DAYS,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    QUOTE_VALID_DAYS,
    CustomFeature,
)


def _date_input() -> forms.DateInput:
    """A browser date picker; its value must be ISO (YYYY-MM-DD) whatever the language,
    or the browser shows it empty."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _amount(
    label: Any,
    max_digits: int,
    max_value: Decimal,
    *,
    min_value: Decimal = Decimal(0),
    required: bool = False,
    **options: Any,
) -> forms.DecimalField:
    """An amount with two decimals, optional unless said."""
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=2,
        min_value=min_value,
        max_value=max_value,
        required=required,
        **options,
    )


def _text(label: Any, max_length: int, rows: int, **options: Any) -> forms.CharField:
    """An optional text of several lines."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **options,
    )


class CodeChoiceField(forms.ModelChoiceField):
    """A choice of a record by its business code, labelled `name (code)`."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class CustomOrderRequestForm(ServiceErrorsMixin, forms.Form):
    """The need: what, how many, by when, for which outlet."""

    outlet = CodeChoiceField(
        label=_("Deliver to outlet"), queryset=Outlet.objects.none(), to_field_name="code"
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 200 L energy-saving fridge")}),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none(), to_field_name="code"
    )
    capacity_min = _amount(
        _("Capacity from"),
        8,
        MAX_CAPACITY,
        help_text=_("In the category's unit: litres, kg, HP or inches."),
    )
    capacity_max = _amount(_("Capacity to"), 8, MAX_CAPACITY)
    target_price = _amount(_("Target unit price (CNY)"), 14, MAX_UNIT_PRICE)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    wanted_date = BusinessDateFormField(label=_("Wanted by"), required=False, widget=_date_input())
    features = forms.MultipleChoiceField(
        label=_("Features"),
        choices=CustomFeature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    description = _text(
        _("Description"),
        5000,
        rows=4,
        help_text=_("Anything else: colours, packaging, regional needs, the market it is for."),
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outlets: QuerySet[Outlet] = (
            Outlet.objects.all_unscoped()
            .filter(customer=customer, is_active=True)
            .select_related("province")
            .order_by("code")
        )
        self.fields["outlet"].queryset = outlets  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.all_unscoped().order_by("code")  # type: ignore[attr-defined]
        if len(outlets) == 1:
            self.fields["outlet"].initial = outlets[0].code

    def clean(self) -> dict[str, Any]:
        """The cross-field rules of the service, checked here too so that one submit reports
        every problem at once (they run even when other fields failed)."""
        data = super().clean() or {}
        low, high = data.get("capacity_min"), data.get("capacity_max")
        if low is not None and high is not None and low > high:
            self.add_error("capacity_max", _("The upper capacity must not be below the lower one."))
        wanted = data.get("wanted_date")
        if wanted is not None and wanted < timezone.localdate():
            self.add_error("wanted_date", _("The wanted date cannot be in the past."))
        return data


class QuoteForm(ServiceErrorsMixin, forms.Form):
    """The product manager's quote."""

    quoted_price = _amount(
        _("Unit price (CNY)"), 14, MAX_UNIT_PRICE, min_value=Decimal("0.01"), required=True
    )
    quoted_lead_days = forms.IntegerField(
        label=_("Lead time (days)"), min_value=1, max_value=MAX_LEAD_DAYS
    )
    quoted_model = CodeChoiceField(
        label=_("Model to build on"),
        queryset=ProductModel.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("Custom-capable models of the requested category."),
    )
    quote_valid_until = BusinessDateFormField(
        label=_("Valid until"), required=False, widget=_date_input()
    )
    note = _text(_("Note to the customer"), 2000, rows=3)

    def __init__(self, *args: Any, category: Category, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quoted_model"].queryset = (  # type: ignore[attr-defined]
            ProductModel.objects.all_unscoped()
            .filter(Q(category=category) | Q(category__parent=category), is_custom_capable=True)
            .order_by("code")
        )
        self.fields["quote_valid_until"].initial = timezone.localdate() + timedelta(
            days=QUOTE_VALID_DAYS
        )

    def clean(self) -> dict[str, Any]:
        """A past validity is reported with the other problems (the service's rule)."""
        data = super().clean() or {}
        valid_until = data.get("quote_valid_until")
        if valid_until is not None and valid_until < timezone.localdate():
            self.add_error(
                "quote_valid_until", _("A quote cannot be valid until a day in the past.")
            )
        return data


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = _text(_("Reason"), 500, rows=2)


class DemandFilterForm(forms.Form):
    """The demand view's period and category."""

    date_from = BusinessDateFormField(
        label=_("Requested from"), required=False, widget=_date_input()
    )
    date_to = BusinessDateFormField(label=_("Requested to"), required=False, widget=_date_input())
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [  # type: ignore[attr-defined]
            (c.code, c.local_name) for c in categories
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
