"""Forms of the pipeline pages. They only parse input; the services validate and save, and
their errors are shown inline on the same form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateFormField
from roots.core.fields import AllowListFormMixin, writable_fields
from roots.customers.forms import ServiceErrorsMixin
from roots.customers.models import ChannelType, Contact, Customer
from roots.org.models import Branch, Role, User
from roots.sales import policies, selectors, services
from roots.sales.models import (
    OPEN_STAGES,
    REOPEN_STAGES,
    Activity,
    ActivityKind,
    Lead,
    LeadStatus,
    LostReason,
    Opportunity,
    Stage,
)

# A user with more records than this to choose from types a code instead.
SELECT_LIMIT = 300
TEXT_MAX = 5000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]
SCORE_LABELS = {
    "growth": _("Growth of the customer's business"),
    "business_plan": _("Its business plan and strategy"),
    "revenue_potential": _("Revenue it could bring us"),
    "opportunities": _("Concrete opportunities with us"),
    "solution_fit": _("Fit of our products and solutions"),
    "competitiveness": _("Our position against competitors"),
    "relationship": _("Our relationship with its people"),
}


def code_field(
    queryset: QuerySet[Any], *, label: Any, required: bool, label_of: Any, help_text: Any = ""
) -> forms.Field:
    """A record chosen by its business code: a list when the user has few to choose from,
    a code to type otherwise (`ResolveMixin.resolve` finds it in the user's scope)."""
    if queryset.count() <= SELECT_LIMIT:
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=[("", "---------")] + [(r.code, label_of(r)) for r in queryset],
        )
    return forms.CharField(
        label=label,
        required=required,
        max_length=12,
        help_text=help_text or _("The code, e.g. C000123."),
    )


def _owner_field(user: User, branch: Branch | None = None) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=selectors.owner_choices(user=user, branch=branch),
        to_field_name="username",
        required=False,
        empty_label=_("— me, or the customer's account manager —"),
    )
    field.label_from_instance = lambda u: (  # type: ignore[method-assign,assignment]
        f"{u.display_name} · {u.branch.name if u.branch else ''} · {u.get_role_display()}"
    )
    return field


class ResolveMixin(ServiceErrorsMixin):
    """Turn the codes of customers, leads and opportunities into records in scope."""

    user: User
    cleaned_data: dict[str, Any]

    def resolve(self, name: str, queryset: QuerySet[Any]) -> Any:
        code = self.cleaned_data.get(name)
        if not code:
            return None
        found = queryset.filter(code=str(code)[:12]).first()
        if found is None:
            self.add_error(name, _("None with this code in your scope."))  # type: ignore[attr-defined]
        return found


# --- leads ---------------------------------------------------------------------------------------
class LeadForm(AllowListFormMixin, ResolveMixin, forms.ModelForm):
    field_allow_list = policies.LEAD_FIELDS

    class Meta:
        model = Lead
        fields = list(services.LEAD_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        # Headquarters choose the branch (and may move a lead to another one, with an
        # owner of that branch: the owners of every branch are offered then).
        moves_branch = user.role == Role.HQ_ADMIN and (
            not editing or "branch" in writable_fields(user, policies.LEAD_FIELDS)
        )
        if moves_branch:
            self.fields["branch"] = forms.ModelChoiceField(
                label=_("Branch"),
                queryset=Branch.objects.order_by("code"),
                to_field_name="code",
                required=False,
                help_text=_("The owner's branch when left empty."),
            )
            if editing:
                self.initial["branch"] = self.instance.branch.code
        if policies.may_choose_owner(user):
            branch = self.instance.branch if editing and not moves_branch else None
            self.fields["owner"] = _owner_field(user, branch)
            if editing:
                self.initial["owner"] = self.instance.owner.username
        if editing:
            self.limit_to_allowed(user)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in services.LEAD_FIELDS}
        for name in ("branch", "owner"):
            if self.cleaned_data.get(name) is not None:
                data[name] = self.cleaned_data[name]
        return data


