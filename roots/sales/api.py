"""API of the sales pipeline: `/api/v1/leads/`, `/opportunities/` (with `move`, `reopen`,
`forecast` and `board`), `/activities/` (with `complete` and `cancel`) and `/assessments/`.
Leads and opportunities are addressed by code, activities and assessments by id.

Roles without a pipeline (product managers, call agents, engineers, customers, suppliers)
list nothing, find no record (404) and may not create (403)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import URLPattern
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    IF_MATCH_PARAMETER,
    BusinessDateField,
    BusinessDateTimeField,
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
from roots.customers.models import ChannelType, Contact, Customer
from roots.org.models import Branch, Province, User
from roots.sales import policies, selectors, services
from roots.sales.filters import ActivityFilter, AssessmentFilter, LeadFilter, OpportunityFilter
from roots.sales.models import (
    Activity,
    ActivityStatus,
    Lead,
    LostReason,
    Opportunity,
    PotentialAssessment,
    Stage,
)

MONEY_FIELD: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


def _owners() -> Any:
    return User.objects.filter(is_active=True, role__in=policies.OWNER_ROLES)


def _owner_field() -> CodeRelatedField:
    return CodeRelatedField(
        slug_field="username",
        queryset=_owners(),
        required=False,
        help_text="Username of an account manager or the branch manager of the branch; "
        "account managers own what they create.",
    )


class ScopedContactField(serializers.PrimaryKeyRelatedField):
    """A contact by id, found only among the contacts of the caller's customers."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Contact.objects.none()
        return Contact.objects.visible_to(request.user)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int) or not 0 < data < 2**31:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


# --- leads ---------------------------------------------------------------------------------------
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
    owner = _owner_field()
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    customer = serializers.CharField(
        source="customer.code",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="The customer the lead was converted to.",
    )

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


class LeadDisqualifySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ConvertOpportunitySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    expected_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), max_value=Decimal(10**11)
    )
    close_date = BusinessDateField()


class LeadConvertSerializer(serializers.Serializer):
    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        help_text="An existing customer of the lead's branch; leave out to create one.",
    )
    channel_type = serializers.ChoiceField(
        choices=ChannelType.choices,
        required=False,
        allow_blank=True,
        help_text="The new customer's channel type (the lead's when left out).",
    )
    opportunity = ConvertOpportunitySerializer(
        required=False, allow_null=True, help_text="An opportunity to open for the customer."
    )


