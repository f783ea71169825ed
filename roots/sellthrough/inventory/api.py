"""API of the inventory reads (进销存): stock position, sell-through rate and stock alerts.

`GET /api/v1/sellthrough/stock/`, `GET /api/v1/sellthrough/sell-through/` and
`GET /api/v1/sellthrough/alerts/`, paginated, scoped like the pages (customer users see
their company; call agents, engineers and suppliers get 403). A customer or outlet code that
is unknown or outside the caller's scope answers 404; bad dates and parameters answer 400
with field errors. `ROUTES` lists (prefix, viewset, basename) for `roots/api_urls.py`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import URLPattern
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import BusinessDateField, ErrorSerializer, ScopedModelViewSet, request_user
from roots.org.models import User
from roots.sellthrough.inventory import policies, selectors

# Far dates are typos, and a window before year 1 would not even compute.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
MAX_PERIOD_DAYS = 731


def _orderings(keys: tuple[str, ...]) -> list[str]:
    return [*keys, *(f"-{key}" for key in keys)]


# --- query parameters -----------------------------------------------------------------------------
class _ScopeQuery(serializers.Serializer):
    customer = serializers.CharField(
        required=False, max_length=12, help_text="Customer code (404 if not in your scope)."
    )
    outlet = serializers.CharField(
        required=False, max_length=12, help_text="Outlet code (404 if not in your scope)."
    )
    sku = serializers.CharField(required=False, max_length=40, help_text="SKU code.")
    search = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Part of a SKU's code or name, or of its category's code or name.",
    )


class StockQuerySerializer(_ScopeQuery):
    as_of = BusinessDateField(
        required=False, first_year=FIRST_DAY.year, help_text="The day of the position (today)."
    )
    status = serializers.ChoiceField(choices=list(selectors.STATUSES), required=False)
    ordering = serializers.ChoiceField(
        choices=_orderings(selectors.STOCK_ORDERINGS),
        required=False,
        help_text="Sort key; a leading '-' sorts descending (default: customer, outlet, SKU).",
    )


class AlertQuerySerializer(_ScopeQuery):
    as_of = BusinessDateField(
        required=False, first_year=FIRST_DAY.year, help_text="The day of the alerts (today)."
    )
    kind = serializers.ChoiceField(choices=list(selectors.ALERT_KINDS), required=False)


class RateQuerySerializer(_ScopeQuery):
    # Named `from` and `to` in the query string (Python keywords: renamed in get_fields).
    from_ = BusinessDateField(
        required=False,
        first_year=FIRST_DAY.year,
        help_text="First day of the period (default: 27 days before `to`).",
    )
    to = BusinessDateField(
        required=False, first_year=FIRST_DAY.year, help_text="Last day of the period (today)."
    )
    by = serializers.ChoiceField(
        choices=list(selectors.RATE_GROUPS), required=False, help_text="Group (outlet)."
    )
    ordering = serializers.ChoiceField(
        choices=_orderings(selectors.RATE_ORDERINGS),
        required=False,
        help_text="Sort key; a leading '-' sorts descending (default: -sold).",
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_to = attrs.get("to") or selectors.today()
        date_from = attrs.get("from") or date_to - datetime.timedelta(days=27)
        if date_from > date_to:
            raise serializers.ValidationError({"from": [_("The period starts after it ends.")]})
        if (date_to - date_from).days >= MAX_PERIOD_DAYS:
            raise serializers.ValidationError(
                {"from": [_("Choose a period of at most two years.")]}
            )
        return {**attrs, "from": date_from, "to": date_to}


# --- answers -----------------------------------------------------------------------------------
class StockPositionSerializer(serializers.Serializer):
    customer = serializers.CharField(source="customer_code")
    customer_name = serializers.CharField()
    outlet = serializers.CharField(source="outlet_code")
    outlet_name = serializers.CharField()
    sku = serializers.CharField(source="sku_code")
    sku_name = serializers.CharField()
    stock_units = serializers.IntegerField()
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    stock_value = serializers.DecimalField(
        max_digits=22, decimal_places=2, help_text="Stock at cost (units × unit cost)."
    )
    units_sold_28d = serializers.IntegerField(
        source="sold_in_window", help_text="Units sold in the 28 days ending `as_of`."
    )
    daily_sales = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Average units sold a day over 28 days."
    )
    days_of_cover = serializers.DecimalField(
        max_digits=14,
        decimal_places=1,
        allow_null=True,
        help_text="Stock / daily sales; null when nothing was sold in 28 days.",
    )
    status = serializers.ChoiceField(choices=list(selectors.STATUSES))
    reported_on = BusinessDateField(help_text="The date of the report the stock is from.")


class StockAlertSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(selectors.ALERT_KINDS))
    customer = serializers.CharField(source="customer_code")
    customer_name = serializers.CharField()
    outlet = serializers.CharField(source="outlet_code")
    outlet_name = serializers.CharField()
    sku = serializers.CharField(source="sku_code")
    sku_name = serializers.CharField()
    stock_units = serializers.IntegerField()
    daily_sales = serializers.DecimalField(max_digits=14, decimal_places=2)
    days_of_cover = serializers.DecimalField(max_digits=14, decimal_places=1, allow_null=True)
    reported_on = BusinessDateField()


class SellThroughRateSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="The group's code: outlet, SKU, customer, or 'outlet/SKU'."
    )
    name = serializers.CharField(source="label", help_text="The group's name.")
    customer = serializers.CharField(source="customer_code", allow_blank=True)
    outlet = serializers.CharField(source="outlet_code", allow_blank=True)
    sku = serializers.CharField(source="sku_code", allow_blank=True)
    opening_stock = serializers.IntegerField()
    units_received = serializers.IntegerField()
    units_sold = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=22, decimal_places=2)
    rate = serializers.DecimalField(
        max_digits=24,
        decimal_places=4,
        allow_null=True,
        help_text="Units sold / (opening stock + units received); null if nothing to sell.",
    )


# --- views -----------------------------------------------------------------------------------
class _InventoryViewSet(ScopedModelViewSet):
    """Read-only lists computed from the feed by the scoped selectors of
    `roots.sellthrough.inventory.selectors`: no records of their own, so no retrieve or history (the
    API base's error format, schema, content negotiation and idempotency still apply)."""

    history = None  # type: ignore[assignment]  # computed rows keep no change history
    filter_backends: list[Any] = []
    query_serializer: type[serializers.Serializer] = serializers.Serializer
    row_serializer: type[serializers.Serializer] = serializers.Serializer

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each list's schema: its query parameters, its rows, the error answers."""
        super().__init_subclass__(**kwargs)
        responses = {200: cls.row_serializer(many=True), **_ERRORS}
        schema = extend_schema(
            parameters=[cls.query_serializer], responses=responses, filters=False
        )
        extend_schema_view(list=schema)(cls)

    def _query(self, request: Request) -> tuple[User, dict[str, Any], dict[str, Any]]:
        """The caller (403 for roles without inventory), the validated parameters (400),
        and the customer, outlet and SKU they name (404 out of scope, 400 unknown SKU)."""
        user = request_user(request)
        if not policies.may_view_inventory(user):
            raise exceptions.PermissionDenied(_("Customer inventory is not part of your work."))
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        scope: dict[str, Any] = {
            "customer": None,
            "outlet": None,
            "sku": None,
            "search": params.get("search") or None,
        }
        if params.get("sku"):
            scope["sku"] = selectors.inventory_sku(user=user, code=params["sku"])
            if scope["sku"] is None:
                raise exceptions.ValidationError({"sku": [_("No SKU has this code.")]})
        if params.get("customer"):
            scope["customer"] = selectors.inventory_customer(user=user, code=params["customer"])
        if params.get("outlet"):
            scope["outlet"] = selectors.inventory_outlet(user=user, code=params["outlet"])
        return user, params, scope

    def rows(self, user: User, params: dict[str, Any], scope: dict[str, Any]) -> Any:
        """The selector's lazy list for the validated parameters and the scope."""
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.rows(*self._query(request)))
        return self.get_paginated_response(self.row_serializer(page, many=True).data)


