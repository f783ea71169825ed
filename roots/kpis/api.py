"""API of the KPIs: `/api/v1/kpis/customers/<code>/`, `/kpis/account-managers/<username>/`
and `/kpis/branches/<code>/`, each with `?from=&to=` (default: the last 90 days). Read-only
APIViews listed in `PATHS` (wired under /api/v1/ by roots/api_urls.py)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from roots.core.api import (
    BusinessDateField,
    ContentNegotiation,
    ErrorSerializer,
    RootsAutoSchema,
    request_user,
)
from roots.customers.models import Customer
from roots.kpis import selectors
from roots.kpis.selectors import KPI_NAMES, KpiValues, Period, Report, Row, TrendPoint
from roots.org.models import Branch, User

# (prefix, viewset, basename) for the router, and plain paths (APIViews) under /api/v1/.
ROUTES: list[tuple[str, Any, str]] = []
# The KPIs as the API names them, in the order of `selectors.KPI_NAMES`.
API_NAMES = ("turnover_days", "profit_margin", "problem_resolution", "sales_share")


# --- the answer --------------------------------------------------------------------------------
class KpiPeriodSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": BusinessDateField(source="start", help_text="First day (included)."),
            "to": BusinessDateField(source="end", help_text="Last day (included)."),
        }


def _ratio(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


class KpiValuesSerializer(serializers.Serializer):
    turnover_days = serializers.FloatField(
        allow_null=True,
        help_text="Inventory turnover days: stock value at cost summed over the reported "
        "days / cost of goods sold; null without sales.",
    )
    profit_margin = _ratio("(revenue − (cost of goods sold − rebates)) / revenue, a fraction.")
    problem_resolution = _ratio("Complaints raised in the period and resolved within SLA / raised.")
    sales_share = _ratio("Revenue on our products / total sales of all brands in our categories.")

    def to_representation(self, instance: KpiValues) -> dict[str, Any]:
        return {
            key: None if (value := instance.get(name)) is None else float(value)
            for key, name in zip(API_NAMES, KPI_NAMES, strict=True)
        }


def _money(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None, decimal_places=2, coerce_to_string=True, help_text=help_text
    )


class KpiCountedSerializer(serializers.Serializer):
    turnover_days = serializers.IntegerField()
    profit_margin = serializers.IntegerField()
    problem_resolution = serializers.IntegerField()
    sales_share = serializers.IntegerField()

    def to_representation(self, instance: Any) -> dict[str, int]:
        return {
            "turnover_days": int(instance.get("turnover_days", 0)),
            "profit_margin": int(instance.get("margin", 0)),
            "problem_resolution": int(instance.get("resolution", 0)),
            "sales_share": int(instance.get("share", 0)),
        }


class KpiTotalsSerializer(serializers.Serializer):
    revenue = _money("Σ revenue of the sell-through rows (CNY).")
    cogs = _money("Σ units sold × unit cost (CNY).")
    stock_value_days = _money("Σ stock units × unit cost over the reported days (CNY·days).")
    rebates = _money("Rebates (approved or credited) prorated to the period by days (CNY).")
    category_sales = _money("Σ total sales of all brands in our categories (CNY).")
    complaints_raised = serializers.IntegerField()
    complaints_in_sla = serializers.IntegerField(help_text="Of those, resolved within SLA.")
    customers = serializers.IntegerField(help_text="Customers in the group (1 for a customer).")
    counted = KpiCountedSerializer(
        help_text="For each KPI, the customers that carried weight in its average (a value "
        "and revenue in the period)."
    )


class KpiTrendPointSerializer(serializers.Serializer):
    period_start = BusinessDateField()
    period_end = BusinessDateField()
    turnover_days = serializers.FloatField(allow_null=True)
    profit_margin = serializers.FloatField(allow_null=True)
    problem_resolution = serializers.FloatField(allow_null=True)
    sales_share = serializers.FloatField(allow_null=True)
    revenue = _money("Revenue in the bucket (CNY).")

    def to_representation(self, instance: TrendPoint) -> dict[str, Any]:
        return {
            "period_start": instance.period_start.isoformat(),
            "period_end": instance.period_end.isoformat(),
            **KpiValuesSerializer(instance.values).data,
            "revenue": _money("").to_representation(instance.values.revenue),
        }


class KpiCustomerRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kpis = KpiValuesSerializer()
    totals = KpiTotalsSerializer()


class KpiAccountManagerRowSerializer(serializers.Serializer):
    username = serializers.CharField(allow_null=True, help_text="null: customers without one.")
    name = serializers.CharField()
    kpis = KpiValuesSerializer()
    totals = KpiTotalsSerializer()


class KpiRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class KpiAccountManagerRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    branch = serializers.CharField(allow_null=True, help_text="Branch code.")


def _row(row: Row, key: str) -> dict[str, Any]:
    return {
        key: row.key,
        "name": row.name,
        "kpis": KpiValuesSerializer(row.values).data,
        "totals": KpiTotalsSerializer(row.values).data,
    }


def _answer(report: Report) -> dict[str, Any]:
    return {
        "period": KpiPeriodSerializer(report.period).data,
        "kpis": KpiValuesSerializer(report.values).data,
        "totals": KpiTotalsSerializer(report.values).data,
        "trend": [KpiTrendPointSerializer(p).data for p in report.trend],
    }


def _base_fields() -> dict[str, Any]:
    return {
        "period": KpiPeriodSerializer(),
        "kpis": KpiValuesSerializer(),
        "totals": KpiTotalsSerializer(),
        "trend": KpiTrendPointSerializer(many=True),
    }


class CustomerKpisSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, Any]:
        return {"customer": KpiRefSerializer(), **_base_fields()}


class AccountManagerKpisSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, Any]:
        return {
            "account_manager": KpiAccountManagerRefSerializer(),
            **_base_fields(),
            "customers": KpiCustomerRowSerializer(many=True),
        }


class BranchKpisSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, Any]:
        return {
            "branch": KpiRefSerializer(),
            **_base_fields(),
            "account_managers": KpiAccountManagerRowSerializer(many=True),
        }


# --- the views ---------------------------------------------------------------------------------
PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        required=False,
        description="First day of the period (default: 89 days before `to`).",
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, required=False, description="Last day (default: today)."
    ),
]


class KpiPeriodQuerySerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": BusinessDateField(required=False),
            "to": BusinessDateField(required=False),
        }


def period_of(request: Request) -> Period:
    """The period of `?from=&to=`; a 400 with field errors when they are not one."""
    query = KpiPeriodQuerySerializer(data=dict(request.query_params.items()))
    query.is_valid(raise_exception=True)
    data: dict[str, Any] = dict(query.validated_data)
    return selectors.period_from(
        start=data.get("from"), end=data.get("to"), today=timezone.localdate()
    )


class KpiView(APIView):
    """The KPIs of one customer, account manager or branch (`find` fetches it through the
    caller's scope by the URL's key, a 404 outside it) over the period of `?from=&to=`."""

    schema: Any = RootsAutoSchema()
    content_negotiation_class: Any = ContentNegotiation

    def find(self, *, user: User, **key: str) -> Any:
        raise NotImplementedError

    def report(self, *, user: User, subject: Any, period: Period) -> Report:
        raise NotImplementedError

    def answer(self, subject: Any, report: Report) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, request: Request, **key: str) -> Response:
        user = request_user(request)
        subject = self.find(user=user, **key)
        report = self.report(user=user, subject=subject, period=period_of(request))
        return Response(self.answer(subject, report))


def _schema(answer: type[serializers.Serializer], summary: str) -> Any:
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            parameters=PERIOD_PARAMETERS,
            responses={200: answer, 400: ErrorSerializer},
        )
    )


@_schema(CustomerKpisSerializer, "A customer's KPIs")
class CustomerKpisView(KpiView):
    """A customer's KPIs over the period and their trend (by ISO week for periods of up to
    92 days, by month beyond). Any customer in the caller's scope; 404 otherwise."""

    def find(self, *, user: User, **key: str) -> Customer:
        return selectors.kpi_customer(user=user, **key)

    def report(self, *, user: User, subject: Customer, period: Period) -> Report:
        return selectors.customer_report(user=user, customer=subject, period=period)

    def answer(self, subject: Customer, report: Report) -> dict[str, Any]:
        return {"customer": {"code": subject.code, "name": subject.name}, **_answer(report)}


