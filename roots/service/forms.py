"""Forms of the complaint pages. They only parse input; the services validate and save, and
their errors are shown inline on the same form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from roots.customers.forms import ServiceErrorsMixin
from roots.customers.models import Customer, Outlet
from roots.customers.selectors import customer_list, outlet_list
from roots.org.models import Role, User
from roots.service.models import ComplaintCategory, Severity, sla_hours

# A staff user with more customers than this types the customer's code instead of choosing.
CUSTOMER_SELECT_LIMIT = 300
TEXT_MAX = 5000


class ComplaintForm(ServiceErrorsMixin, forms.Form):
    """A new complaint. Customer users complain for their own company (no customer field);
    staff name the customer (a list of their customers, or a code for headquarters)."""

    customer = forms.CharField(label=_("Customer"), max_length=12, required=False)
    outlet = forms.ModelChoiceField(
        label=_("Outlet"),
        queryset=Outlet.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("The whole company"),
    )
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, where, which products or orders (numbers help)."),
    )

    def __init__(self, *args: Any, user: User, customer: Customer | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["severity"].help_text = _(
            "Urgent: answered within %(urgent)d hours; normal: within %(normal)d hours."
        ) % {
            "urgent": sla_hours(Severity.URGENT)["response"],
            "normal": sla_hours(Severity.NORMAL)["response"],
        }
        self.customer_choices: list[Customer] = []
        if user.role == Role.CUSTOMER_USER:
            del self.fields["customer"]
            customer_id = user.customer_id
        else:
            field = self.fields["customer"]
            field.required = True
            scope = Customer.objects.visible_to(user).only("pk", "code", "name")
            if scope.count() <= CUSTOMER_SELECT_LIMIT:
                self.customer_choices = list(scope.order_by("code"))
                self.fields["customer"] = forms.ChoiceField(
                    label=_("Customer"),
                    choices=[("", "---------")]
                    + [(c.code, f"{c.code} {c.name}") for c in self.customer_choices],
                )
            else:
                field.help_text = _("The customer's code, e.g. C000123.")
            if customer is not None:
                self.initial.setdefault("customer", customer.code)
            code = self.data.get("customer") if self.is_bound else self.initial.get("customer")
            customer_id = (
                customer_list(user=user)
                .filter(code=str(code or "")[:12])
                .values_list("pk", flat=True)
                .first()
                if code
                else None
            )
        outlet_field: Any = self.fields["outlet"]
        if customer_id is None:
            del self.fields["outlet"]
        else:
            outlet_field.queryset = (
                outlet_list(user=user).filter(customer_id=customer_id).order_by("code")
            )

    def service_data(self) -> dict[str, Any]:
        """What `complaint_raise` takes: the customer as a record in the user's scope."""
        data = {
            k: self.cleaned_data.get(k)
            for k in ("outlet", "category", "severity", "subject", "description")
        }
        code = self.cleaned_data.get("customer")
        if code:
            data["customer"] = customer_list(user=self.user).filter(code=code).first()
            if data["customer"] is None:
                self.add_error("customer", _("No customer with this code in your scope."))
        return data


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    internal = forms.BooleanField(
        label=_("Internal note (not shown to the customer)"), required=False
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done; the customer reads it and confirms or reopens."),
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Comment (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the problem not solved?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), to_field_name="username"
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["owner"]
        field.queryset = owners
        field.label_from_instance = lambda u: u.display_name
