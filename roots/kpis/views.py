"""KPI pages: the dashboard (`/kpis/`: an account manager's own KPIs and customers, a branch
manager's ranking of account managers, headquarters' ranking of branches), the pages of a
customer, an account manager and a branch (cards, trend lines, components, the table below
them), their XLSX exports, and the KPI tab of the customer 360 page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.core.dates import BusinessDateFormField
from roots.core.exceptions import add_service_errors
from roots.core.pages import page_user, render_page
from roots.core.templatetags.roots_ui import grouped
from roots.core.throttling import cost_throttled
from roots.customers.models import Customer
from roots.kpis import export, policies, selectors
from roots.kpis.selectors import KpiValues, Period, Report, Row
from roots.org.models import Branch, Role, User

# Row sort keys: the column and the value it sorts by.
SORT_KEYS = ("name", "turnover_days", "margin", "resolution", "share", "revenue", "customers")
# The KPI a ranking's bar chart shows when the table is sorted by something else.
DEFAULT_CHART_KPI = "margin"


# --- display -----------------------------------------------------------------------------------
def _one_decimal(value: Decimal) -> str:
    # Rounded half up here: Django's number formatting cuts the digits off.
    return grouped(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1)


def show_days(value: Decimal | None) -> str:
    """Turnover days with one decimal (`12.3`); `—` when undefined."""
    return "—" if value is None else _one_decimal(value)


def show_percent(value: Decimal | None) -> str:
    """A ratio as a per cent with one decimal (`23.4%`); `—` when undefined."""
    return "—" if value is None else f"{_one_decimal(value * 100)}%"


def show(name: str, value: Decimal | None) -> str:
    return show_days(value) if name == "turnover_days" else show_percent(value)


def _chart_number(name: str, value: Decimal | None) -> float | None:
    """A KPI as the charts plot it: days, or per cent, with one decimal."""
    if value is None:
        return None
    return round(float(value if name == "turnover_days" else value * 100), 1)


def kpi_labels() -> dict[str, str]:
    return {
        "turnover_days": _("Inventory turnover days"),
        "margin": _("Customer profit margin"),
        "resolution": _("Problem resolution"),
        "share": _("Our share of their sales"),
    }


def kpi_short_labels() -> dict[str, str]:
    """Column headers of the tables."""
    return {
        "turnover_days": _("Turnover days"),
        "margin": _("Margin"),
        "resolution": _("Resolution"),
        "share": _("Share"),
    }


CARDS = (
    # (kpi, data-testid, icon, colour)
    ("turnover_days", "kpi-turnover", "ti-refresh", "azure"),
    ("margin", "kpi-margin", "ti-coin", "green"),
    ("resolution", "kpi-resolution", "ti-lifebuoy", "orange"),
    ("share", "kpi-share", "ti-chart-pie", "purple"),
)


def _change(name: str, now: Decimal | None, before: Decimal | None) -> dict[str, str] | None:
    """The change against the previous period: days for turnover (fewer is better),
    percentage points for the ratios (more is better)."""
    if now is None or before is None:
        return None
    delta = now - before
    if name == "turnover_days":
        text = _("%(sign)s%(value)s days") % {
            "sign": "+" if delta > 0 else "",
            "value": _one_decimal(delta),
        }
        better = delta < 0
    else:
        text = _("%(sign)s%(value)s pp") % {
            "sign": "+" if delta > 0 else "",
            "value": _one_decimal(delta * 100),
        }
        better = delta > 0
    # Below what one decimal shows (0.1 day, 0.1 percentage point): no change.
    if abs(delta) < (Decimal("0.05") if name == "turnover_days" else Decimal("0.0005")):
        return {"text": text, "class": "text-secondary", "icon": "ti-minus"}
    return {
        "text": text,
        "class": "text-green" if better else "text-red",
        "icon": "ti-trending-up" if delta > 0 else "ti-trending-down",
    }


def kpi_cards(
    values: KpiValues, previous: KpiValues | None = None, trend: list[Any] | None = None
) -> list[dict[str, Any]]:
    """The four cards: value, change against the previous period, sparkline data."""
    labels = kpi_labels()
    cards = []
    for name, testid, icon, colour in CARDS:
        value = values.get(name)
        cards.append(
            {
                "name": name,
                "testid": testid,
                "icon": icon,
                "colour": colour,
                "label": labels[name],
                "value": show(name, value),
                "raw": value,
                "change": _change(name, value, previous.get(name)) if previous else None,
                "spark": (
                    {
                        "labels": [p.period_start.isoformat() for p in trend],
                        "values": [_chart_number(name, p.values.get(name)) for p in trend],
                        "name": labels[name],
                        "unit": "" if name == "turnover_days" else "%",
                    }
                    if trend
                    else None
                ),
            }
        )
    return cards


def components(values: KpiValues) -> list[tuple[str, str]]:
    """The sums behind the KPIs, labelled, for the components card."""
    from roots.core.templatetags.roots_ui import money, num

    return [
        (_("Revenue"), money(values.revenue)),
        (_("Cost of goods sold"), money(values.cogs)),
        (_("Rebates in the period"), money(values.rebates)),
        (_("Stock value at cost × days"), money(values.stock_value_days)),
        (_("Category sales, all brands"), money(values.category_sales)),
        (_("Complaints raised"), num(values.complaints_raised)),
        (_("Resolved within SLA"), num(values.complaints_in_sla)),
    ]


# --- the period --------------------------------------------------------------------------------
class PeriodForm(forms.Form):
    """`?from=&to=` of every KPI page (the query parameters of the API)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = {"type": "date", "class": "form-control"}
        self.fields["from"] = BusinessDateFormField(
            label=gettext_lazy("From"), required=False, widget=forms.DateInput(widget)
        )
        self.fields["to"] = BusinessDateFormField(
            label=gettext_lazy("To"), required=False, widget=forms.DateInput(widget)
        )
        self.period: Period | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.period = selectors.period_from(
                start=data.get("from"), end=data.get("to"), today=timezone.localdate()
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return data


def _presets(request: HttpRequest, period: Period | None) -> list[dict[str, Any]]:
    today = timezone.localdate()
    choices = [
        (_("This month"), today.replace(day=1), today),
        (_("Last 30 days"), today - timedelta(days=29), today),
        (_("Last 90 days"), today - timedelta(days=89), today),
        (_("This year"), today.replace(month=1, day=1), today),
    ]
    found = []
    for label, start, end in choices:
        params = request.GET.copy()
        params["from"], params["to"] = start.isoformat(), end.isoformat()
        active = period is not None and (period.start, period.end) == (start, end)
        found.append({"label": label, "url": f"?{params.urlencode()}", "active": active})
    return found


# --- rows and their table ----------------------------------------------------------------------
def _sort_rows(rows: list[Row], sort: str) -> list[Row]:
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: r.name, reverse=descending)
    present = [r for r in rows if _sort_value(r, key) is not None]
    missing = [r for r in rows if _sort_value(r, key) is None]
    # Undefined values go last whichever the direction.
    return sorted(present, key=lambda r: _sort_value(r, key), reverse=descending) + missing  # type: ignore[arg-type,return-value]


