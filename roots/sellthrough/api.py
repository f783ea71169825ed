"""API of the sell-through app under /api/v1/sellthrough/: uploads of feed files (multipart),
their progress and error report, the templates, and the feed rows themselves.

`ROUTES` lists (prefix, viewset, basename) and `PATHS` the plain views, both wired by
`roots/api_urls.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, mixins, renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from roots.core.api import (
    ContentNegotiation,
    ErrorSerializer,
    RootsAutoSchema,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    request_user,
    scope_user,
)
from roots.core.lifecycle_api import AllowedActionsField
from roots.customers.models import Customer
from roots.sellthrough import policies, rendering, selectors, services
from roots.sellthrough.filters import CategorySalesFilter, SellThroughFilter, UploadFilter
from roots.sellthrough.importing import MAX_FILE_SIZE
from roots.sellthrough.lifecycles import UPLOAD
from roots.sellthrough.models import CategorySales, FeedKind, SellThrough, Upload


class CsvRenderer(renderers.BaseRenderer):
    """Lets a client that asks for `text/csv` reach the CSV answers (which are Django
    responses); an error answered to it is JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


CSV_ANSWER = OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8 with a byte-order mark).")


# --- uploads --------------------------------------------------------------------------------
class UploadSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    progress = serializers.IntegerField(
        read_only=True, help_text="Per cent of the file read (100 once finished)."
    )
    rows_accepted = serializers.IntegerField(read_only=True)
    urls = serializers.SerializerMethodField()
    # The import worker takes every step of an upload's life-cycle: always empty.
    allowed_actions = AllowedActionsField(UPLOAD)

    class Meta:
        model = Upload
        fields = [
            "id",
            "customer",
            "customer_name",
            "kind",
            "original_name",
            "size",
            "sha256",
            "status",
            "progress",
            "rows_total",
            "rows_read",
            "rows_rejected",
            "rows_accepted",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "message",
            "attempts",
            "uploaded_by",
            "created_at",
            "started_at",
            "finished_at",
            "allowed_actions",
            "urls",
        ]
        read_only_fields = fields

    @extend_schema_field(
        inline_serializer(
            name="UploadUrls",
            fields={
                "self": serializers.CharField(),
                "errors": serializers.CharField(help_text="The error report (CSV)."),
                "page": serializers.CharField(help_text="The upload's page in the browser."),
            },
        )
    )
    def get_urls(self, upload: Upload) -> dict[str, str]:
        return {
            "self": reverse("api:sellthrough-upload-detail", args=[upload.pk]),
            "errors": reverse("api:sellthrough-upload-errors", args=[upload.pk]),
            "page": reverse("sellthrough-upload-detail", args=[upload.pk]),
        }


class UploadCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeedKind.choices, help_text="The feed of the file.")
    file = serializers.FileField(
        help_text=(
            "A .csv (UTF-8) or .xlsx file, at most 200 MB, whose first row is the feed's "
            "header (GET /api/v1/sellthrough/template/?kind=...)."
        )
    )
    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        help_text="Customer code; customer users leave it out (their own company).",
    )

    def validate_file(self, value: Any) -> Any:
        if getattr(value, "size", 0) > MAX_FILE_SIZE:
            raise serializers.ValidationError(_("The file is larger than 200 MB; split it."))
        return value


class UploadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Feed files sent by customers (or by our staff on a customer's behalf) and the state
    of their import. `POST` (multipart: `kind`, `file`, `customer`) answers 202 at once; the
    import runs in the background: poll the upload for `status` and `progress`, then read
    the counts and fetch `errors/` (CSV) for the rejected rows. Filters: kind, status,
    customer."""

    model = Upload
    serializer_class = UploadSerializer
    filterset_class = UploadFilter
    ordering_fields = ["created_at", "status"]
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = "[0-9]+"
    # Uploads and feed rows keep no change history (an upload's record is its import).
    history = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return selectors.upload_list(user=scope_user(self.request))

    def get_serializer_class(self) -> Any:
        return UploadCreateSerializer if self.action == "create" else UploadSerializer

    @extend_schema(
        request={"multipart/form-data": UploadCreateSerializer},
        responses={202: UploadSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Upload a feed file (202): it is stored and its import queued. Roles that never
        upload (product managers, call agents, engineers, suppliers) get 403."""
        user = request_user(request)
        if not policies.may_upload(user):
            raise exceptions.PermissionDenied()
        serializer = UploadCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # A refused file is a 400 whose `code` is the service's (`archive_refused`).
        upload = services.upload_create(
            user=user, customer=data.get("customer"), kind=data["kind"], file=data["file"]
        )
        fresh = self.get_queryset().get(pk=upload.pk)
        return Response(UploadSerializer(fresh).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "text/csv"): CSV_ANSWER,
            (404, "application/json"): ErrorSerializer,
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, CsvRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def errors(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        """The rejected rows as CSV: row (the header is row 1), column, error, raw (the row
        as sent)."""
        upload = self.get_object()
        errors = selectors.upload_errors(user=request_user(request), upload=upload)
        return rendering.error_report_response(upload=upload, errors=errors)


# --- templates ------------------------------------------------------------------------------
class TemplateView(APIView):
    """The template of a feed (`?kind=sellthrough` or `category_sales`): the header row and
    example rows, as CSV; a customer user's examples use its own outlet and SKU (or
    category) codes, others' a generic example."""

    schema: Any = RootsAutoSchema()
    content_negotiation_class = ContentNegotiation
    renderer_classes = [renderers.JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                enum=FeedKind.values,
                required=True,
                description="The feed.",
            )
        ],
        responses={
            (200, "text/csv"): CSV_ANSWER,
            (400, "application/json"): ErrorSerializer,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        user = request_user(request)
        if not policies.may_view(user):
            raise exceptions.PermissionDenied()
        kind = request.query_params.get("kind", "")
        if kind not in FeedKind.values:
            raise exceptions.ValidationError(
                {"kind": [_("Choose the feed: sellthrough or category_sales.")]}
            )
        outlets, items = selectors.template_examples(user=user, kind=kind)
        return rendering.template_response(kind=kind, outlets=outlets, items=items)


# --- feed rows ------------------------------------------------------------------------------
# What the rows of both feeds answer first. (No docstrings on these serializers: they would
# become the schema's descriptions.)
_ROW_HEAD = ["id", "customer", "outlet", "outlet_name"]


# The customer and outlet columns of a feed row, mixed into the row serializers (no
# docstring: drf-spectacular would give it to theirs as the schema's description).
class _FeedRowSerializer(serializers.Serializer):
    customer = serializers.CharField(source="customer.code", read_only=True)
    outlet = serializers.CharField(source="outlet.code", read_only=True)
    outlet_name = serializers.CharField(source="outlet.name", read_only=True)


class SellThroughRowSerializer(_FeedRowSerializer, serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", read_only=True)

    class Meta:
        model = SellThrough
        fields = [
            *_ROW_HEAD,
            "sku",
            "date",
            "units_received",
            "units_sold",
            "revenue",
            "stock_units",
            "unit_cost",
            "upload",
        ]
        read_only_fields = fields


class CategorySalesRowSerializer(_FeedRowSerializer, serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)

    class Meta:
        model = CategorySales
        fields = [*_ROW_HEAD, "category", "date", "total_sales", "upload"]
        read_only_fields = fields


class SellThroughRowViewSet(mixins.ListModelMixin, ScopedModelViewSet):
    """What each outlet received, sold and held of each SKU per day (newest first), as
    imported. Filters: customer, outlet, sku (codes), date_from, date_to."""

    model = SellThrough
    serializer_class = SellThroughRowSerializer
    filterset_class = SellThroughFilter
    ordering_fields = ["date", "units_sold", "revenue"]
    history = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return selectors.sellthrough_list(user=scope_user(self.request))


class CategorySalesRowViewSet(mixins.ListModelMixin, ScopedModelViewSet):
    """Each outlet's total sales of a category, all brands, per day (newest first).
    Filters: customer, outlet, category (codes), date_from, date_to."""

    model = CategorySales
    serializer_class = CategorySalesRowSerializer
    filterset_class = CategorySalesFilter
    ordering_fields = ["date", "total_sales"]
    history = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return selectors.category_sales_list(user=scope_user(self.request))


# (prefix, viewset, basename) for the router, and plain paths (APIViews) under /api/v1/.
ROUTES: list[tuple[str, Any, str]] = [
    ("sellthrough/uploads", UploadViewSet, "sellthrough-upload"),
    ("sellthrough/rows", SellThroughRowViewSet, "sellthrough-row"),
    ("sellthrough/category-sales", CategorySalesRowViewSet, "sellthrough-category-sales"),
]
PATHS = [
    path("sellthrough/template/", TemplateView.as_view(), name="sellthrough-template"),
]
