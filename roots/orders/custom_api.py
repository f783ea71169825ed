"""The custom-order (made-to-order) API; its routes join `roots.orders.api.ROUTES`.

`/api/v1/custom-orders/` lists (filters `status`, `customer`, `category`, `clock`, `search`)
and creates requests; `/api/v1/custom-orders/<number>/` answers one with its ETag; the steps
are POST actions (`quote`, `decline`, `accept`, `reject`, `cancel`, `start-production`,
`produced`) answering the updated record; `timeline/` and `history/` read its past;
`/api/v1/custom-orders/demand/` aggregates demand for product managers and the staff who
sell.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.catalog.models import Category, ProductModel
from roots.core.api import (
    IF_MATCH_PARAMETER,
    BusinessDateField,
    ErrorSerializer,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    ServiceWriteMixin,
    request_user,
    scope_user,
)
from roots.customers.models import Customer, Outlet
from roots.orders import custom_selectors as selectors
from roots.orders import custom_services as services
from roots.orders.custom_services import (
    MAX_CAPACITY,
    MAX_LEAD_DAYS,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    CustomFeature,
)
from roots.orders.models import CustomOrder, CustomOrderStatus, EventKind, OrderEvent

_RECORD_FIELDS = ["version", "created_at", "updated_at"]


class ClockSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["none", "on_track", "at_risk", "overdue", "started", "started_late"]
    )
    # Shadows `Field.label` in the stubs; harmless (an answer field, not the field's label).
    label = serializers.CharField()  # type: ignore[assignment]
    seconds_left = serializers.IntegerField(allow_null=True)


class FeatureListField(serializers.ListField):
    """A list of feature codes whose errors are a flat list of messages (DRF answers a dict
    keyed by position, which the API's error format does not have)."""

    def to_internal_value(self, data: Any) -> list[Any]:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                messages = [
                    f"{index}: {message}"
                    for index, errors in exc.detail.items()
                    for message in (errors if isinstance(errors, list) else [errors])
                ]
                raise serializers.ValidationError(messages) from exc
            raise


class CustomOrderSerializer(serializers.ModelSerializer):
    """A made-to-order request: the need (writable on create), the quote, the clock."""

    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        help_text="The customer's code; staff must name it, a customer user's own is implied.",
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    outlet = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Outlet.objects.all(),
        help_text="The customer's outlet that receives the goods.",
    )
    outlet_name = serializers.CharField(source="outlet.name", read_only=True)
    region = serializers.CharField(source="outlet.province.region", read_only=True)
    title = serializers.CharField(max_length=200)
    category = ScopedSlugRelatedField(slug_field="code", queryset=Category.objects.all())
    category_name = serializers.CharField(source="category.name", read_only=True)
    capacity_min = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=MAX_CAPACITY,
        required=False,
        allow_null=True,
    )
    capacity_max = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=MAX_CAPACITY,
        required=False,
        allow_null=True,
    )
    target_price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=MAX_UNIT_PRICE,
        required=False,
        allow_null=True,
        help_text="Target unit price (CNY).",
    )
    features = FeatureListField(
        child=serializers.ChoiceField(choices=CustomFeature.choices),
        max_length=len(CustomFeature.values),
        required=False,
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    wanted_date = BusinessDateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, default=None
    )
    quoted_model = serializers.CharField(source="quoted_model.code", read_only=True, default=None)
    quoted_model_name = serializers.CharField(
        source="quoted_model.name", read_only=True, default=None
    )
    quoted_by = serializers.CharField(source="quoted_by.username", read_only=True, default=None)
    quote_total = serializers.SerializerMethodField()
    order = serializers.CharField(source="order.number", read_only=True, default=None)
    clock = serializers.SerializerMethodField()

    class Meta:
        model = CustomOrder
        fields = [
            "number",
            "status",
            "customer",
            "customer_name",
            "outlet",
            "outlet_name",
            "region",
            "requested_by",
            "title",
            "category",
            "category_name",
            "capacity_min",
            "capacity_max",
            "target_price",
            "features",
            "quantity",
            "wanted_date",
            "description",
            "quoted_model",
            "quoted_model_name",
            "quoted_price",
            "quoted_lead_days",
            "quote_valid_until",
            "quote_note",
            "quoted_by",
            "quoted_at",
            "quote_total",
            "accepted_at",
            "production_due",
            "production_started_at",
            "produced_at",
            "risk_alerted_at",
            "closed_reason",
            "order",
            "clock",
            *_RECORD_FIELDS,
        ]
        read_only_fields = [
            "number",
            "status",
            "quoted_price",
            "quoted_lead_days",
            "quote_valid_until",
            "quote_note",
            "quoted_at",
            "accepted_at",
            "production_due",
            "production_started_at",
            "produced_at",
            "risk_alerted_at",
            "closed_reason",
            *_RECORD_FIELDS,
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_quote_total(self, obj: CustomOrder) -> str | None:
        total = services.quote_total(obj)
        return None if total is None else f"{total:.2f}"

    @extend_schema_field(ClockSerializer)
    def get_clock(self, obj: CustomOrder) -> dict[str, Any]:
        clock = selectors.production_clock(obj)
        return {"state": clock.state, "label": clock.label, "seconds_left": clock.seconds_left}


class QuoteSerializer(serializers.Serializer):
    quoted_price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_UNIT_PRICE,
        help_text="Unit price (CNY).",
    )
    quoted_lead_days = serializers.IntegerField(
        min_value=1, max_value=MAX_LEAD_DAYS, help_text="Days from acceptance to delivery."
    )
    quoted_model = ScopedSlugRelatedField(
        slug_field="code",
        queryset=ProductModel.objects.all(),
        required=False,
        allow_null=True,
        help_text="A custom-capable model of the requested category to build on.",
    )
    quote_valid_until = BusinessDateField(
        required=False, allow_null=True, help_text="Default: 14 days from today."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class EmptySerializer(serializers.Serializer):
    pass


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, default=None)
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    message = serializers.CharField(
        source="get_message_display",
        read_only=True,
        help_text="What happened, in the reader's language, then any note as written.",
    )

    class Meta:
        model = OrderEvent
        fields = [
            "created_at",
            "kind",
            "from_status",
            "to_status",
            "actor",
            "message",
            "visible_to_customer",
        ]
        read_only_fields = fields