class LeadViewSet(
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

    def get_queryset(self) -> Any:
        return selectors.lead_list(user=scope_user(self.request))

    def _answer(self, lead: Lead) -> Response:
        fresh = self.get_queryset().get(pk=lead.pk)
        return self.with_etag(Response(self.get_serializer(fresh).data), fresh)

    @extend_schema(
        request=None,
        responses={200: LeadSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def qualify(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """New or working → qualified (409 otherwise)."""
        lead = self.get_object()
        services.lead_qualify(
            user=request_user(request), lead=lead, expected_version=self.expected_version()
        )
        return self._answer(lead)

    @extend_schema(
        request=LeadDisqualifySerializer,
        responses={200: LeadSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def disqualify(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Drop an open lead with a reason (409 once converted or dropped)."""
        lead = self.get_object()
        body = LeadDisqualifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.lead_disqualify(
            user=request_user(request),
            lead=lead,
            reason=body.validated_data["reason"],
            expected_version=self.expected_version(),
        )
        return self._answer(lead)

    @extend_schema(
        request=LeadConvertSerializer,
        responses={200: LeadSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Convert an open lead: link `customer`, or create a customer (a prospect, with the
        lead's contact); optionally open an opportunity. The answer's `customer` is the
        customer's code."""
        lead = self.get_object()
        body = LeadConvertSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.lead_convert(
            user=request_user(request),
            lead=lead,
            customer=data.get("customer"),
            channel_type=data.get("channel_type") or "",
            opportunity=data.get("opportunity"),
            expected_version=self.expected_version(),
        )
        return self._answer(lead)


# --- opportunities -------------------------------------------------------------------------------
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
    owner = _owner_field()
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


class OpportunityMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    lost_reason = serializers.ChoiceField(
        choices=LostReason.choices,
        required=False,
        allow_blank=True,
        help_text="Required when the stage is lost.",
    )
    lost_note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OpportunityReopenSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        required=False,
        help_text="negotiation (default) or maintenance; other stages answer 400.",
    )


class PipelineQuerySerializer(serializers.Serializer):
    owner = CodeRelatedField(slug_field="username", queryset=_owners(), required=False)
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

    def get_queryset(self) -> Any:
        return selectors.opportunity_list(user=scope_user(self.request))

    def _answer(self, opportunity: Opportunity) -> Response:
        fresh = self.get_queryset().get(pk=opportunity.pk)
        return self.with_etag(Response(self.get_serializer(fresh).data), fresh)

    @extend_schema(
        request=OpportunityMoveSerializer,
        responses={200: OpportunitySerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Move to any open stage, to won, or to lost (`lost_reason` required). A won or
        lost opportunity answers 409 (reopen it first); a stale If-Match 412."""
        opportunity = self.get_object()
        body = OpportunityMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.opportunity_move(
            user=request_user(request),
            opportunity=opportunity,
            stage=data["stage"],
            lost_reason=data.get("lost_reason", ""),
            lost_note=data.get("lost_note", ""),
            version=self.expected_version(),
        )
        return self._answer(opportunity)

    @extend_schema(
        request=OpportunityReopenSerializer,
        responses={200: OpportunitySerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Bring a won or lost opportunity back to negotiation or maintenance (409 when
        it is open)."""
        opportunity = self.get_object()
        body = OpportunityReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.opportunity_reopen(
            user=request_user(request),
            opportunity=opportunity,
            stage=body.validated_data.get("stage", Stage.NEGOTIATION),
            expected_version=self.expected_version(),
        )
        return self._answer(opportunity)

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


# --- activities ----------------------------------------------------------------------------------
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
    owner = _owner_field()
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
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "done_at", "version", "created_at", "updated_at"]


class ActivityCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000)


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

    def get_queryset(self) -> Any:
        return selectors.activity_list(user=scope_user(self.request))

    def get_object(self) -> Any:
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) >= 2**31:
            raise exceptions.NotFound()
        return super().get_object()

    def _answer(self, activity: Activity) -> Response:
        fresh = self.get_queryset().get(pk=activity.pk)
        return self.with_etag(Response(self.get_serializer(fresh).data), fresh)

    @extend_schema(
        request=ActivityCompleteSerializer,
        responses={200: ActivitySerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A planned activity took place: done now with its outcome (409 otherwise)."""
        activity = self.get_object()
        body = ActivityCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.activity_complete(
            user=request_user(request),
            activity=activity,
            outcome=body.validated_data["outcome"],
            expected_version=self.expected_version(),
        )
        return self._answer(activity)

    @extend_schema(
        request=None,
        responses={200: ActivitySerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A planned activity will not take place (409 otherwise)."""
        activity = self.get_object()
        services.activity_cancel(
            user=request_user(request),
            activity=activity,
            expected_version=self.expected_version(),
        )
        return self._answer(activity)


# --- assessments ---------------------------------------------------------------------------------
class AssessmentSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    assessed_by = serializers.CharField(source="assessed_by.username", read_only=True)

    class Meta:
        model = PotentialAssessment
        fields = [
            "id",
            "customer",
            "customer_name",
            *services.SCORE_FIELDS,
            "potential_revenue",
            "current_revenue",
            "score",
            "priority",
            "assessed_by",
            "notes",
            "created_at",
        ]
        read_only_fields = ["id", "current_revenue", "score", "priority", "created_at"]


class AssessmentViewSet(
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """The potential-customer worksheet: seven criteria scored 1–5 and the potential
    revenue; the answer has the score (0–100), the current revenue (invoiced over the
    last 365 days) and the priority (A+/A/B/C), which becomes the customer's. Filters:
    customer, priority. Assessments are never edited: a new one replaces the old."""

    model = PotentialAssessment
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["created_at", "score"]
    # Assessments keep no change history (they are never changed).
    history = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return selectors.assessment_list(user=scope_user(self.request)).order_by(
            "-created_at", "-pk"
        )

    def get_object(self) -> Any:
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) >= 2**31:
            raise exceptions.NotFound()
        return super().get_object()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Fill in the worksheet for a customer you sell to (201); roles without a
        pipeline get 403."""
        user = request_user(request)
        if not policies.works_pipeline(user):
            raise exceptions.PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_create(user=user, **serializer.validated_data)
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


# (prefix, viewset, basename) for the router, and plain paths (APIViews) under /api/v1/.
ROUTES: list[tuple[str, Any, str]] = [
    ("leads", LeadViewSet, "lead"),
    ("opportunities", OpportunityViewSet, "opportunity"),
    ("activities", ActivityViewSet, "activity"),
    ("assessments", AssessmentViewSet, "assessment"),
]
PATHS: list[URLPattern] = []
