"""One FilterSet per model, shared by the pipeline pages and the API."""

from __future__ import annotations

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateFilter
from roots.customers.filters import SearchFilterMixin, StrictBooleanFilter
from roots.customers.models import ChannelType, Priority
from roots.sales.models import (
    OPEN_LEAD_STATUSES,
    OPEN_STAGES,
    Activity,
    ActivityKind,
    ActivityStatus,
    Lead,
    LeadSource,
    LeadStatus,
    Opportunity,
    PotentialAssessment,
    Stage,
)

MONTH = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Enter a month as YYYY-MM."))


def _owner() -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name="owner__username", label=_("Owner"), max_length=150)


def _branch() -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name="branch__code", label=_("Branch"), max_length=10)


def _customer() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name="customer__code", label=_("Customer"), max_length=12
    )


class LeadFilter(SearchFilterMixin):
    status = django_filters.ChoiceFilter(choices=LeadStatus.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label=_("Source"))
    channel_type = django_filters.ChoiceFilter(choices=ChannelType.choices, label=_("Channel type"))
    owner = _owner()
    branch = _branch()
    open = StrictBooleanFilter(method="filter_open", label=_("Open (not converted or dropped)"))

    class Meta:
        model = Lead
        fields = ["search", "status", "source", "channel_type", "owner", "branch", "open"]

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = Q(status__in=OPEN_LEAD_STATUSES)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class OpportunityFilter(SearchFilterMixin):
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    open = StrictBooleanFilter(method="filter_open", label=_("Open (not won or lost)"))
    owner = _owner()
    branch = _branch()
    customer = _customer()
    lead = django_filters.CharFilter(field_name="lead__code", label=_("Lead"), max_length=12)
    due = StrictBooleanFilter(method="filter_due", label=_("Open, expected to close by today"))
    close_month = django_filters.CharFilter(
        method="filter_close_month",
        label=_("Close month"),
        max_length=7,
        validators=[MONTH],
        help_text=_("YYYY-MM"),
    )

    class Meta:
        model = Opportunity
        fields = ["search", "stage", "open", "owner", "branch", "customer", "lead", "close_month"]

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = Q(stage__in=OPEN_STAGES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_due(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Open deals whose expected close date is today or has passed: the next step is
        due (the "my day" tile)."""
        if value is None:
            return queryset
        condition = Q(stage__in=OPEN_STAGES, close_date__lte=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_close_month(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(close_date__year=year, close_date__month=month)


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label=_("Status"))
    owner = _owner()
    customer = _customer()
    lead = django_filters.CharFilter(field_name="lead__code", label=_("Lead"), max_length=12)
    opportunity = django_filters.CharFilter(
        field_name="opportunity__code", label=_("Opportunity"), max_length=12
    )
    planned_from = BusinessDateFilter(
        field_name="planned_at", lookup_expr="date__gte", label=_("Planned from")
    )
    planned_to = BusinessDateFilter(
        field_name="planned_at", lookup_expr="date__lte", label=_("Planned to")
    )
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Planned and past due"))

    class Meta:
        model = Activity
        fields = [
            "kind",
            "status",
            "owner",
            "customer",
            "lead",
            "opportunity",
            "planned_from",
            "planned_to",
            "overdue",
        ]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        condition = Q(status=ActivityStatus.PLANNED, planned_at__lt=timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class AssessmentFilter(django_filters.FilterSet):
    customer = _customer()
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))

    class Meta:
        model = PotentialAssessment
        fields = ["customer", "priority"]
