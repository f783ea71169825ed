"""The custom-order (made-to-order) API; its routes join `roots.orders.api.ROUTES`.

`/api/v1/custom-orders/` lists (filters `status`, `customer`, `category`, `clock`, `search`)
and creates requests; `/api/v1/custom-orders/<number>/` answers one with its ETag and the
steps the caller may take (`allowed_actions`); the steps are POST actions generated from the
life-cycle (`lifecycles.CUSTOM_ORDER`: `quote`, `decline`, `accept`, `reject`,
`start-production`, `produced`, `cancel`) answering the updated record; `timeline/` and
`history/` read its past;
`/api/v1/custom-orders/demand/` aggregates demand for product managers and the staff who
sell.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.catalog.models import Category
from roots.core.api import (
    BusinessDateField,
    ErrorSerializer,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    ServiceWriteMixin,
    request_user,
    scope_user,
)
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.customers.models import Customer, Outlet
from roots.orders.custom import selectors
from roots.orders.custom.lifecycles import CUSTOM_ORDER
from roots.orders.custom.policies import can_request, can_see_demand
from roots.orders.custom.rules import (
    MAX_CAPACITY,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    CustomFeature,
    quote_total,
)
from roots.orders.custom.services import request_custom_order
from roots.orders.models import CustomOrder, CustomOrderStatus, EventKind, OrderEvent

_RECORD_FIELDS = ["version", "created_at", "updated_at"]


class ClockSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["none", "on_track", "at_risk", "overdue", "started", "started_late"]
    )
    # Shadows `Field.label` in the stubs; harmless (an answer field, not the field's label).
    label = serializers.CharField()  # type: ignore[assignment]
    seconds_left = serializers.IntegerField(allow_null=True)


def _optional_amount(
    max_digits: int, max_value: Decimal, **options: Any
) -> serializers.DecimalField:
    """A non-negative amount with two decimals that may be left out or null."""
    return serializers.DecimalField(
        max_digits=max_digits,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=max_value,
        required=False,
        allow_null=True,
        **options,
    )


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
    capacity_min = _optional_amount(8, MAX_CAPACITY)
    capacity_max = _optional_amount(8, MAX_CAPACITY)
    target_price = _optional_amount(14, MAX_UNIT_PRICE, help_text="Target unit price (CNY).")
    # Item errors answer as "2: not a valid choice" (the API's error format).
    features = serializers.ListField(
        child=serializers.ChoiceField(choices=CustomFeature.choices),
        max_length=len(CustomFeature.values),
        required=False,
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    wanted_date = BusinessDateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, default=None, allow_null=True
    )
    quoted_model = serializers.CharField(
        source="quoted_model.code", read_only=True, default=None, allow_null=True
    )
    quoted_model_name = serializers.CharField(
        source="quoted_model.name", read_only=True, default=None, allow_null=True
    )
    quoted_by = serializers.CharField(
        source="quoted_by.username", read_only=True, default=None, allow_null=True
    )
    quote_total = serializers.SerializerMethodField()
    order = serializers.CharField(
        source="order.number", read_only=True, default=None, allow_null=True
    )
    clock = serializers.SerializerMethodField()
    allowed_actions = AllowedActionsField(CUSTOM_ORDER)

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
            "allowed_actions",
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
        total = quote_total(obj)
        return None if total is None else f"{total:.2f}"

    @extend_schema_field(ClockSerializer)
    def get_clock(self, obj: CustomOrder) -> dict[str, Any]:
        clock = selectors.production_clock(obj)
        return {"state": clock.state, "label": clock.label, "seconds_left": clock.seconds_left}


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.display_name", read_only=True, default=None, allow_null=True
    )
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


def _tally(name: str, **fields: serializers.Field) -> type[serializers.Serializer]:
    """A serializer of a group (`fields`), then the requests and the units it counts."""
    counts = {"requests": serializers.IntegerField(), "units": serializers.IntegerField()}
    return type(name, (serializers.Serializer,), {**fields, **counts})


_CountSerializer = _tally(
    "_CountSerializer", key=serializers.CharField(), label=serializers.CharField()
)
_RegionCategorySerializer = _tally(
    "_RegionCategorySerializer",
    region=serializers.CharField(),
    region_label=serializers.CharField(),
    category=serializers.CharField(),
    category_label=serializers.CharField(),
)
_CapacitySerializer = _tally(
    "_CapacitySerializer",
    category=serializers.CharField(),
    category_label=serializers.CharField(),
    band=serializers.CharField(),
    low=serializers.FloatField(),
    high=serializers.FloatField(),
)


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


class CustomOrderViewSet(
    LifecycleViewSetMixin,
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Made-to-order requests (定制) by number: the customer's need, the product manager's
    quote, the customer's decision and the 7-day production clock. The steps (quote,
    decline, accept, reject, start-production, produced, cancel) are generated from
    `CUSTOM_ORDER`."""

    model = CustomOrder
    # A request is not edited once sent (a new quote or a cancellation changes it): no PUT,
    # PATCH or DELETE.
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = CustomOrderSerializer
    filterset_class = selectors.CustomOrderFilter
    lookup_field = "number"
    ordering_fields = ["created_at", "number", "production_due", "wanted_date", "quantity"]
    ordering = ["-created_at", "-id"]
    create_service = staticmethod(request_custom_order)
    create_permission = staticmethod(can_request)
    lifecycle = CUSTOM_ORDER
    # `expire` is the daily sweep's step (`endpoint=False`): no action.

    def get_queryset(self) -> Any:
        return selectors.custom_order_list(user=scope_user(self.request))

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
        if not can_see_demand(user):
            raise exceptions.PermissionDenied()
        query = DemandQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        demand = selectors.custom_demand(user=user, **query.validated_data)
        return Response(DemandSerializer(demand).data)


CUSTOM_ROUTES: list[tuple[str, Any, str]] = [("custom-orders", CustomOrderViewSet, "custom-order")]

__all__ = ["CUSTOM_ROUTES", "CustomOrderSerializer", "CustomOrderStatus", "CustomOrderViewSet"]