@_schema(AccountManagerKpisSerializer, "An account manager's KPIs")
class AccountManagerKpisView(KpiView):
    """An account manager's KPIs: the revenue-weighted average over their current customers,
    with one row per customer. For the account manager, their branch manager and
    headquarters; 404 for everyone else."""

    def find(self, *, user: User, **key: str) -> User:
        return selectors.kpi_account_manager(user=user, **key)

    def report(self, *, user: User, subject: User, period: Period) -> Report:
        return selectors.account_manager_report(user=user, account_manager=subject, period=period)

    def answer(self, subject: User, report: Report) -> dict[str, Any]:
        return {
            "account_manager": {
                "username": subject.username,
                "name": subject.display_name,
                "branch": subject.branch.code if subject.branch else None,
            },
            **_answer(report),
            "customers": [_row(r, "code") for r in report.rows],
        }


@_schema(BranchKpisSerializer, "A branch's KPIs and its account managers")
class BranchKpisView(KpiView):
    """A branch's KPIs (weighted over its customers) and the ranking of its account
    managers. For its branch manager and headquarters; 404 for everyone else."""

    def find(self, *, user: User, **key: str) -> Branch:
        return selectors.kpi_branch(user=user, **key)

    def report(self, *, user: User, subject: Branch, period: Period) -> Report:
        return selectors.branch_report(user=user, branch=subject, period=period)

    def answer(self, subject: Branch, report: Report) -> dict[str, Any]:
        return {
            "branch": {"code": subject.code, "name": subject.name},
            **_answer(report),
            "account_managers": [_row(r, "username") for r in report.rows],
        }


PATHS: list[URLPattern] = [
    path("kpis/customers/<str:code>/", CustomerKpisView.as_view(), name="kpi-customer"),
    path(
        "kpis/account-managers/<str:username>/",
        AccountManagerKpisView.as_view(),
        name="kpi-account-manager",
    ),
    path("kpis/branches/<str:code>/", BranchKpisView.as_view(), name="kpi-branch"),
]