def _sort_value(row: Row, key: str) -> Decimal | int | None:
    if key == "customers":
        return row.values.customers
    if key == "revenue":
        return row.values.revenue
    return row.values.get(key)


def _table_rows(rows: list[Row], link_name: str | None) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        v = row.values
        found.append(
            {
                "key": row.key,
                "name": row.name,
                "url": reverse(link_name, args=[row.key]) if link_name and row.key else None,
                "turnover_days": show_days(v.turnover_days),
                "margin": show_percent(v.margin),
                "resolution": show_percent(v.resolution),
                "share": show_percent(v.share),
                "revenue": v.revenue,
                "complaints": f"{v.complaints_in_sla}/{v.complaints_raised}",
                "customers": v.customers,
            }
        )
    return found


def _bar_chart(rows: list[Row], kpi: str, link_name: str | None, query: str) -> dict[str, Any]:
    """The ranking's bars (one KPI); a click on a bar drills into its row."""
    shown = [r for r in rows if r.values.get(kpi) is not None]
    return {
        "links": [
            f"{reverse(link_name, args=[r.key])}?{query}" if link_name and r.key else None
            for r in shown
        ],
        "title": kpi_labels()[kpi],
        "height": max(240, 28 * len(shown) + 40),
        "labels": [r.name for r in shown],
        "values": [_chart_number(kpi, r.values.get(kpi)) for r in shown],
        "unit": "" if kpi == "turnover_days" else "%",
    }


def _period_query(period: Period) -> str:
    return f"from={period.start.isoformat()}&to={period.end.isoformat()}"


def _trend_chart(report: Report) -> dict[str, Any]:
    labels = kpi_labels()
    return {
        "labels": [p.period_start.isoformat() for p in report.trend],
        "weekly": report.period.weekly,
        "series": [
            {
                "key": name,
                "name": labels[name],
                "unit": "" if name == "turnover_days" else "%",
                "values": values,
                "defined": any(v is not None for v in values),
            }
            for name, values in (
                (n, [_chart_number(n, p.values.get(n)) for p in report.trend]) for n in labels
            )
        ],
    }


