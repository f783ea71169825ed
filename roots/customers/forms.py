"""Forms of the customer master. They only parse input; the services validate and save, and
their errors are shown inline on the same form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from roots.core.exceptions import add_service_errors
from roots.core.fields import AllowListFormMixin
from roots.customers import policies
from roots.customers.models import Contact, Customer, Outlet
from roots.org.models import Branch, Role, User


class ServiceErrorsMixin:
    """Copy a service's ValidationError onto the form's fields (inline errors)."""

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)  # type: ignore[arg-type]


class HttpsURLField(forms.URLField):
    """A web address typed without a scheme is taken as https:// (Django 6's default)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class CustomerForm(AllowListFormMixin, ServiceErrorsMixin, forms.ModelForm):
    """A customer, with the fields the user's role may write (`policies.CUSTOMER_FIELDS`)."""

    field_allow_list = policies.CUSTOMER_FIELDS

    class Meta:
        model = Customer
        fields = policies.editable_fields(Customer, policies.CUSTOMER_FIELDS)
        field_classes = {"website": HttpsURLField}
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "organisation": forms.Textarea(attrs={"rows": 2}),
            "marketing_model": forms.Textarea(attrs={"rows": 2}),
            "price_system": forms.Textarea(attrs={"rows": 2}),
            "product_structure": forms.Textarea(attrs={"rows": 2}),
            "shared_notes": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Fields the role may not set are not shown at all.
        self.limit_to_allowed(user)
        if "payment_terms" in self.fields and self.instance.payment_terms_text:
            # Standard terms in the editor's language (the service reads any language).
            self.initial["payment_terms"] = self.instance.get_payment_terms_display()
        if "branch" in self.fields:
            branch_field = cast(forms.ModelChoiceField, self.fields["branch"])
            branch_field.queryset = Branch.objects.filter(is_active=True)
        if "account_manager" in self.fields:
            managers = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
            branch = self.instance.branch if self.instance.branch_id else user.branch
            if user.role == Role.BRANCH_MANAGER or (branch and user.role != Role.HQ_ADMIN):
                managers = managers.filter(branch=branch)
            cast(forms.ModelChoiceField, self.fields["account_manager"]).queryset = managers

    def _post_clean(self) -> None:
        # Model validation runs in the service, on the whole record, in its transaction.
        pass

    def changed_values(self) -> dict[str, Any]:
        """The submitted values (all of them on create, the changed ones on edit)."""
        if self.instance.pk is None:
            return dict(self.cleaned_data)
        return {name: self.cleaned_data[name] for name in self.changed_data}


class OutletForm(AllowListFormMixin, ServiceErrorsMixin, forms.ModelForm):
    field_allow_list = policies.OUTLET_FIELDS

    class Meta:
        model = Outlet
        fields = policies.editable_fields(Outlet, policies.OUTLET_FIELDS)
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_to_allowed(user)

    def _post_clean(self) -> None:
        pass


class ContactForm(AllowListFormMixin, ServiceErrorsMixin, forms.ModelForm):
    field_allow_list = policies.CONTACT_FIELDS

    class Meta:
        model = Contact
        fields = policies.editable_fields(Contact, policies.CONTACT_FIELDS)
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        # A person's name (姓名), not an object's (名称).
        labels = {"name": gettext_lazy("Full name")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_to_allowed(user)

    def _post_clean(self) -> None:
        pass