class DisqualifyForm(forms.Form):
    reason = forms.CharField(label=_("Why is this lead dropped?"), max_length=300)


class ConvertForm(ResolveMixin, forms.Form):
    customer = forms.CharField(required=False)
    channel_type = forms.ChoiceField(
        label=_("Channel type of the new customer"),
        choices=[("", "---------"), *ChannelType.choices],
        required=False,
    )
    open_opportunity = forms.BooleanField(label=_("Open an opportunity"), required=False)
    opportunity_name = forms.CharField(label=_("Opportunity name"), max_length=200, required=False)
    expected_value = forms.DecimalField(
        label=_("Expected value (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(10**11),
        required=False,
    )
    close_date = BusinessDateFormField(label=_("Expected close date"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: User, lead: Lead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.lead = lead
        self.customers = selectors.assessable_customers(user=user).filter(branch_id=lead.branch_id)
        self.fields["customer"] = code_field(
            self.customers.order_by("code"),
            label=_("Or link an existing customer"),
            required=False,
            label_of=lambda c: f"{c.code} {c.name}",
        )
        self.initial.setdefault("channel_type", lead.channel_type)
        self.initial.setdefault("opportunity_name", lead.company_name)
        self.initial.setdefault("expected_value", lead.estimated_revenue)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "customer": self.resolve("customer", self.customers),
            "channel_type": data.get("channel_type") or "",
            "opportunity": None,
        }
        if data.get("open_opportunity"):
            missing = [
                name
                for name in ("opportunity_name", "expected_value", "close_date")
                if data.get(name) in (None, "")
            ]
            for name in missing:
                self.add_error(name, _("This field is required."))
            kwargs["opportunity"] = {
                "name": data.get("opportunity_name"),
                "expected_value": data.get("expected_value"),
                "close_date": data.get("close_date"),
            }
        return kwargs


# --- opportunities -------------------------------------------------------------------------------
class OpportunityForm(AllowListFormMixin, ResolveMixin, forms.ModelForm):
    field_allow_list = policies.OPPORTUNITY_FIELDS

    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[(s, Stage(s).label) for s in OPEN_STAGES],
        initial=Stage.PROSPECTING,
    )

    class Meta:
        model = Opportunity
        fields = list(services.OPPORTUNITY_FIELDS)
        widgets = {"close_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args: Any,
        user: User,
        customer: Customer | None = None,
        lead: Lead | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        self.customers = selectors.assessable_customers(user=user)
        self.leads = selectors.lead_list(user=user).filter(
            status__in=(LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED)
        )
        if editing:
            del self.fields["stage"]
        else:
            self.fields["customer"] = code_field(
                self.customers.order_by("code"),
                label=_("Customer"),
                required=False,
                label_of=lambda c: f"{c.code} {c.name}",
            )
            self.fields["lead"] = code_field(
                self.leads.order_by("code"),
                label=_("Or a lead"),
                required=False,
                label_of=lambda ld: f"{ld.code} {ld.company_name}",
                help_text=_("The lead's code, e.g. L000123."),
            )
            if customer is not None:
                self.initial["customer"] = customer.code
            if lead is not None:
                self.initial["lead"] = lead.code
            order = ["name", "customer", "lead", "stage"]
            self.order_fields(order + [f for f in self.fields if f not in order])
        if policies.may_choose_owner(user):
            branch = self.instance.branch if editing else None
            self.fields["owner"] = _owner_field(user, branch)
            if editing:
                self.initial["owner"] = self.instance.owner.username
        if editing:
            self.limit_to_allowed(user)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in services.OPPORTUNITY_FIELDS}
        if "stage" in self.fields:
            data["stage"] = self.cleaned_data.get("stage")
        if "customer" in self.fields:
            data["customer"] = self.resolve("customer", self.customers)
            data["lead"] = self.resolve("lead", self.leads)
        if self.cleaned_data.get("owner") is not None:
            data["owner"] = self.cleaned_data["owner"]
        return data


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    lost_reason = forms.ChoiceField(
        label=_("Why was it lost?"),
        choices=[("", "---------"), *LostReason.choices],
        required=False,
    )
    lost_note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Reopen at"),
        choices=[(s, Stage(s).label) for s in REOPEN_STAGES],
        initial=Stage.NEGOTIATION,
        required=False,
    )


