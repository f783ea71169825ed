"""The upload form of the sell-through page. It only parses input; the service validates
and saves, and its errors are shown inline on the same form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from roots.customers.forms import ServiceErrorsMixin
from roots.customers.models import Customer
from roots.org.models import Role, User
from roots.sellthrough import policies
from roots.sellthrough.models import FeedKind

# A staff user with more customers than this types the customer's code instead of choosing.
CUSTOMER_SELECT_LIMIT = 300


class UploadForm(ServiceErrorsMixin, forms.Form):
    """A feed file. Customer users upload for their own company (no customer field); staff
    name the customer (a list of the customers they serve, or a code for headquarters)."""

    kind = forms.ChoiceField(
        label=_("Feed"), choices=FeedKind.choices, initial=FeedKind.SELLTHROUGH
    )
    customer = forms.CharField(label=_("Customer"), max_length=12, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or XLSX, at most 200 MB, with the template's header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.role == Role.CUSTOMER_USER:
            del self.fields["customer"]
            return
        self.fields["customer"].required = True
        scope = Customer.objects.visible_to(user).only(
            "pk", "code", "name", "branch_id", "account_manager_id"
        )
        if scope.count() <= CUSTOMER_SELECT_LIMIT:
            mine = [c for c in scope.order_by("code") if policies.can_upload_for(user, c)]
            self.fields["customer"] = forms.ChoiceField(
                label=_("Customer"),
                choices=[("", "---------")] + [(c.code, f"{c.code} {c.name}") for c in mine],
            )
            if len(mine) == 1:  # an account manager with one customer has nothing to choose
                self.initial.setdefault("customer", mine[0].code)
        else:
            self.fields["customer"].help_text = _("The customer's code, e.g. C000123.")

    def clean_customer(self) -> Customer | None:
        code = str(self.cleaned_data.get("customer") or "").strip()
        if not code:
            return None
        found = Customer.objects.visible_to(self.user).filter(code=code[:12]).first()
        if found is None:
            raise forms.ValidationError(_("Unknown customer."))
        return found
