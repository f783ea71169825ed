"""Inventory pages (进销存): stock position with days of cover (and its XLSX export), the
sell-through rate with its charts, and the stock alerts. Each page filters by customer
(customer users: their own company), outlet, SKU or category and a day or period; an htmx
request (a filter changed, a page, a sort) gets the results only."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.core.dates import BusinessDateFormField
from roots.core.export import Column, xlsx_response
from roots.core.pages import is_htmx, page_user, render_page
from roots.core.throttling import cost_throttled
from roots.customers.models import Customer, Outlet
from roots.org.models import Role, User
from roots.sellthrough.inventory import policies, selectors

PAGE_SIZE = 50
TOP_N = 20
# Up to this many customers in scope the customer filter is a list; beyond, a code field.
CUSTOMER_CHOICES_MAX = 300
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
MAX_PERIOD_DAYS = 731
# An export holds at most this many positions (Excel's sheet ends at 1,048,576 rows).
EXPORT_MAX_ROWS = 200_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STATUS_LABELS = {
    selectors.STOCK_OUT: gettext_lazy("Stock-out risk"),
    selectors.HEALTHY: gettext_lazy("Healthy"),
    selectors.OVERSTOCK: gettext_lazy("Overstock"),
}
STATUS_COLOURS = {
    selectors.STOCK_OUT: "red",
    selectors.HEALTHY: "green",
    selectors.OVERSTOCK: "orange",
}


def _check_access(user: User) -> None:
    if not policies.may_view_inventory(user):
        raise PermissionDenied(_("Customer inventory is not part of your work."))


# --- the filters ---------------------------------------------------------------------------
_DATE = {"type": "date", "class": "form-control"}


class _DayField(BusinessDateFormField):
    """An optional day between 2000 and 2100 (further is a typo, and no window would
    compute), picked in the browser."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.DateInput(attrs=_DATE))
        super().__init__(*args, first_year=FIRST_DAY.year, last_year=LAST_DAY.year, **kwargs)


