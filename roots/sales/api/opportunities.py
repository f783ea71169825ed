"""`/api/v1/opportunities/`: deals by code, with the steps move and reopen (generated from
`roots.sales.lifecycles.OPPORTUNITY`), the forecast by close month and the board."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    CodeRelatedField,
    ErrorSerializer,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    ServiceWriteMixin,
    request_user,
    scope_user,
)
from roots.core.fields import AllowListSerializerMixin
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.customers.models import Customer
from roots.org.models import Branch
from roots.sales import policies, selectors, services
from roots.sales.api.common import MONEY_FIELD, owner_field, owners
from roots.sales.filters import OpportunityFilter
from roots.sales.lifecycles import OPPORTUNITY
from roots.sales.models import Lead, Opportunity, Stage


class OpportunitySerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.OPPORTUNITY_FIELDS
    fixed_fields = policies.OPPORTUNITY_FIXED_FIELDS

    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        help_text="Customer code (or name a lead).",
    )
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )
    lead = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Lead.objects.all(),
        required=False,
        allow_null=True,
        help_text="Lead code, for a company that is not a customer yet.",
    )
    lead_name = serializers.CharField(
        source="lead.company_name", read_only=True, default=None, allow_null=True
    )
    branch = serializers.CharField(source="branch.code", read_only=True)
    owner = owner_field()
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        required=False,
        help_text="On create, an open stage (prospecting by default); then only `move` changes it.",
    )
    effective_probability = serializers.IntegerField(
        read_only=True, help_text="The probability set, else the stage's default (per cent)."
    )
    weighted_value = serializers.SerializerMethodField(
        help_text="Expected value × effective probability."
    )
    allowed_actions = AllowedActionsField(OPPORTUNITY)

    class Meta:
        model = Opportunity
        fields = [
            "code",
            "name",
            "customer",
            "customer_name",
            "lead",
            "lead_name",
            "branch",
            "owner",
            "owner_name",
            "stage",
            "expected_value",
            "probability",
            "effective_probability",
            "weighted_value",
            "close_date",
            "next_step",
            "lost_reason",
            "lost_note",
            "stage_changed_at",
            "closed_at",
            "notes",
            "allowed_actions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "code",
            "lost_reason",
            "lost_note",
            "stage_changed_at",
            "closed_at",
            "version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.DecimalField(**MONEY_FIELD))
    def get_weighted_value(self, opportunity: Opportunity) -> str:
        value = opportunity.expected_value * opportunity.effective_probability / 100
        return f"{value.quantize(Decimal('0.01'))}"


class PipelineQuerySerializer(serializers.Serializer):
    owner = CodeRelatedField(slug_field="username", queryset=owners(), required=False)
    branch = CodeRelatedField(slug_field="code", queryset=Branch.objects.all(), required=False)


class ForecastQuerySerializer(PipelineQuerySerializer):
    months = serializers.IntegerField(min_value=1, max_value=24, default=6)
    past = serializers.IntegerField(min_value=0, max_value=24, default=0)


class ForecastMonthSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    count = serializers.IntegerField(help_text="Open opportunities closing in the month.")
    unweighted = serializers.DecimalField(**MONEY_FIELD)
    weighted = serializers.DecimalField(**MONEY_FIELD)
    won = serializers.DecimalField(**MONEY_FIELD)
    won_count = serializers.IntegerField()

    def get_month(self, row: selectors.ForecastMonth) -> str:
        return row.month.strftime("%Y-%m")


class ForecastSerializer(serializers.Serializer):
    months = ForecastMonthSerializer(many=True)
    unweighted = serializers.DecimalField(**MONEY_FIELD)
    weighted = serializers.DecimalField(**MONEY_FIELD)
    won = serializers.DecimalField(**MONEY_FIELD)
    overdue_count = serializers.IntegerField()
    overdue_value = serializers.DecimalField(**MONEY_FIELD)


class BoardColumnSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    probability = serializers.IntegerField()
    count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY_FIELD)
    weighted = serializers.DecimalField(**MONEY_FIELD)
    more = serializers.IntegerField(help_text="Opportunities of the stage not listed.")
    cards = OpportunitySerializer(many=True)


class BoardSerializer(serializers.Serializer):
    columns = BoardColumnSerializer(many=True)
    count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY_FIELD)
    weighted = serializers.DecimalField(**MONEY_FIELD)
    won_this_month = serializers.DecimalField(**MONEY_FIELD)
    won_this_month_count = serializers.IntegerField()
    overdue = serializers.IntegerField()


def _pipeline_query(request: Request, serializer_class: type[serializers.Serializer]) -> dict:
    user = request_user(request)
    if not policies.works_pipeline(user):
        raise exceptions.PermissionDenied()
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


PIPELINE_PARAMETERS = [
    OpenApiParameter("owner", str, description="Username of the owner."),
    OpenApiParameter("branch", str, description="Branch code."),
]


class OpportunityViewSet(
    LifecycleViewSetMixin,
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Opportunities through the six steps to won or lost. `?search=` matches code and
    name (pinyin too); filters: stage, open, owner, branch, customer, lead, close_month
    (YYYY-MM). The stage changes only by `move`."""

    model = Opportunity
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    lookup_field = "code"
    ordering_fields = ["code", "close_date", "expected_value", "updated_at", "stage_changed_at"]
    create_service = staticmethod(services.opportunity_create)
    create_permission = staticmethod(policies.works_pipeline)
    update_service = staticmethod(services.opportunity_update)
    instance_kwarg = "opportunity"
    lifecycle = OPPORTUNITY  # move, reopen: one action each

    def get_queryset(self) -> Any:
        return selectors.opportunity_list(user=scope_user(self.request))

    @extend_schema(
        parameters=[
            *PIPELINE_PARAMETERS,
            OpenApiParameter("months", int, description="Months ahead, this one included."),
            OpenApiParameter("past", int, description="Months before this one."),
        ],
        responses={200: ForecastSerializer, 400: ErrorSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def forecast(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Per close month: Σ expected value of the open opportunities, the same weighted
        by their probability, and what was won; plus the overdue ones. Roles without a
        pipeline: 403."""
        query = _pipeline_query(request, ForecastQuerySerializer)
        forecast = selectors.forecast_by_month(user=request_user(request), **query)
        return Response(ForecastSerializer(forecast).data)

    @extend_schema(
        parameters=PIPELINE_PARAMETERS,
        responses={200: BoardSerializer, 400: ErrorSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def board(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The open opportunities by stage: count, Σ expected and weighted value, and the
        first cards of each column (soonest close date first)."""
        query = _pipeline_query(request, PipelineQuerySerializer)
        board = selectors.pipeline_board(user=request_user(request), **query)
        context = self.get_serializer_context()
        return Response(BoardSerializer(board, context=context).data)
