"""`/api/v1/leads/`: companies that might become customers, by code, with the steps
qualify, disqualify and convert (generated from `roots.sales.lifecycles.LEAD`)."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers

from roots.core.api import (
    CodeRelatedField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ServiceWriteMixin,
    scope_user,
)
from roots.core.fields import AllowListSerializerMixin
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.org.models import Branch, Province
from roots.sales import policies, selectors, services
from roots.sales.api.common import owner_field
from roots.sales.filters import LeadFilter
from roots.sales.lifecycles import LEAD
from roots.sales.models import Lead


class LeadSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.LEAD_FIELDS

    province = CodeRelatedField(
        slug_field="code", queryset=Province.objects.all(), required=False, allow_null=True
    )
    branch = CodeRelatedField(
        slug_field="code",
        queryset=Branch.objects.all(),
        required=False,
        help_text="Branch code; account and branch managers create in their own branch.",
    )
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    owner = owner_field()
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    customer = serializers.CharField(
        source="customer.code",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="The customer the lead was converted to.",
    )
    allowed_actions = AllowedActionsField(LEAD)

    class Meta:
        model = Lead
        fields = [
            "code",
            "company_name",
            "contact_name",
            "phone",
            "email",
            "channel_type",
            "province",
            "city",
            "branch",
            "branch_name",
            "owner",
            "owner_name",
            "source",
            "status",
            "estimated_revenue",
            "disqualified_reason",
            "customer",
            "notes",
            "allowed_actions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "code",
            "status",
            "disqualified_reason",
            "version",
            "created_at",
            "updated_at",
        ]


class LeadViewSet(
    LifecycleViewSetMixin,
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Leads: companies that might become customers. `?search=` matches code, company,
    contact and phone (pinyin too); filters: status, source, channel_type, owner, branch,
    open."""

    model = Lead
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    lookup_field = "code"
    ordering_fields = ["code", "company_name", "created_at", "estimated_revenue"]
    create_service = staticmethod(services.lead_create)
    create_permission = staticmethod(policies.works_pipeline)
    update_service = staticmethod(services.lead_update)
    instance_kwarg = "lead"
    lifecycle = LEAD  # qualify, disqualify, convert: one action each

    def get_queryset(self) -> Any:
        return selectors.lead_list(user=scope_user(self.request))
