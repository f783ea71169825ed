"""API of the finance app: invoices, payments, expenses (rebates and claims), statements
(with confirm, dispute, issue, PDF and XLSX) and disputes (answer, close, messages).
`ROUTES` lists (prefix, viewset, basename) for `roots/api_urls.py`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    IF_MATCH_PARAMETER,
    BusinessDateField,
    ErrorSerializer,
    RenderedTextField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    request_user,
    scope_user,
)
from roots.core.throttling import cost_throttled
from roots.customers.models import Customer
from roots.finance import policies, rendering, selectors, services
from roots.finance.filters import (
    DisputeFilter,
    ExpenseFilter,
    InvoiceFilter,
    PaymentFilter,
    StatementFilter,
)
from roots.finance.models import (
    MAX_AMOUNT,
    Allocation,
    Dispute,
    DisputeMessage,
    Expense,
    ExpenseKind,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentMethod,
    Statement,
    StatementLine,
)

AMOUNT: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "min_value": Decimal("0.01"),
    "max_value": MAX_AMOUNT,
}


def _username(field: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{field}.username", read_only=True, default=None, allow_null=True
    )


def _display(field: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{field}.display_name", read_only=True, default=None, allow_null=True
    )


# --- invoices ------------------------------------------------------------------------------


class InvoiceLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = InvoiceLine
        fields = ["line_no", "sku", "description", "quantity", "unit_price", "line_total"]
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    receipt = serializers.SerializerMethodField(help_text="Number of the payment or credit.")
    kind = serializers.SerializerMethodField()

    class Meta:
        model = Allocation
        fields = ["receipt", "kind", "amount"]
        read_only_fields = fields

    def get_receipt(self, obj: Allocation) -> str:
        receipt = obj.payment or obj.expense
        return receipt.number if receipt is not None else ""

    def get_kind(self, obj: Allocation) -> str:
        return "payment" if obj.payment_id else "credit"


class InvoiceSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    order = serializers.CharField(
        source="order.number", read_only=True, default=None, allow_null=True
    )
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    display_status = serializers.SerializerMethodField(
        help_text="The status, or `overdue` for an unpaid invoice past its due date."
    )

    class Meta:
        model = Invoice
        fields = [
            "number",
            "customer",
            "customer_name",
            "order",
            "issue_date",
            "due_date",
            "amount",
            "paid_amount",
            "outstanding",
            "status",
            "display_status",
            "paid_at",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_display_status(self, obj: Invoice) -> str:
        return obj.display_status(timezone.localdate())


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "allocations"]
        read_only_fields = fields


class InvoiceViewSet(RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet):
    """Invoices, one per shipped order (read-only). `?status=overdue` lists the unpaid ones
    past their due date."""

    model = Invoice
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    lookup_field = "number"
    ordering_fields = ["issue_date", "due_date", "amount", "number"]

    def get_queryset(self) -> Any:
        queryset = selectors.invoice_list(user=scope_user(self.request))
        if self.action != "list":
            queryset = queryset.prefetch_related(
                "lines__sku", "allocations__payment", "allocations__expense"
            )
        return queryset

    def get_serializer_class(self) -> Any:
        return InvoiceSerializer if self.action == "list" else InvoiceDetailSerializer


# --- payments ------------------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    amount = serializers.DecimalField(**AMOUNT)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    received_on = BusinessDateField(
        required=False, help_text="Defaults to today; never in the future."
    )
    recorded_by = _username("recorded_by")

    class Meta:
        model = Payment
        fields = [
            "number",
            "customer",
            "customer_name",
            "received_on",
            "amount",
            "method",
            "reference",
            "note",
            "unapplied_amount",
            "recorded_by",
            "version",
            "created_at",
        ]
        read_only_fields = ["number", "unapplied_amount", "version", "created_at"]


class CreateThroughServiceMixin:
    """`POST` through the app's service (`create_service(user=, data=)`); `create_permission`
    is checked before the body is validated, so that a role that may not create at all
    gets a 403 whatever it sends. (Records are not edited through the API: no PUT/PATCH.)"""

    create_service: Any = None
    create_permission: Any = None

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        if not type(self).create_permission(user):
            raise exceptions.PermissionDenied()
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(user=user, data=serializer.validated_data)
        fresh = self.get_queryset().get(pk=instance.pk)  # type: ignore[attr-defined]
        response = Response(
            self.get_serializer(fresh).data,  # type: ignore[attr-defined]
            status=status.HTTP_201_CREATED,
        )
        return self.with_etag(response, fresh)  # type: ignore[attr-defined,no-any-return]


class PaymentViewSet(
    CreateThroughServiceMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Payments received. Account, branch and HQ staff record them (`POST`); a payment is
    applied to the customer's oldest open invoices first."""

    model = Payment
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    lookup_field = "number"
    ordering_fields = ["received_on", "amount", "number"]
    create_service = staticmethod(services.payment_record)
    create_permission = staticmethod(policies.is_finance_staff)

    def get_queryset(self) -> Any:
        return selectors.payment_list(user=scope_user(self.request))