def _trend_rows(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "start": p.period_start,
            "end": p.period_end,
            "turnover_days": show_days(p.values.turnover_days),
            "margin": show_percent(p.values.margin),
            "resolution": show_percent(p.values.resolution),
            "share": show_percent(p.values.share),
            "revenue": p.values.revenue,
            "complaints": f"{p.values.complaints_in_sla}/{p.values.complaints_raised}",
        }
        for p in report.trend
    ]


# --- one view, four subjects -------------------------------------------------------------------
def _render(
    request: HttpRequest,
    *,
    kind: str,
    title: str,
    subtitle: str,
    breadcrumbs: list[tuple[str, str | None]],
    make_report: Any,
    previous_of: Any,
    link_name: str | None,
    export_name: str,
    export_args: list[str],
    home: bool = False,
    exporting: bool = False,
) -> HttpResponse:
    """The KPI page of a subject (`kind`: customer, account_manager, branch, overall):
    the full page, its body alone for htmx (period picker, sorting), or the XLSX of its
    table when `exporting`."""
    form = PeriodForm(request.GET)
    context: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "subtitle": subtitle,
        "breadcrumbs": breadcrumbs,
        "form": form,
        "home": home,
        "labels": kpi_labels(),
        "short": kpi_short_labels(),
    }
    if not form.is_valid() or form.period is None:
        if exporting:
            return HttpResponse(
                " ".join(str(e) for errors in form.errors.values() for e in errors), status=400
            )
        context["presets"] = _presets(request, None)
        return _respond(request, context, status=400)
    period = form.period
    report: Report = make_report(period)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in SORT_KEYS:
        sort = "-revenue" if kind != "customer" else ""
    rows = _sort_rows(report.rows, sort) if sort else report.rows
    if exporting:
        return export.kpi_workbook(kind=kind, title=title, report=report, rows=rows)
    previous: KpiValues = previous_of(period.previous())
    chart_kpi = sort.lstrip("-") if sort.lstrip("-") in selectors.KPI_NAMES else DEFAULT_CHART_KPI
    context.update(
        {
            "period": period,
            "previous": period.previous(),
            "presets": _presets(request, period),
            "report": report,
            "cards": kpi_cards(report.values, previous, report.trend),
            "components": components(report.values),
            "trend_chart": _trend_chart(report),
            "trend_rows": _trend_rows(report),
            "rows": _table_rows(rows, link_name),
            "sort": sort,
            "bar_chart": (
                _bar_chart(rows, chart_kpi, link_name, _period_query(period)) if rows else None
            ),
            "export_url": reverse(export_name, args=export_args),
        }
    )
    return _respond(request, context)


