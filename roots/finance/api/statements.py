"""Monthly statements with their lines (running balance) and disputes; the steps of
`roots.finance.lifecycles.statements` (`issue/`, `confirm/` generated; `dispute/`, which
answers 201, by hand), PDF and XLSX."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    IF_MATCH_PARAMETER,
    ErrorSerializer,
    RenderedTextField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    request_user,
    scope_user,
)
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.core.throttling import cost_throttled
from roots.finance import rendering, selectors, services
from roots.finance.api.common import PdfRenderer, XlsxRenderer, display_name_field, username_field
from roots.finance.filters import StatementFilter
from roots.finance.lifecycles import DISPUTE, STATEMENT
from roots.finance.lifecycles.statements import DisputeRequestSerializer
from roots.finance.models import Dispute, DisputeMessage, Statement, StatementLine


class StatementLineSerializer(serializers.ModelSerializer):
    description = RenderedTextField(read_only=True, help_text="In the reader's language.")

    class Meta:
        model = StatementLine
        fields = [
            "id",
            "line_no",
            "date",
            "kind",
            "reference",
            "description",
            "debit",
            "credit",
            "balance",
        ]
        read_only_fields = fields


class DisputeMessageSerializer(serializers.ModelSerializer):
    author = username_field("author")
    author_name = display_name_field("author")
    body = serializers.CharField(max_length=2000)

    class Meta:
        model = DisputeMessage
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]


class DisputeSerializer(serializers.ModelSerializer):
    statement = serializers.CharField(source="statement.number", read_only=True)
    customer = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opened_by = username_field("opened_by")
    answered_by = username_field("answered_by")
    closed_by = username_field("closed_by")
    lines = serializers.SerializerMethodField(help_text="Ids of the disputed statement lines.")
    allowed_actions = AllowedActionsField(DISPUTE)

    class Meta:
        model = Dispute
        fields = [
            "number",
            "statement",
            "customer",
            "customer_name",
            "status",
            "lines",
            "comment",
            "opened_by",
            "created_at",
            "answer",
            "answered_by",
            "answered_at",
            "closed_by",
            "closed_at",
            "allowed_actions",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_lines(self, obj: Dispute) -> list[int]:
        return [line.pk for line in obj.lines.all()]


class DisputeDetailSerializer(DisputeSerializer):
    messages = DisputeMessageSerializer(many=True, read_only=True)
    disputed_lines = StatementLineSerializer(source="lines", many=True, read_only=True)

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "disputed_lines", "messages"]
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    confirmed_by = username_field("confirmed_by")
    issued_by = username_field("issued_by")
    open_disputes = serializers.SerializerMethodField()
    allowed_actions = AllowedActionsField(STATEMENT)

    class Meta:
        model = Statement
        fields = [
            "number",
            "customer",
            "customer_name",
            "year",
            "month",
            "period_start",
            "period_end",
            "opening_balance",
            "total_debit",
            "total_credit",
            "closing_balance",
            "status",
            "issued_at",
            "issued_by",
            "confirmed_at",
            "confirmed_by",
            "resolved_at",
            "open_disputes",
            "allowed_actions",
            "version",
        ]
        read_only_fields = fields

    def get_open_disputes(self, obj: Statement) -> int:
        annotated = getattr(obj, "open_disputes", None)
        if annotated is not None:
            return int(annotated)
        return sum(1 for d in obj.disputes.all() if d.status != "closed")


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)
    disputes = DisputeDetailSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines", "disputes"]
        read_only_fields = fields


class StatementViewSet(
    LifecycleViewSetMixin, RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet
):
    """Monthly statements with their lines (running balance) and disputes. The customer
    confirms or disputes an issued statement; staff issue drafts. Customer users never see
    drafts."""

    # The steps `issue/` and `confirm/` are generated from `STATEMENT`; `dispute/` answers
    # 201 (it opens a dispute), so it is written here.
    lifecycle = STATEMENT
    hand_written_steps = ("dispute",)
    lifecycle_answer_serializer = StatementDetailSerializer
    model = Statement
    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    lookup_field = "number"
    ordering_fields = ["year", "month", "closing_balance", "number"]

    def get_queryset(self) -> Any:
        user = scope_user(self.request)
        if self.action == "list":
            return selectors.statement_list(user=user)
        return (
            Statement.objects.visible_to(user)
            .select_related("customer", "customer__branch", "issued_by", "confirmed_by")
            .prefetch_related(
                "lines",
                "disputes__lines",
                "disputes__opened_by",
                "disputes__answered_by",
                "disputes__closed_by",
                "disputes__customer",
                "disputes__statement",
                "disputes__messages__author",
            )
        )

    def get_serializer_class(self) -> Any:
        return StatementSerializer if self.action == "list" else StatementDetailSerializer

    @extend_schema(
        request=DisputeRequestSerializer,
        responses={201: StatementDetailSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The customer disputes lines of an issued statement with a comment: the statement
        becomes `disputed` and answers with the new dispute in `disputes`."""
        statement = self.get_object()
        body = DisputeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.statement_dispute(
            user=request_user(request),
            statement=statement,
            lines=body.validated_data["lines"],
            comment=body.validated_data["comment"],
            expected_version=self.expected_version(),
        )
        fresh = self.get_queryset().get(pk=statement.pk)
        return self.with_etag(
            Response(
                StatementDetailSerializer(fresh, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            ),
            fresh,
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (404, "application/json"): ErrorSerializer,
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, PdfRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    @cost_throttled
    def pdf(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The statement as an A4 PDF."""
        statement = self.get_object()
        return rendering.pdf_response(statement=statement)

    @extend_schema(
        responses={
            (200, rendering.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            (404, "application/json"): ErrorSerializer,
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, XlsxRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    @cost_throttled
    def xlsx(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The statement's lines as an Excel workbook."""
        statement = self.get_object()
        return rendering.xlsx_response(statement=statement)