# --- expenses ------------------------------------------------------------------------------


class ExpenseSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        help_text="Customer code; customer users leave it out (their own company).",
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    kind = serializers.ChoiceField(
        choices=ExpenseKind.choices,
        default=ExpenseKind.MARKETING_EXPENSE,
        help_text="`marketing_expense`: a claim to decide; `rebate`: granted by staff at once.",
    )
    activity = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**AMOUNT)
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    submitted_by = _username("submitted_by")
    decided_by = _username("decided_by")

    class Meta:
        model = Expense
        fields = [
            "number",
            "customer",
            "customer_name",
            "kind",
            "status",
            "activity",
            "period_start",
            "period_end",
            "amount",
            "evidence",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "credit_date",
            "unapplied_amount",
            "version",
            "created_at",
        ]
        read_only_fields = [
            "number",
            "status",
            "submitted_at",
            "decided_at",
            "decision_note",
            "credit_date",
            "unapplied_amount",
            "version",
            "created_at",
        ]


class ExpenseDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Required to reject."
    )


class ExpenseViewSet(
    CreateThroughServiceMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Rebates and marketing-expense claims. Customers (and their account staff) submit
    claims; account, branch or HQ staff approve or reject them and grant rebates. An
    approved one credits the customer's account."""

    model = Expense
    serializer_class = ExpenseSerializer
    filterset_class = ExpenseFilter
    lookup_field = "number"
    ordering_fields = ["created_at", "amount", "number"]
    create_service = staticmethod(services.expense_create)
    create_permission = staticmethod(policies.can_create_claims)

    def get_queryset(self) -> Any:
        return selectors.expense_list(user=scope_user(self.request))

    def _decide(self, request: Request, approve: bool) -> Response:
        expense = self.get_object()
        body = ExpenseDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = body.validated_data.get("note", "")
        decide = services.expense_approve if approve else services.expense_reject
        expense = decide(
            user=request_user(request),
            expense=expense,
            note=note,
            expected_version=self.expected_version(),
        )
        fresh = self.get_queryset().get(pk=expense.pk)
        return self.with_etag(Response(self.get_serializer(fresh).data), fresh)

    @extend_schema(
        request=ExpenseDecisionSerializer,
        responses={200: ExpenseSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve a submitted claim (409 otherwise): it credits the account today."""
        return self._decide(request, approve=True)

    @extend_schema(
        request=ExpenseDecisionSerializer,
        responses={200: ExpenseSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Reject a submitted claim with a note (409 otherwise)."""
        return self._decide(request, approve=False)


# --- statements and disputes ---------------------------------------------------------------


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
    author = _username("author")
    author_name = _display("author")
    body = serializers.CharField(max_length=2000)

    class Meta:
        model = DisputeMessage
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]


class DisputeSerializer(serializers.ModelSerializer):
    statement = serializers.CharField(source="statement.number", read_only=True)
    customer = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opened_by = _username("opened_by")
    answered_by = _username("answered_by")
    closed_by = _username("closed_by")
    lines = serializers.SerializerMethodField(help_text="Ids of the disputed statement lines.")

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
    confirmed_by = _username("confirmed_by")
    issued_by = _username("issued_by")
    open_disputes = serializers.SerializerMethodField()

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


class DisputeRequestSerializer(serializers.Serializer):
    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        max_length=1000,
        required=False,
        default=list,
        help_text="Ids of the statement lines disputed (may be empty for the whole statement).",
    )
    comment = serializers.CharField(max_length=2000)


class DisputeAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class DisputeCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class FileRenderer(renderers.BaseRenderer):
    """Passes a file's bytes through; an error (a dict) is rendered as JSON."""

    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(FileRenderer):
    media_type = rendering.XLSX_TYPE
    format = "xlsx"


class StatementViewSet(RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet):
    """Monthly statements with their lines (running balance) and disputes. The customer
    confirms or disputes an issued statement; staff issue drafts. Customer users never see
    drafts."""

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

    def _answer(self, statement: Statement, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=statement.pk)
        return self.with_etag(
            Response(
                StatementDetailSerializer(fresh, context=self.get_serializer_context()).data,
                status=code,
            ),
            fresh,
        )

    @extend_schema(
        request=None,
        responses={200: StatementDetailSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The customer confirms an issued (or resolved) statement with no open dispute;
        anything else, and staff confirming for the customer, is a 409."""
        statement = services.statement_confirm(
            user=request_user(request),
            statement=self.get_object(),
            expected_version=self.expected_version(),
        )
        return self._answer(statement)

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
        return self._answer(statement, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: StatementDetailSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Account, branch or HQ staff issue a draft (rebuilt from the ledger first)."""
        statement = services.statement_issue(
            user=request_user(request),
            statement=self.get_object(),
            expected_version=self.expected_version(),
        )
        return self._answer(statement)

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


class DisputeViewSet(RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet):
    """Disputes of statement lines: open ones first, oldest first (the account manager's
    desk). Staff answer; the customer (or staff, once answered) closes."""

    model = Dispute
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    lookup_field = "number"
    ordering_fields = ["created_at", "number"]

    def get_queryset(self) -> Any:
        queryset = selectors.dispute_list(user=scope_user(self.request)).prefetch_related("lines")
        if self.action != "list":
            queryset = queryset.prefetch_related("messages__author")
        return queryset

    def get_serializer_class(self) -> Any:
        if self.action == "messages":
            return DisputeMessageSerializer
        return DisputeSerializer if self.action == "list" else DisputeDetailSerializer

    def _answer(self, dispute: Dispute) -> Response:
        fresh = self.get_queryset().get(pk=dispute.pk)
        return self.with_etag(
            Response(DisputeDetailSerializer(fresh, context=self.get_serializer_context()).data),
            fresh,
        )

    @extend_schema(
        request=DisputeAnswerSerializer,
        responses={200: DisputeDetailSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Account, branch or HQ staff answer a dispute that is not closed."""
        dispute = self.get_object()
        body = DisputeAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dispute = services.dispute_answer(
            user=request_user(request),
            dispute=dispute,
            answer=body.validated_data["answer"],
            expected_version=self.expected_version(),
        )
        return self._answer(dispute)

    @extend_schema(
        request=DisputeCloseSerializer,
        responses={200: DisputeDetailSerializer, 412: ErrorSerializer},
        parameters=[IF_MATCH_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Close the dispute: the customer at any time, staff once it is answered. With no
        dispute left open the statement becomes `resolved`."""
        dispute = self.get_object()
        body = DisputeCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dispute = services.dispute_close(
            user=request_user(request),
            dispute=dispute,
            note=body.validated_data.get("note", ""),
            expected_version=self.expected_version(),
        )
        return self._answer(dispute)

    @extend_schema(
        methods=["GET"], responses={200: DisputeMessageSerializer(many=True)}, filters=False
    )
    @extend_schema(
        methods=["POST"],
        request=DisputeMessageSerializer,
        responses={201: DisputeMessageSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
    )
    def messages(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """GET: the thread. POST: add a message (the customer's reply reopens an answered
        dispute; a staff message answers it)."""
        dispute = self.get_object()
        if request.method == "GET":
            thread = selectors.dispute_thread(dispute=dispute)
            return Response(DisputeMessageSerializer(thread, many=True).data)
        body = DisputeMessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.dispute_message_add(
            user=request_user(request), dispute=dispute, body=body.validated_data["body"]
        )
        return Response(DisputeMessageSerializer(message).data, status=status.HTTP_201_CREATED)


ROUTES: list[tuple[str, Any, str]] = [
    ("invoices", InvoiceViewSet, "invoice"),
    ("payments", PaymentViewSet, "payment"),
    ("expenses", ExpenseViewSet, "expense"),
    ("statements", StatementViewSet, "statement"),
    ("disputes", DisputeViewSet, "dispute"),
]