# --- activities ----------------------------------------------------------------------------------
class ActivityForm(AllowListFormMixin, ResolveMixin, forms.ModelForm):
    """Plan an activity, or log one that took place (`done` with its outcome)."""

    field_allow_list = policies.ACTIVITY_FIELDS

    done = forms.BooleanField(label=_("It already took place"), required=False)
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What came of it: agreements, next steps."),
    )

    class Meta:
        model = Activity
        fields = ["kind", "subject", "planned_at", "contact", "notes"]
        widgets = {"planned_at": DATETIME, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args: Any,
        user: User,
        customer: Customer | None = None,
        lead: Lead | None = None,
        opportunity: Opportunity | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        self.fixed = {"customer": customer, "lead": lead, "opportunity": opportunity}
        self.customers = selectors.assessable_customers(user=user)
        planned_at: Any = self.fields["planned_at"]
        planned_at.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        if editing:
            del self.fields["done"]
            if self.instance.status != "done":
                del self.fields["outcome"]
            else:
                self.fields["outcome"].required = True
            target = self.instance.customer
        else:
            target = customer or (opportunity.customer if opportunity else None)
            if target is None and lead is None and opportunity is None:
                self.fields["customer"] = code_field(
                    self.customers.order_by("code"),
                    label=_("Customer"),
                    required=False,
                    label_of=lambda c: f"{c.code} {c.name}",
                )
                order = ["kind", "subject", "customer", "planned_at"]
                self.order_fields(order + [f for f in self.fields if f not in order])
        contact: Any = self.fields["contact"]
        if target is not None:
            contact.queryset = Contact.objects.visible_to(user).filter(customer=target)
        else:
            del self.fields["contact"]
        self.fields["kind"].initial = ActivityKind.VISIT
        if policies.may_choose_owner(user):
            self.fields["owner"] = _owner_field(user, self.instance.branch if editing else None)
            if editing:
                self.initial["owner"] = self.instance.owner.username
        if editing:
            self.limit_to_allowed(user)

    @property
    def logs_done(self) -> bool:
        return bool(self.cleaned_data.get("done"))

    def service_data(self) -> dict[str, Any]:
        names: tuple[str, ...] = ("kind", "subject", "planned_at", "notes", "contact")
        data: dict[str, Any] = {k: self.cleaned_data.get(k) for k in names if k in self.fields}
        if self.instance.pk is None:
            data.update({k: v for k, v in self.fixed.items() if v is not None})
            if "customer" in self.fields:
                data["customer"] = self.resolve("customer", self.customers)
            if self.logs_done:
                data["outcome"] = self.cleaned_data.get("outcome")
        elif "outcome" in self.fields:
            data["outcome"] = self.cleaned_data.get("outcome")
        if self.cleaned_data.get("owner") is not None:
            data["owner"] = self.cleaned_data["owner"]
        return data


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- the worksheet -------------------------------------------------------------------------------
def _score(name: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=SCORE_LABELS[name], choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )


class AssessmentForm(ServiceErrorsMixin, forms.Form):
    """The seven criteria (1–5 each), the potential yearly revenue and notes."""

    growth = _score("growth")
    business_plan = _score("business_plan")
    revenue_potential = _score("revenue_potential")
    opportunities = _score("opportunities")
    solution_fit = _score("solution_fit")
    competitiveness = _score("competitiveness")
    relationship = _score("relationship")
    potential_revenue = forms.DecimalField(
        label=_("Potential yearly revenue (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(10**11),
        help_text=_("What the customer could buy from us in a year."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in services.SCORE_FIELDS]
