"""The orders API: `ROUTES` lists (prefix, viewset, basename) for `roots/api_urls.py`.

`/api/v1/orders/` (standard and made-to-order orders: list, retrieve, create, the life-cycle
actions, timeline, history) and `/api/v1/promotions/` (the catalog's promotions, registered
here because the catalog's routes are listed one by one in `api_urls`), then the custom-order
routes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.catalog.models import Sku
from roots.core.api import (
    BusinessDateField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    request_user,
    scope_user,
)
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.customers.models import Outlet
from roots.orders import selectors, services
from roots.orders.custom.api import CUSTOM_ROUTES, EventSerializer
from roots.orders.filters import OrderFilter
from roots.orders.lifecycles import ORDER
from roots.orders.models import Order, OrderAllocation, OrderLine

_MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


# --- serializers ---------------------------------------------------------------------------
class OrderAllocationSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    warehouse_name = serializers.CharField(source="warehouse.name", read_only=True)

    class Meta:
        model = OrderAllocation
        fields = ["warehouse", "warehouse_name", "quantity"]
        read_only_fields = fields


class OrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", read_only=True, default=None, allow_null=True)
    promotion = serializers.CharField(
        source="promotion.code", read_only=True, default=None, allow_null=True
    )
    allocations = OrderAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "line_no",
            "sku",
            "description",
            "quantity",
            "list_price",
            "unit_price",
            "discount",
            "line_total",
            "promotion",
            "allocations",
        ]
        read_only_fields = fields


_SUMMARY_FIELDS = [
    "number",
    "kind",
    "status",
    "customer",
    "customer_name",
    "outlet",
    "outlet_name",
    "placed_by",
    "customer_reference",
    "requested_date",
    "subtotal",
    "discount_total",
    "total",
    "submitted_at",
    "version",
    "updated_at",
]


class OrderSummarySerializer(serializers.ModelSerializer):
    """An order as lists show it."""

    customer = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    outlet = serializers.CharField(source="outlet.code", read_only=True)
    outlet_name = serializers.CharField(source="outlet.name", read_only=True)
    placed_by = serializers.CharField(
        source="placed_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Order
        fields = _SUMMARY_FIELDS
        read_only_fields = _SUMMARY_FIELDS


class OrderSerializer(OrderSummarySerializer):
    """An order with its lines, allocations, totals, timestamps and the actions the caller
    may take on it now."""

    lines = OrderLineSerializer(many=True, read_only=True)
    allowed_actions = AllowedActionsField(ORDER)

    class Meta(OrderSummarySerializer.Meta):
        fields = [
            *_SUMMARY_FIELDS,
            "note",
            "lines",
            "confirmed_at",
            "allocated_at",
            "shipped_at",
            "delivered_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "carrier",
            "waybill",
            "allowed_actions",
            "created_at",
        ]
        read_only_fields = fields


class OrderLineInputSerializer(serializers.Serializer):
    sku = ScopedSlugRelatedField(
        slug_field="code", queryset=Sku.objects.all(), help_text="The SKU's code."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_QUANTITY)


class OrderCreateSerializer(serializers.Serializer):
    """What a new order needs: the outlet it goes to and its lines (the same SKU twice is
    merged into one line)."""

    outlet = ScopedSlugRelatedField(
        slug_field="code", queryset=Outlet.objects.all(), help_text="The outlet's code."
    )
    lines = OrderLineInputSerializer(  # type: ignore[call-arg]
        many=True, allow_empty=False, max_length=services.MAX_LINES
    )
    customer_reference = serializers.CharField(max_length=50, required=False, allow_blank=True)
    requested_date = BusinessDateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class NoteSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=2000)
    visible_to_customer = serializers.BooleanField(
        default=True, help_text="Staff only: false keeps the note among our staff."
    )


# An order's timeline event is a custom order's with its id (and the model's `kind`). No
# docstring: it would become the schema's description.
class OrderEventSerializer(EventSerializer):
    actor = serializers.CharField(
        source="actor.display_name", read_only=True, default=None, allow_null=True
    )
    kind = None  # type: ignore[assignment]  # the model's field

    class Meta(EventSerializer.Meta):
        fields = ["id", *EventSerializer.Meta.fields]
        read_only_fields = fields


def _messages(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        found = []
        for key, inner in value.items():
            if isinstance(key, int):  # a list's errors by position
                label = _("Line %(n)s") % {"n": key + 1} + ": "
            else:
                label = "" if key == "non_field_errors" else f"{key}: "
            found += _messages(inner, f"{prefix}{label}")
        return found
    if isinstance(value, list):
        found = []
        for index, inner in enumerate(value):
            if isinstance(inner, dict | list):
                found += _messages(inner, f"{prefix}{_('Line %(n)s') % {'n': index + 1}}: ")
            else:
                found.append(f"{prefix}{inner}")
        return found
    return [f"{prefix}{value}"]


def flat_errors(errors: Any) -> dict[str, list[str]]:
    """Serializer errors as the API's error format has them, `{field: [messages]}`: the
    errors of a line (`lines[2].quantity`) become "Line 3: quantity: ..." under `lines`."""
    return {str(field): _messages(value) for field, value in errors.items()}


# --- the viewset ---------------------------------------------------------------------------
class OrderViewSet(
    LifecycleViewSetMixin, RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet
):
    """Orders by number. `?search=` matches the number, your reference, the customer's and
    the outlet's name (characters, pinyin, initials). A customer user sees its company's
    orders; staff those of the customers in their scope."""

    model = Order
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    lookup_field = "number"
    ordering_fields = ["number", "submitted_at", "total", "status", "updated_at"]
    lifecycle = ORDER  # confirm, allocate, ship, deliver, close, cancel: one action each

    def get_queryset(self) -> Any:
        user = scope_user(self.request)
        if self.action == "list":
            return selectors.order_list(user=user)
        return selectors.order_detail_queryset(user=user).select_related("custom_order")

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return OrderSummarySerializer
        if self.action == "create":
            return OrderCreateSerializer
        return OrderSerializer

    def _answer(self, order: Order, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=order.pk)
        response = Response(
            OrderSerializer(fresh, context=self.get_serializer_context()).data, status=status_code
        )
        return self.with_etag(response, fresh)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Place an order: priced with your prices and promotions today, stock reserved,
        credit checked (400 with `credit` or `lines` errors when they do not allow it)."""
        user = request_user(request)
        if not services.can_place_orders(user):
            raise exceptions.PermissionDenied()
        serializer = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        if not serializer.is_valid():
            raise exceptions.ValidationError(flat_errors(serializer.errors))
        order = services.order_submit(user=user, data=serializer.validated_data)
        return self._answer(order, status.HTTP_201_CREATED)

    @extend_schema(
        request=NoteSerializer,
        responses={201: OrderEventSerializer},
        description="Add a note to the order's timeline (staff may keep it among staff).",
    )
    @action(detail=True, methods=["post"])
    def note(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.order_note(
            user=request_user(request),
            order=order,
            message=serializer.validated_data["message"],
            visible_to_customer=serializer.validated_data["visible_to_customer"],
        )
        return Response(OrderEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=OrderEventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The order's timeline, oldest first; customer users do not see staff-only notes."""
        order = self.get_object()
        events = selectors.order_timeline(user=request_user(request), order=order)
        return Response(OrderEventSerializer(events, many=True).data)


ROUTES: list[tuple[str, Any, str]] = [
    ("orders", OrderViewSet, "order"),
    *CUSTOM_ROUTES,
]