def _respond(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render_page(request, "kpis/kpi_page.html", "kpis/_body.html", context, status=status)


def _home_crumb() -> tuple[str, str | None]:
    return (_("KPIs"), reverse("kpi-home"))


def _customer_page(
    request: HttpRequest, user: User, customer: Customer, exporting: bool = False
) -> HttpResponse:
    crumbs: list[tuple[str, str | None]] = []
    if user.is_staff_role:
        crumbs = [_home_crumb()]
        manager = customer.account_manager
        if manager and policies.may_see_account_manager(user, manager):
            crumbs.append(
                (manager.display_name, reverse("kpi-account-manager", args=[manager.username]))
            )
    return _render(
        request,
        kind="customer",
        title=customer.name,
        subtitle=_("Customer %(code)s: how well our products do for this customer.")
        % {"code": customer.code},
        breadcrumbs=crumbs,
        make_report=lambda p: selectors.customer_report(user=user, customer=customer, period=p),
        previous_of=lambda p: selectors.customer_summary(user=user, customer=customer, period=p),
        link_name=None,
        export_name="kpi-customer-export",
        export_args=[customer.code],
        exporting=exporting,
    )


def _account_manager_page(
    request: HttpRequest,
    user: User,
    manager: User,
    home: bool = False,
    exporting: bool = False,
) -> HttpResponse:
    crumbs: list[tuple[str, str | None]] = []
    if not home:
        crumbs.append(_home_crumb())
        if manager.branch and policies.may_see_branch(user, manager.branch):
            crumbs.append((manager.branch.name, reverse("kpi-branch", args=[manager.branch.code])))
    customers = selectors.account_manager_customers(user=user, account_manager=manager)
    return _render(
        request,
        kind="account_manager",
        title=_("My customers' success") if home else manager.display_name,
        subtitle=_(
            "Averages over the account manager's customers, weighted by each customer's "
            "revenue in the period."
        ),
        breadcrumbs=crumbs,
        make_report=lambda p: selectors.account_manager_report(
            user=user, account_manager=manager, period=p
        ),
        previous_of=lambda p: selectors.group_summary(user=user, customers=customers, period=p),
        link_name="kpi-customer",
        export_name="kpi-account-manager-export",
        export_args=[manager.username],
        home=home,
        exporting=exporting,
    )


def _branch_page(
    request: HttpRequest,
    user: User,
    branch: Branch,
    home: bool = False,
    exporting: bool = False,
) -> HttpResponse:
    customers = Customer.objects.visible_to(user).filter(branch=branch)
    return _render(
        request,
        kind="branch",
        title=branch.name,
        subtitle=_(
            "The branch's account managers ranked by their customers' success (averages "
            "weighted by revenue)."
        ),
        breadcrumbs=[] if home else [_home_crumb()],
        make_report=lambda p: selectors.branch_report(user=user, branch=branch, period=p),
        previous_of=lambda p: selectors.group_summary(user=user, customers=customers, period=p),
        link_name="kpi-account-manager",
        export_name="kpi-branch-export",
        export_args=[branch.code],
        home=home,
        exporting=exporting,
    )


def _overall_page(request: HttpRequest, user: User, exporting: bool = False) -> HttpResponse:
    customers = Customer.objects.visible_to(user)
    return _render(
        request,
        kind="overall",
        title=_("Customer-success KPIs"),
        subtitle=_("Every branch ranked by its customers' success (averages weighted by revenue)."),
        breadcrumbs=[],
        make_report=lambda p: selectors.overall_report(user=user, period=p),
        previous_of=lambda p: selectors.group_summary(user=user, customers=customers, period=p),
        link_name="kpi-branch",
        export_name="kpi-home-export",
        export_args=[],
        home=True,
        exporting=exporting,
    )


def _home(request: HttpRequest, exporting: bool) -> HttpResponse:
    user = page_user(request)
    if user.role == Role.CUSTOMER_USER and user.customer_id:
        if exporting:
            return redirect("kpi-customer-export", code=user.customer.code)  # type: ignore[union-attr]
        return redirect("kpi-customer", code=user.customer.code)  # type: ignore[union-attr]
    if user.role == Role.ACCOUNT_MANAGER:
        return _account_manager_page(request, user, user, home=True, exporting=exporting)
    if user.role == Role.BRANCH_MANAGER and user.branch is not None:
        return _branch_page(request, user, user.branch, home=True, exporting=exporting)
    if user.role == Role.HQ_ADMIN:
        return _overall_page(request, user, exporting=exporting)
    raise PermissionDenied(_("The customer-success KPIs are for the staff who sell."))


@login_required
def kpi_home(request: HttpRequest) -> HttpResponse:
    """An account manager's own KPIs, a branch manager's branch, headquarters' branches;
    a customer user goes to their company's KPIs."""
    return _home(request, exporting=False)


@login_required
@cost_throttled
def kpi_home_export(request: HttpRequest) -> HttpResponse:
    return _home(request, exporting=True)


def _page_and_export(
    fetch: Callable[..., Any], page: Callable[..., HttpResponse]
) -> tuple[Callable[..., HttpResponse], Callable[..., HttpResponse]]:
    """The KPI page of one customer, account manager or branch and its download: the same
    report on whom `fetch` finds through the user's scope (by the URL's key), shown or
    exported."""

    def respond(request: HttpRequest, exporting: bool, **key: str) -> HttpResponse:
        user = page_user(request)
        return page(request, user, fetch(user=user, **key), exporting=exporting)

    @login_required
    def view(request: HttpRequest, **key: str) -> HttpResponse:
        return respond(request, False, **key)

    @login_required
    @cost_throttled
    def export_view(request: HttpRequest, **key: str) -> HttpResponse:
        return respond(request, True, **key)

    return view, export_view


kpi_customer, kpi_customer_export = _page_and_export(selectors.kpi_customer, _customer_page)
kpi_account_manager, kpi_account_manager_export = _page_and_export(
    selectors.kpi_account_manager, _account_manager_page
)
kpi_branch, kpi_branch_export = _page_and_export(selectors.kpi_branch, _branch_page)


# --- the customer 360 tab ----------------------------------------------------------------------
def customer_kpi_tab(user: User, customer: Customer) -> dict[str, Any]:
    """Context of `kpis/_customer_tab.html`: the customer's four KPIs over the last 90 days
    and a link to the full page (the customer was fetched through the user's scope)."""
    today = timezone.localdate()
    period = selectors.period_from(start=None, end=today, today=today)
    values = selectors.customer_summary(user=user, customer=customer, period=period)
    return {
        "kpi_period": period,
        "kpi_cards": kpi_cards(values),
        "kpi_components": components(values),
        "kpi_url": reverse("kpi-customer", args=[customer.code]),
    }