class InventoryFilterForm(forms.Form):
    """The filters the three pages share: customer (a code; staff only), outlet (a code of
    the chosen customer's outlets) and a search over SKU and category. Codes resolve inside
    the user's scope only, so a code out of scope reads as unknown."""

    customer = forms.CharField(label=gettext_lazy("Customer"), required=False, max_length=12)
    outlet = forms.CharField(label=gettext_lazy("Outlet"), required=False, max_length=12)
    q = forms.CharField(label=gettext_lazy("SKU or category"), required=False, max_length=100)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.customer_obj: Customer | None = None
        self.outlet_obj: Outlet | None = None

    @property
    def fixed_customer(self) -> bool:
        """Customer users always see their own company: no customer filter."""
        return self.user.role == Role.CUSTOMER_USER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.fixed_customer:
            self.customer_obj = Customer.objects.visible_to(self.user).first()
        elif data.get("customer"):
            try:
                self.customer_obj = selectors.inventory_customer(
                    user=self.user, code=data["customer"]
                )
            except Http404:
                self.add_error("customer", _("No customer in your scope has this code."))
        if data.get("outlet"):
            try:
                self.outlet_obj = selectors.inventory_outlet(user=self.user, code=data["outlet"])
            except Http404:
                self.add_error("outlet", _("No outlet in your scope has this code."))
        customer, outlet = self.customer_obj, self.outlet_obj
        if customer is not None and outlet is not None and outlet.customer_id != customer.pk:
            # The customer changed after an outlet of another one was chosen: drop the outlet.
            self.outlet_obj = None
            data["outlet"] = ""
        return data

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments (call after is_valid())."""
        return {
            "customer": self.customer_obj,
            "outlet": self.outlet_obj,
            "search": (self.cleaned_data.get("q") or "").strip() or None,
        }


class _AsOfFilterForm(InventoryFilterForm):
    """The filters of a page of one day."""

    as_of = _DayField(label=gettext_lazy("As of"))


class StockFilterForm(_AsOfFilterForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Every status")), *STATUS_LABELS.items()],
    )


class AlertFilterForm(_AsOfFilterForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Alert"),
        required=False,
        choices=[
            ("", gettext_lazy("Every alert")),
            (selectors.STOCK_OUT, STATUS_LABELS[selectors.STOCK_OUT]),
            (selectors.OVERSTOCK, STATUS_LABELS[selectors.OVERSTOCK]),
        ],
    )


class RateFilterForm(InventoryFilterForm):
    date_from = _DayField(label=gettext_lazy("From"))
    date_to = _DayField(label=gettext_lazy("To"))
    by = forms.ChoiceField(
        label=gettext_lazy("By"),
        required=False,
        choices=[("outlet", gettext_lazy("Outlet")), ("sku", gettext_lazy("SKU"))],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_to = data.get("date_to") or selectors.today()
        date_from = data.get("date_from") or date_to - datetime.timedelta(days=27)
        if date_from > date_to:
            self.add_error("date_to", _("The period ends before it starts."))
        elif (date_to - date_from).days >= MAX_PERIOD_DAYS:
            self.add_error("date_from", _("Choose a period of at most two years."))
        data["date_from"], data["date_to"] = date_from, date_to
        data["by"] = data.get("by") or "outlet"
        return data


@dataclass
class _Filters:
    form: InventoryFilterForm
    valid: bool
    customers: list[Customer] | None  # the customer list, or None for a code field
    outlets: list[Outlet]


def _filters(request: HttpRequest, form_class: type[InventoryFilterForm]) -> _Filters:
    """Bind and check the filters; the choices the filter bar offers (two small queries)."""
    user = page_user(request)
    form = form_class(request.GET, user=user)
    valid = form.is_valid()
    customers: list[Customer] | None = None
    if not form.fixed_customer:
        choices = list(selectors.inventory_customer_choices(user=user)[: CUSTOMER_CHOICES_MAX + 1])
        customers = choices if len(choices) <= CUSTOMER_CHOICES_MAX else None
    outlets: list[Outlet] = []
    if form.customer_obj is not None:
        outlets = list(selectors.inventory_outlet_choices(user=user, customer=form.customer_obj))
    return _Filters(form=form, valid=valid, customers=customers, outlets=outlets)


def _sort(request: HttpRequest, keys: tuple[str, ...], default: str) -> str:
    sort = request.GET.get("sort") or default
    return sort if sort.removeprefix("-") in keys else default


def _render(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any], valid: bool
) -> HttpResponse:
    htmx = is_htmx(request)
    context["htmx"] = htmx
    # A full page with filters in error is a 400 (as other filter pages); htmx only swaps 2xx.
    status = 200 if valid or htmx else 400
    return render_page(request, page, partial, context, status=status)


def _page(request: HttpRequest, rows: Any) -> tuple[Any, Any]:
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def _common(filters: _Filters) -> dict[str, Any]:
    return {
        "form": filters.form,
        "customers": filters.customers,
        "outlets": filters.outlets,
        "fixed_customer": filters.form.fixed_customer,
        "customer": filters.form.customer_obj,
        "status_labels": STATUS_LABELS,
        "status_colours": STATUS_COLOURS,
        "window_days": selectors.WINDOW_DAYS,
        "stock_out_days": selectors.STOCK_OUT_DAYS,
        "overstock_days": selectors.OVERSTOCK_DAYS,
    }


# --- stock position ------------------------------------------------------------------------
def _stock_request(request: HttpRequest) -> tuple[_Filters, dict[str, Any]]:
    user = page_user(request)
    _check_access(user)
    filters = _filters(request, StockFilterForm)
    as_of = (filters.form.cleaned_data.get("as_of") if filters.valid else None) or selectors.today()
    selection: dict[str, Any] = {}
    if filters.valid:
        selection = {**filters.form.filters(), "as_of": as_of}
    return filters, selection


@login_required
def stock_position(request: HttpRequest) -> HttpResponse:
    """Stock position per outlet × SKU with days of cover and a status, sortable and paged."""
    user = page_user(request)
    filters, selection = _stock_request(request)
    context = _common(filters)
    sort = _sort(request, selectors.STOCK_ORDERINGS, "customer")
    context["sort"] = sort
    context["as_of"] = selection.get("as_of") or selectors.today()
    if filters.valid:
        status = filters.form.cleaned_data.get("status") or None
        rows = selectors.stock_position_list(user=user, status=status, ordering=sort, **selection)
        context["page"], context["page_numbers"] = _page(request, rows)
        context["totals"] = selectors.stock_totals(user=user, **selection)
    return _render(
        request,
        "sellthrough/inventory_stock.html",
        "sellthrough/_inventory_stock_results.html",
        context,
        filters.valid,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@login_required
@cost_throttled
def stock_position_export(request: HttpRequest) -> HttpResponse:
    """The stock position as an XLSX workbook (the same scope, filters and order)."""
    user = page_user(request)
    filters, selection = _stock_request(request)
    if not filters.valid:
        messages = [str(e) for errors in filters.form.errors.values() for e in errors]
        return HttpResponse(" ".join(messages), status=400, content_type="text/plain")
    status = filters.form.cleaned_data.get("status") or None
    sort = _sort(request, selectors.STOCK_ORDERINGS, "customer")
    rows = selectors.stock_position_list(user=user, status=status, ordering=sort, **selection)
    columns: list[tuple[str, int]] = [
        (_("Customer code"), 11),
        (_("Customer"), 26),
        (_("Outlet code"), 11),
        (_("Outlet"), 24),
        (_("SKU code"), 18),
        (_("SKU"), 32),
        (_("Stock (units)"), 10),
        (_("Unit cost (CNY)"), 12),
        (_("Stock value at cost (CNY)"), 16),
        (_("Units sold in %(days)s days") % {"days": selectors.WINDOW_DAYS}, 12),
        (_("Average daily sales"), 12),
        (_("Days of cover"), 10),
        (_("Status"), 14),
        (_("Reported on"), 12),
    ]
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(_("Stock position")[:31])
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    one_place = book.add_format({"num_format": "0.0"})
    for col, (title, width) in enumerate(columns):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, width)
    row_number = 0
    for row_number, position in enumerate(rows[:EXPORT_MAX_ROWS], start=1):
        texts = [
            position.customer_code,
            position.customer_name,
            position.outlet_code,
            position.outlet_name,
            position.sku_code,
            position.sku_name,
        ]
        for col, text in enumerate(texts):
            sheet.write_string(row_number, col, text)
        sheet.write_number(row_number, 6, position.stock_units)
        sheet.write_number(row_number, 7, float(position.unit_cost), money)
        sheet.write_number(row_number, 8, float(position.stock_value), money)
        sheet.write_number(row_number, 9, position.sold_in_window)
        sheet.write_number(row_number, 10, float(position.daily_sales), money)
        if position.days_of_cover is None:
            sheet.write_string(row_number, 11, _("No sales"))
        else:
            sheet.write_number(row_number, 11, float(position.days_of_cover), one_place)
        sheet.write_string(row_number, 12, str(STATUS_LABELS[position.status]))
        sheet.write_string(row_number, 13, position.reported_on.isoformat())
    if row_number == EXPORT_MAX_ROWS and rows.count() > EXPORT_MAX_ROWS:
        note = _("Only the first %(n)s positions; filter to export the others.")
        sheet.write_string(row_number + 2, 0, note % {"n": EXPORT_MAX_ROWS})
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(row_number, 1), len(columns) - 1)
    book.close()
    as_of = selection["as_of"]
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="stock-{as_of:%Y%m%d}.xlsx"'
    return response


# --- alerts --------------------------------------------------------------------------------
@login_required
def stock_alerts(request: HttpRequest) -> HttpResponse:
    """Stock-out risks first (least cover first), then overstock (worst first), paged."""
    user = page_user(request)
    _check_access(user)
    filters = _filters(request, AlertFilterForm)
    context = _common(filters)
    as_of = (filters.form.cleaned_data.get("as_of") if filters.valid else None) or selectors.today()
    context["as_of"] = as_of
    if filters.valid:
        selection = {**filters.form.filters(), "as_of": as_of}
        kind = filters.form.cleaned_data.get("kind") or None
        rows = selectors.stock_alert_list(user=user, kind=kind, **selection)
        context["page"], context["page_numbers"] = _page(request, rows)
        context["totals"] = selectors.stock_totals(user=user, **selection)
    return _render(
        request,
        "sellthrough/inventory_alerts.html",
        "sellthrough/_inventory_alert_results.html",
        context,
        filters.valid,
    )


@login_required
@cost_throttled
def stock_alerts_export(request: HttpRequest) -> HttpResponse:
    """The stock alerts as an XLSX workbook (the same scope, filters and order as the page)."""
    user = page_user(request)
    _check_access(user)
    filters = _filters(request, AlertFilterForm)
    if not filters.valid:
        messages = [str(e) for errors in filters.form.errors.values() for e in errors]
        return HttpResponse(" ".join(messages), status=400, content_type="text/plain")
    as_of = filters.form.cleaned_data.get("as_of") or selectors.today()
    kind = filters.form.cleaned_data.get("kind") or None
    rows = selectors.stock_alert_list(user=user, kind=kind, as_of=as_of, **filters.form.filters())
    columns = [
        Column(_("Alert"), lambda r: str(STATUS_LABELS.get(r.kind, r.kind)), 14),
        Column(_("Customer code"), lambda r: r.customer_code, 11),
        Column(_("Customer"), lambda r: r.customer_name, 26),
        Column(_("Outlet code"), lambda r: r.outlet_code, 11),
        Column(_("Outlet"), lambda r: r.outlet_name, 24),
        Column(_("SKU code"), lambda r: r.sku_code, 18),
        Column(_("SKU"), lambda r: r.sku_name, 32),
        Column(_("Stock (units)"), lambda r: r.stock_units, 10, "number"),
        Column(_("Average daily sales"), lambda r: r.daily_sales, 12, "number"),
        Column(_("Days of cover"), lambda r: r.days_of_cover, 10, "number"),
        Column(_("Reported on"), lambda r: r.reported_on, 12),
    ]
    return xlsx_response(
        name="stock-alerts",
        sheet=_("Stock alerts"),
        columns=columns,
        rows=rows[:EXPORT_MAX_ROWS],
    )


# --- sell-through rate -----------------------------------------------------------------------
def _percent(rate: Any) -> float | None:
    return None if rate is None else round(float(rate) * 100, 1)


def _rate_charts(top: list[selectors.SellThroughRate], daily: list[Any], by: str) -> dict[str, Any]:
    """The data of the two charts, labels translated here (charts read it by json_script)."""
    return {
        "top": {
            "title": _("Top %(n)s by units sold") % {"n": TOP_N},
            "names": [row.key for row in top],
            "labels": [row.label for row in top],
            "sold": [row.units_sold for row in top],
            "rate": [_percent(row.rate) for row in top],
            "sold_label": _("Units sold"),
            "rate_label": _("Sell-through rate (per cent)"),
            "by": by,
        },
        "daily": {
            "title": _("Units sold and stock per day"),
            "dates": [point.date.isoformat() for point in daily],
            "sold": [point.units_sold for point in daily],
            "stock": [point.stock_units for point in daily],
            "sold_label": _("Units sold"),
            "stock_label": _("Stock reported"),
        },
    }


@login_required
@cost_throttled
def sell_through_rate_export(request: HttpRequest) -> HttpResponse:
    """The sell-through rates of the page (the same scope, filters, grouping and order) as
    an XLSX workbook; 400 with the reasons when the filters are not valid."""
    from roots.core.export import Column, xlsx_response

    user = page_user(request)
    _check_access(user)
    filters = _filters(request, RateFilterForm)
    if not filters.valid:
        reasons = [str(e) for errors in filters.form.errors.values() for e in errors]
        return HttpResponse(" ".join(reasons), status=400, content_type="text/plain")
    data = filters.form.cleaned_data
    selection = {
        **filters.form.filters(),
        "date_from": data["date_from"],
        "date_to": data["date_to"],
    }
    sort = _sort(request, selectors.RATE_ORDERINGS, "-sold")
    rows = selectors.sell_through_rates(user=user, by=data["by"], ordering=sort, **selection)
    columns = [
        Column(_("Code"), lambda r: r.key, 16),
        Column(_("Name"), lambda r: r.label, 30),
        Column(_("Customer code"), lambda r: r.customer_code, 11),
        Column(_("Opening stock"), lambda r: r.opening_stock, 12, "number"),
        Column(_("Units received"), lambda r: r.units_received, 12, "number"),
        Column(_("Units sold"), lambda r: r.units_sold, 12, "number"),
        Column(_("Revenue (CNY)"), lambda r: r.revenue, 14, "money"),
        Column(_("Sell-through rate"), lambda r: r.rate, 12, "percent"),
    ]
    return xlsx_response(
        name=f"sell-through-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}",
        sheet=_("Sell-through rate"),
        columns=columns,
        rows=rows[:EXPORT_MAX_ROWS],
    )


@login_required
def sell_through_rate(request: HttpRequest) -> HttpResponse:
    """Sell-through rate per outlet or per SKU over a period, with the top 20 and the daily
    units sold against stock of the selection."""
    user = page_user(request)
    _check_access(user)
    filters = _filters(request, RateFilterForm)
    context = _common(filters)
    sort = _sort(request, selectors.RATE_ORDERINGS, "-sold")
    context["sort"] = sort
    data = filters.form.cleaned_data if filters.valid else {}
    context["by"] = data.get("by") or request.GET.get("by") or "outlet"
    if filters.valid:
        period = {"date_from": data["date_from"], "date_to": data["date_to"]}
        selection = {**filters.form.filters(), **period}
        by = data["by"]
        rows = selectors.sell_through_rates(user=user, by=by, ordering=sort, **selection)
        context["page"], context["page_numbers"] = _page(request, rows)
        top = list(
            selectors.sell_through_rates(user=user, by=by, ordering="-sold", **selection)[:TOP_N]
        )
        daily = selectors.sell_through_daily(user=user, **selection)
        context["total"] = selectors.sell_through_total(user=user, **selection)
        context["total_percent"] = _percent(context["total"].rate)
        context["charts"] = _rate_charts(top, daily, by)
        context["period"] = period
        context["has_rows"] = bool(top)
    return _render(
        request,
        "sellthrough/inventory_rates.html",
        "sellthrough/_inventory_rate_results.html",
        context,
        filters.valid,
    )
