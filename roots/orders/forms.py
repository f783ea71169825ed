"""Forms of the order pages: they parse the browser's input; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateFormField
from roots.core.exceptions import error_messages
from roots.customers.models import Outlet

# Errors the form shows on its own fields; the others (lines, credit) go to the cart.
HEADER_FIELDS = ("outlet", "customer_reference", "requested_date", "note")


class OrderHeaderForm(forms.Form):
    """The order's header in the builder: where it goes and the customer's notes. The lines
    come as parallel `sku` / `quantity` lists (the cart)."""

    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.none(),
        to_field_name="code",
        label=_("Deliver to outlet"),
        empty_label=_("Choose an outlet"),
    )
    customer_reference = forms.CharField(label=_("Your reference"), max_length=50, required=False)
    requested_date = BusinessDateFormField(
        label=_("Requested delivery date"),
        required=False,
        # A date picker's value must be ISO whatever the language, or it shows empty.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, outlets: QuerySet[Outlet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outlet"]
        if not isinstance(field, forms.ModelChoiceField):
            raise AssertionError("isinstance(field, forms.ModelChoiceField)")
        field.queryset = outlets.select_related("province").order_by("code")
        field.label_from_instance = lambda o: f"{o.name} · {o.city} ({o.code})"  # type: ignore[method-assign,assignment]
        self.fields["requested_date"].widget.attrs["min"] = timezone.localdate().isoformat()
        if not self.is_bound and outlets.count() == 1:
            self.initial["outlet"] = outlets.first()

    def for_staff(self) -> None:
        """Staff ordering for a customer: the customer's reference, not "your" reference."""
        self.fields["customer_reference"].label = _("Customer reference")

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service's errors of the header's fields, under those fields."""
        for name, messages in error_messages(exc).items():
            if name in HEADER_FIELDS:
                for message in messages:
                    self.add_error(name, message)