class DemandQuerySerializer(serializers.Serializer):
    date_from = BusinessDateField(required=False)
    date_to = BusinessDateField(required=False)
    category = serializers.RegexField(r"^[A-Za-z0-9-]{1,20}$", max_length=20, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": ["Must not be before date_from."]})
        return attrs


class _CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    requests = serializers.IntegerField()
    units = serializers.IntegerField()


class _RegionCategorySerializer(serializers.Serializer):
    region = serializers.CharField()
    region_label = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    requests = serializers.IntegerField()
    units = serializers.IntegerField()


class _CapacitySerializer(serializers.Serializer):
    category = serializers.CharField()
    category_label = serializers.CharField()
    band = serializers.CharField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    requests = serializers.IntegerField()
    units = serializers.IntegerField()


class _ConversionSerializer(serializers.Serializer):
    requests = serializers.IntegerField()
    quoted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    rejected = serializers.IntegerField()
    expired = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    open = serializers.IntegerField()
    quote_rate = serializers.FloatField(allow_null=True)
    acceptance_rate = serializers.FloatField(allow_null=True)


class DemandSerializer(serializers.Serializer):
    date_from = BusinessDateField(allow_null=True)
    date_to = BusinessDateField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    requests = serializers.IntegerField()
    units = serializers.IntegerField()
    regions = _CountSerializer(many=True)
    categories = _CountSerializer(many=True)
    by_region_category = _RegionCategorySerializer(many=True)
    by_feature = _CountSerializer(many=True)
    by_capacity = _CapacitySerializer(many=True)
    by_target_price = _CountSerializer(many=True)
    without_target_price = _CountSerializer()
    conversion = _ConversionSerializer()


_STEP_RESPONSES = {200: CustomOrderSerializer, 412: ErrorSerializer}


class CustomOrderViewSet(
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Made-to-order requests (定制) by number: the customer's need, the product manager's
    quote, the customer's decision and the 7-day production clock."""

    model = CustomOrder
    # A request is not edited once sent (a new quote or a cancellation changes it): no PUT,
    # PATCH or DELETE.
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = CustomOrderSerializer
    filterset_class = selectors.CustomOrderFilter
    lookup_field = "number"
    ordering_fields = ["created_at", "number", "production_due", "wanted_date", "quantity"]
    ordering = ["-created_at", "-id"]
    create_service = staticmethod(services.request_custom_order)
    create_permission = staticmethod(services.can_request)

    def get_queryset(self) -> Any:
        return selectors.custom_order_list(user=scope_user(self.request))

    # -- the steps
    def _step(
        self,
        request: Request,
        *,
        guard: Callable[[Any, CustomOrder], None],
        run: Callable[..., CustomOrder],
        body: type[serializers.Serializer] | None = None,
    ) -> Response:
        user = request_user(request)
        custom_order = self.get_object()
        # Who may take the step is answered before the body is looked at.
        guard(user, custom_order)
        expected_version = self.expected_version()
        data: dict[str, Any] = {}
        if body is not None:
            serializer = body(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        updated = run(
            user=user, custom_order=custom_order, data=data, expected_version=expected_version
        )
        updated = self.get_queryset().get(pk=updated.pk)
        return self.with_etag(Response(self.get_serializer(updated).data), updated)

    @extend_schema(
        request=QuoteSerializer, responses=_STEP_RESPONSES, parameters=[IF_MATCH_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def quote(self, request: Request, number: str | None = None) -> Response:
        """Quote the request (product managers and hq): unit price, lead time, model,
        validity (default 14 days), note. Allowed while requested or quoted (a new quote
        replaces the old one)."""
        return self._step(
            request,
            guard=_producer_guard("quote"),
            body=QuoteSerializer,
            run=lambda *, user, custom_order, data, expected_version: services.quote_custom_order(
                user=user, custom_order=custom_order, data=data, expected_version=expected_version
            ),
        )

    @extend_schema(
        request=ReasonSerializer, responses=_STEP_RESPONSES, parameters=[IF_MATCH_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, number: str | None = None) -> Response:
        """Decline the request (product managers and hq), with a reason."""
        return self._step(
            request,
            guard=_producer_guard("decline"),
            body=ReasonSerializer,
            run=lambda *, user, custom_order, data, expected_version: services.decline_custom_order(
                user=user,
                custom_order=custom_order,
                reason=data.get("reason", ""),
                expected_version=expected_version,
            ),
        )

    @extend_schema(
        request=EmptySerializer, responses=_STEP_RESPONSES, parameters=[IF_MATCH_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, number: str | None = None) -> Response:
        """Accept the quote (the customer's users, or its account manager) while it is
        valid: the credit is checked, a confirmed made-to-order order is created, and
        production must start within 7 days. An expired quote answers 409."""
        return self._step(
            request,
            guard=services.require_decider,
            run=lambda *, user, custom_order, data, expected_version: services.accept_quote(
                user=user, custom_order=custom_order, expected_version=expected_version
            ),
        )

    @extend_schema(
        request=ReasonSerializer, responses=_STEP_RESPONSES, parameters=[IF_MATCH_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, number: str | None = None) -> Response:
        """Reject the quote (the customer's users, or its account manager)."""
        return self._step(
            request,
            guard=services.require_decider,
            body=ReasonSerializer,
            run=lambda *, user, custom_order, data, expected_version: services.reject_quote(
                user=user,
                custom_order=custom_order,
                reason=data.get("reason", ""),
                expected_version=expected_version,
            ),
        )

    @extend_schema(
        request=ReasonSerializer, responses=_STEP_RESPONSES, parameters=[IF_MATCH_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, number: str | None = None) -> Response:
        """Cancel: the customer while requested or quoted; its account manager, branch
        manager or hq until production starts (the order made from the quote is cancelled
        with it)."""
        return self._step(
            request,
            guard=services.require_canceller,
            body=ReasonSerializer,
            run=lambda *, user, custom_order, data, expected_version: services.cancel_custom_order(
                user=user,
                custom_order=custom_order,
                reason=data.get("reason", ""),
                expected_version=expected_version,
            ),
        )

    @extend_schema(
        request=EmptySerializer, responses=_STEP_RESPONSES, parameters=[IF_MATCH_PARAMETER]
    )
    @action(detail=True, methods=["post"], url_path="start-production")
    def start_production(self, request: Request, number: str | None = None) -> Response:
        """Start production of an accepted custom order (product managers and hq)."""
        return self._step(
            request,
            guard=_producer_guard("start-production"),
            run=lambda *, user, custom_order, data, expected_version: services.start_production(
                user=user, custom_order=custom_order, expected_version=expected_version
            ),
        )

    @extend_schema(
        request=EmptySerializer, responses=_STEP_RESPONSES, parameters=[IF_MATCH_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    def produced(self, request: Request, number: str | None = None) -> Response:
        """Report the goods made (product managers and hq); the order then ships."""
        return self._step(
            request,
            guard=_producer_guard("produced"),
            run=lambda *, user, custom_order, data, expected_version: services.mark_produced(
                user=user, custom_order=custom_order, expected_version=expected_version
            ),
        )

    # -- reads
    @extend_schema(responses=EventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request: Request, number: str | None = None) -> Response:
        """Every step, oldest first; customer users do not see staff-only alerts."""
        custom_order = self.get_object()
        events = selectors.custom_order_timeline(
            user=request_user(request), custom_order=custom_order
        )
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "date_from", str, description="Requests made on or after (YYYY-MM-DD)."
            ),
            OpenApiParameter(
                "date_to", str, description="Requests made on or before (YYYY-MM-DD)."
            ),
            OpenApiParameter("category", str, description="A category code (e.g. REF)."),
        ],
        responses={200: DemandSerializer, 400: ErrorSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def demand(self, request: Request) -> Response:
        """Aggregated custom demand: units and requests by region × category, by feature,
        by capacity band, by target unit price; conversion (quoted, accepted). Product
        managers and hq see every customer, branch and account managers their scope."""
        user = request_user(request)
        if not services.can_see_demand(user):
            raise exceptions.PermissionDenied()
        query = DemandQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        demand = selectors.custom_demand(user=user, **query.validated_data)
        return Response(DemandSerializer(demand).data)


def _producer_guard(step: str) -> Callable[[Any, CustomOrder], None]:
    def guard(user: Any, custom_order: CustomOrder) -> None:
        services.require_producer(user, step=step)

    return guard


CUSTOM_ROUTES: list[tuple[str, Any, str]] = [("custom-orders", CustomOrderViewSet, "custom-order")]

__all__ = ["CUSTOM_ROUTES", "CustomOrderSerializer", "CustomOrderStatus", "CustomOrderViewSet"]
