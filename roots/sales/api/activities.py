"""`/api/v1/activities/`: visits, calls, meetings and e-mails by id, with the steps complete
and cancel (generated from `roots.sales.lifecycles.ACTIVITY`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers

from roots.core.api import (
    BusinessDateTimeField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    ServiceWriteMixin,
    scope_user,
)
from roots.core.fields import AllowListSerializerMixin
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.customers.models import Customer
from roots.org.models import User
from roots.sales import policies, selectors, services
from roots.sales.api.common import ScopedContactField, owner_field
from roots.sales.filters import ActivityFilter
from roots.sales.lifecycles import ACTIVITY
from roots.sales.models import Activity, ActivityStatus, Lead, Opportunity


class ActivitySerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.ACTIVITY_FIELDS
    fixed_fields = policies.ACTIVITY_FIXED_FIELDS

    customer = ScopedSlugRelatedField(
        slug_field="code", queryset=Customer.objects.all(), required=False, allow_null=True
    )
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )
    lead = ScopedSlugRelatedField(
        slug_field="code", queryset=Lead.objects.all(), required=False, allow_null=True
    )
    opportunity = ScopedSlugRelatedField(
        slug_field="code", queryset=Opportunity.objects.all(), required=False, allow_null=True
    )
    contact = ScopedContactField(required=False, allow_null=True)
    owner = owner_field()
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    status = serializers.ChoiceField(
        choices=ActivityStatus.choices,
        required=False,
        help_text="On create: planned (default) or done (a visit that took place: "
        "`outcome` required); then only `complete` and `cancel` change it.",
    )
    planned_at = BusinessDateTimeField(
        required=False, help_text="When it is planned (or took place, for a done one)."
    )
    outcome = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    allowed_actions = AllowedActionsField(ACTIVITY)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "subject",
            "status",
            "customer",
            "customer_name",
            "lead",
            "opportunity",
            "contact",
            "owner",
            "owner_name",
            "planned_at",
            "done_at",
            "notes",
            "outcome",
            "allowed_actions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "done_at", "version", "created_at", "updated_at"]


def _activity_create(*, user: User, data: Mapping[str, Any]) -> Activity:
    """Plan an activity, or log one that took place (`status: done`)."""
    values = dict(data)
    kind = values.pop("status", ActivityStatus.PLANNED)
    if kind == ActivityStatus.DONE:
        return services.activity_log(user=user, data=values)
    if kind != ActivityStatus.PLANNED:
        raise ValidationError({"status": [_("A new activity is planned or done.")]})
    if values.get("outcome"):
        raise ValidationError(
            {"outcome": [_("Only an activity that took place (status done) has an outcome.")]}
        )
    values.pop("outcome", None)
    return services.activity_plan(user=user, data=values)


def _activity_update(
    *, user: User, activity: Activity, data: Mapping[str, Any], expected_version: int | None
) -> Activity:
    values = dict(data)
    if "status" in values and values.pop("status") != activity.status:
        raise ValidationError(
            {"status": [_("Complete or cancel the activity to change its status.")]}
        )
    return services.activity_update(
        user=user, activity=activity, data=values, expected_version=expected_version
    )


class ActivityViewSet(
    LifecycleViewSetMixin,
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Visits, calls, meetings and e-mails with customers and leads. Filters: kind, status,
    owner, customer, lead, opportunity, planned_from, planned_to (dates), overdue."""

    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["planned_at", "done_at", "updated_at"]
    create_service = staticmethod(_activity_create)
    create_permission = staticmethod(policies.works_pipeline)
    update_service = staticmethod(_activity_update)
    instance_kwarg = "activity"
    lifecycle = ACTIVITY  # complete, cancel: one action each

    def get_queryset(self) -> Any:
        return selectors.activity_list(user=scope_user(self.request))

    def get_object(self) -> Any:
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) >= 2**31:
            raise exceptions.NotFound()
        return super().get_object()
