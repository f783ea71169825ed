"""Forms of the finance pages. They only parse input; the services validate and save, and
their errors are shown inline on the same form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateFormField
from roots.customers.forms import ServiceErrorsMixin
from roots.customers.models import Customer
from roots.customers.selectors import customer_list
from roots.finance import policies
from roots.finance.models import MAX_AMOUNT, PaymentMethod
from roots.org.models import Role, User

# A staff user with more customers than this types the customer's code instead of choosing.
CUSTOMER_SELECT_LIMIT = 300
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )


class CustomerFieldMixin(ServiceErrorsMixin, forms.Form):
    """A `customer` field for staff (a list of the customers they keep, or a code when they
    keep many); customer users act for their own company and get no field."""

    customer = forms.CharField(label=_("Customer"), max_length=12)

    def setup_customer(self, user: User, customer: Customer | None) -> None:
        self.user = user
        if user.role == Role.CUSTOMER_USER:
            del self.fields["customer"]
            return
        scope = list(
            Customer.objects.visible_to(user)
            .only("pk", "code", "name", "branch_id", "account_manager_id")
            .order_by("code")[: CUSTOMER_SELECT_LIMIT + 1]
        )
        kept = [c for c in scope if policies.manages(user, c)]
        if len(scope) <= CUSTOMER_SELECT_LIMIT:
            self.fields["customer"] = forms.ChoiceField(
                label=_("Customer"),
                choices=[("", "---------")] + [(c.code, f"{c.code} {c.name}") for c in kept],
            )
        else:
            self.fields["customer"].help_text = _("The customer's code, e.g. C000123.")
        if customer is not None:
            self.initial.setdefault("customer", customer.code)

    def resolved_customer(self) -> Customer | None:
        """The customer the form names, within the user's scope (None: a field error)."""
        if "customer" not in self.fields:
            return self.user.customer
        code = str(self.cleaned_data.get("customer") or "")[:12]
        found = customer_list(user=self.user).filter(code=code).first()
        if found is None:
            self.add_error("customer", _("No customer with this code in your scope."))
        return found


class PaymentForm(CustomerFieldMixin):
    received_on = BusinessDateFormField(label=_("Received on"), widget=DATE)
    amount = _amount_field(_("Amount (CNY)"))
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("Bank transaction or bill number."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, customer: Customer | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.setup_customer(user, customer)
        self.initial.setdefault("received_on", timezone.localdate())


class ExpenseForm(CustomerFieldMixin):
    """A marketing-expense claim (customers, or staff on their behalf) or a rebate (staff)."""

    activity = forms.CharField(
        label=_("Activity"),
        max_length=200,
        help_text=_("What was done: a promotion, an in-store display, an advertisement …"),
    )
    period_start = BusinessDateFormField(label=_("Period from"), widget=DATE)
    period_end = BusinessDateFormField(label=_("Period to"), widget=DATE)
    amount = _amount_field(_("Amount (CNY)"))
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Invoices, photos or reports that support the claim (describe them)."),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        customer: Customer | None = None,
        rebate: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.setup_customer(user, customer)
        if rebate:
            self.fields["activity"].help_text = _("E.g. Q2 volume rebate, 2 percent of purchases.")
            self.fields["evidence"].label = _("Basis")
            self.fields["evidence"].help_text = _("How the rebate was computed.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note to the customer"), max_length=500, required=False)


class DisputeForm(forms.Form):
    lines = forms.TypedMultipleChoiceField(
        label=_("Disputed lines"), coerce=int, required=False, choices=()
    )
    comment = forms.CharField(
        label=_("What is wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, line_ids: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(i, str(i)) for i in line_ids]  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