_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class StockPositionViewSet(_InventoryViewSet):
    """Stock position per outlet × SKU at `as_of` (default today, Asia/Shanghai): the latest
    report within the 28 days ending that day (older reports are stale and left out), its
    value at cost, the average daily sales over those 28 days, the days of cover and a
    status (`stock_out`: cover under 7 days; `overstock`: over 60 days or no sales)."""

    query_serializer = StockQuerySerializer
    row_serializer = StockPositionSerializer

    def rows(self, user: User, params: dict[str, Any], scope: dict[str, Any]) -> Any:
        return selectors.stock_position_list(
            user=user,
            as_of=params.get("as_of"),
            status=params.get("status"),
            ordering=params.get("ordering"),
            **scope,
        )


class SellThroughRateViewSet(_InventoryViewSet):
    """Sell-through rate over a period (`from`, `to`; default the 28 days ending today) per
    outlet, SKU, customer or outlet × SKU (`by`): units sold / (opening stock + units
    received), where each outlet × SKU opens with its first report's stock − received +
    sold. Most sold first unless `ordering` says otherwise."""

    query_serializer = RateQuerySerializer
    row_serializer = SellThroughRateSerializer

    def rows(self, user: User, params: dict[str, Any], scope: dict[str, Any]) -> Any:
        return selectors.sell_through_rates(
            user=user,
            date_from=params["from"],
            date_to=params["to"],
            by=params.get("by") or "outlet",
            ordering=params.get("ordering"),
            **scope,
        )


class StockAlertViewSet(_InventoryViewSet):
    """Stock alerts at `as_of` (default today): `stock_out` (sales in the last 28 days and
    under 7 days of cover, zero stock included) first, least cover first; then `overstock`
    (over 60 days of cover, or stock with no sales in 28 days), worst first."""

    query_serializer = AlertQuerySerializer
    row_serializer = StockAlertSerializer

    def rows(self, user: User, params: dict[str, Any], scope: dict[str, Any]) -> Any:
        return selectors.stock_alert_list(
            user=user, as_of=params.get("as_of"), kind=params.get("kind"), **scope
        )


# (prefix, viewset, basename) for the router, and plain paths (APIViews) under /api/v1/.
ROUTES: list[tuple[str, Any, str]] = [
    ("sellthrough/stock", StockPositionViewSet, "sellthrough-stock"),
    ("sellthrough/sell-through", SellThroughRateViewSet, "sellthrough-rate"),
    ("sellthrough/alerts", StockAlertViewSet, "sellthrough-alert"),
]
PATHS: list[URLPattern] = []
