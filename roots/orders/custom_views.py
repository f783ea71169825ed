"""Made-to-order pages, shared by staff and customer users (scoped): the list with the
production clock, the request form, the record with its quote card, steps and timeline, and
the demand view (charts, table, XLSX) for product managers and the staff who sell."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.export import Column, xlsx_response
from roots.core.throttling import cost_throttled
from roots.customers.models import Customer
from roots.orders import custom_selectors as selectors
from roots.orders import custom_services as services
from roots.orders.custom_forms import (
    CustomOrderRequestForm,
    DemandFilterForm,
    QuoteForm,
    ReasonForm,
)
from roots.orders.models import CustomOrder, CustomOrderStatus, EventKind, OrderEvent
from roots.org.models import Role, User

PAGE_SIZE = 25
CUSTOMER_CHOICES = 20
LIST_ROLES = frozenset(
    {
        Role.HQ_ADMIN,
        Role.BRANCH_MANAGER,
        Role.ACCOUNT_MANAGER,
        Role.PRODUCT_MANAGER,
        Role.CUSTOMER_USER,
    }
)
SORTS = {
    "number": "number",
    "created_at": "created_at",
    "customer": "customer__code",
    "quantity": "quantity",
    "wanted_date": "wanted_date",
    "production_due": "production_due",
    "status": "status",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_list_role(user: User) -> None:
    if user.role not in LIST_ROLES:
        raise PermissionDenied(_("Your role does not work with custom orders."))


def _decorate(custom_order: CustomOrder) -> CustomOrder:
    """What the templates show next to a record: its clock and badge colour."""
    custom_order.clock = selectors.production_clock(custom_order)  # type: ignore[attr-defined]
    custom_order.status_colour = selectors.STATUS_COLOURS.get(custom_order.status, "secondary")  # type: ignore[attr-defined]
    custom_order.feature_labels = selectors.feature_labels(custom_order.features or [])  # type: ignore[attr-defined]
    custom_order.total = services.quote_total(custom_order)  # type: ignore[attr-defined]
    return custom_order


# --- list ---------------------------------------------------------------------------------------
def _filtered(
    request: HttpRequest,
) -> tuple[QuerySet[CustomOrder], selectors.CustomOrderFilter, str]:
    user = _user(request)
    params = request.GET.copy()
    params.pop("search", None)
    if request.GET.get("q"):
        params["search"] = request.GET["q"]
    filterset = selectors.CustomOrderFilter(
        params, queryset=selectors.custom_order_list(user=user), request=request
    )
    sort = request.GET.get("sort") or "-created_at"
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = "-created_at", "created_at"
    ordering = f"-{SORTS[key]}" if sort.startswith("-") else SORTS[key]
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return queryset.order_by(ordering, "-id"), filterset, sort


@login_required
def custom_order_list(request: HttpRequest) -> HttpResponse:
    """The custom orders in scope, with their production clock; htmx gets the table only."""
    user = _user(request)
    _require_list_role(user)
    rows, filterset, sort = _filtered(request)
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for custom_order in page.object_list:
        _decorate(custom_order)
    context = {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filterset": filterset,
        "sort": sort,
        "q": request.GET.get("q", ""),
        "statuses": CustomOrderStatus.choices,
        "selected_statuses": request.GET.getlist("status"),
        "categories": selectors.demand_categories(user=user),
        "show_customer": user.role != Role.CUSTOMER_USER,
        "can_request": services.can_request(user),
        "can_see_demand": services.can_see_demand(user),
        "new_url": _new_url(user, request.GET.get("customer", "")),
        "filtered": any(
            request.GET.get(name) for name in ("q", "status", "customer", "category", "clock")
        ),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template = "orders/custom_order_table.html"
    else:
        template = "orders/custom_order_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@cost_throttled
def custom_order_export(request: HttpRequest) -> HttpResponse:
    """The filtered custom-order list as an XLSX workbook (the same scope, search, filters
    and order as the page)."""
    user = _user(request)
    _require_list_role(user)
    rows, _filterset, _sort = _filtered(request)
    staff = user.role != Role.CUSTOMER_USER
    columns = [
        Column(_("Number"), lambda c: c.number, 13),
        Column(_("Status"), lambda c: c.get_status_display(), 14),
        *(
            [
                Column(_("Customer code"), lambda c: c.customer.code, 11),
                Column(_("Customer"), lambda c: c.customer.name, 28),
            ]
            if staff
            else []
        ),
        Column(_("Outlet code"), lambda c: c.outlet.code, 11),
        Column(_("Outlet"), lambda c: c.outlet.name, 26),
        Column(_("Title"), lambda c: c.title, 30),
        Column(_("Category"), lambda c: c.category.local_name, 14),
        Column(_("Capacity from"), lambda c: c.capacity_min, 10, "number"),
        Column(_("Capacity to"), lambda c: c.capacity_max, 10, "number"),
        Column(_("Quantity"), lambda c: c.quantity, 10, "number"),
        Column(_("Target unit price (CNY)"), lambda c: c.target_price, 14, "money"),
        Column(_("Quoted unit price (CNY)"), lambda c: c.quoted_price, 14, "money"),
        Column(_("Quote total (CNY)"), lambda c: services.quote_total(c), 15, "money"),
        Column(_("Lead time (days)"), lambda c: c.quoted_lead_days, 10, "number"),
        Column(_("Quote valid until"), lambda c: c.quote_valid_until, 12, "date"),
        Column(_("Wanted by"), lambda c: c.wanted_date, 12, "date"),
        Column(_("Production must start by"), lambda c: c.production_due, 17, "datetime"),
        Column(_("Order"), lambda c: c.order.number if c.order_id else "", 13),
        Column(_("Requested at"), lambda c: c.created_at, 17, "datetime"),
    ]
    return xlsx_response(name="custom-orders", sheet=_("Custom orders"), columns=columns, rows=rows)


def _new_url(user: User, customer_code: str) -> str:
    """The request form; from a list filtered to one customer, for that customer."""
    url = reverse("custom-order-create")
    if user.role != Role.CUSTOMER_USER and customer_code:
        url += "?" + urlencode({"customer": customer_code[:20]})
    return url


# --- the request form -------------------------------------------------------------------------
@login_required
def custom_order_create(request: HttpRequest) -> HttpResponse:
    """A customer user requests for its own company; staff pick the customer first
    (`?customer=<code>`, which must be in their scope)."""
    user = _user(request)
    if not services.can_request(user):
        raise PermissionDenied(_("Your role does not request custom orders."))
    customer: Customer | None
    if user.role == Role.CUSTOMER_USER:
        customer = get_object_or_404(Customer.objects.visible_to(user), pk=user.customer_id)
    else:
        code = (request.GET.get("customer") or "")[:20]
        if not code:
            return _choose_customer(request, user)
        customer = get_object_or_404(Customer.objects.visible_to(user), code=code)
    form = CustomOrderRequestForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data) | {"customer": customer}
        try:
            custom_order = services.request_custom_order(user=user, data=data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Custom order %(number)s requested; the product managers have been told.")
                % {"number": custom_order.number},
            )
            return redirect("custom-order-detail", number=custom_order.number)
    return render(
        request,
        "orders/custom_order_form.html",
        {"form": form, "customer": customer},
        status=400 if form.is_bound and form.errors else 200,
    )


def _choose_customer(request: HttpRequest, user: User) -> HttpResponse:
    query = (request.GET.get("q") or "")[:100]
    customers = Customer.objects.visible_to(user).search(query).order_by("code")
    return render(
        request,
        "orders/custom_order_form.html",
        {
            "form": None,
            "customer": None,
            "q": query,
            "customers": list(customers[:CUSTOMER_CHOICES]),
            "more": customers.count() > CUSTOMER_CHOICES,
        },
    )


# --- the record -------------------------------------------------------------------------------
def _scoped(request: HttpRequest, number: str) -> CustomOrder:
    return get_object_or_404(selectors.custom_order_list(user=_user(request)), number=number[:20])


def _detail_context(
    request: HttpRequest,
    custom_order: CustomOrder,
    *,
    quote_form: QuoteForm | None = None,
    reason_forms: dict[str, ReasonForm] | None = None,
    error: str | None = None,
    stale: bool = False,
) -> dict[str, Any]:
    user = _user(request)
    actions = services.available_actions(user, custom_order)
    if quote_form is None and "quote" in actions:
        initial: dict[str, Any] = {}
        if custom_order.status == CustomOrderStatus.QUOTED:
            initial = {
                "quoted_price": custom_order.quoted_price,
                "quoted_lead_days": custom_order.quoted_lead_days,
                "quoted_model": custom_order.quoted_model.code
                if custom_order.quoted_model
                else None,
                "note": custom_order.quote_note,
            }
            # The current validity, unless it has passed (then the form's default).
            if (
                custom_order.quote_valid_until
                and custom_order.quote_valid_until >= timezone.localdate()
            ):
                initial["quote_valid_until"] = custom_order.quote_valid_until
        elif custom_order.target_price is not None:
            initial = {"quoted_price": custom_order.target_price}
        quote_form = QuoteForm(initial=initial, category=custom_order.category)
    forms = reason_forms or {}
    for step in ("decline", "reject", "cancel"):
        if step in actions and step not in forms:
            forms[step] = ReasonForm(prefix=step)
    events = list(selectors.custom_order_timeline(user=user, custom_order=custom_order))
    for event in events:
        _decorate_event(event)
    today = timezone.localdate()
    quote_expired = bool(
        custom_order.status == CustomOrderStatus.QUOTED
        and custom_order.quote_valid_until
        and custom_order.quote_valid_until < today
    )
    return {
        "co": _decorate(custom_order),
        "actions": actions,
        "quote_form": quote_form,
        "reason_forms": forms,
        "events": events,
        "error": error,
        "stale": stale,
        "quote_expired": quote_expired,
        "is_staff_view": user.role != Role.CUSTOMER_USER,
        "steps": _steps(custom_order),
    }


EVENT_LOOK: dict[str, tuple[str, str]] = {
    CustomOrderStatus.REQUESTED: ("ti-send", "azure"),
    CustomOrderStatus.QUOTED: ("ti-receipt", "indigo"),
    CustomOrderStatus.ACCEPTED: ("ti-checks", "blue"),
    CustomOrderStatus.IN_PRODUCTION: ("ti-building-factory-2", "orange"),
    CustomOrderStatus.PRODUCED: ("ti-package", "green"),
    CustomOrderStatus.DECLINED: ("ti-x", "secondary"),
    CustomOrderStatus.REJECTED: ("ti-thumb-down", "secondary"),
    CustomOrderStatus.EXPIRED: ("ti-hourglass-empty", "secondary"),
    CustomOrderStatus.CANCELLED: ("ti-ban", "red"),
}


def _decorate_event(event: OrderEvent) -> None:
    """Title, icon and colour of a timeline entry."""
    labels = dict(CustomOrderStatus.choices)
    if event.kind == EventKind.ALERT:
        event.title = _("Production at risk")  # type: ignore[attr-defined]
        event.icon, event.colour = "ti-alarm", "red"  # type: ignore[attr-defined]
        return
    if event.kind == EventKind.NOTE and event.to_status == CustomOrderStatus.QUOTED:
        event.title = _("Quote replaced")  # type: ignore[attr-defined]
    else:
        event.title = str(labels.get(event.to_status, event.get_kind_display()))  # type: ignore[attr-defined]
    event.icon, event.colour = EVENT_LOOK.get(event.to_status, ("ti-point", "secondary"))  # type: ignore[attr-defined]


def _steps(custom_order: CustomOrder) -> list[dict[str, Any]]:
    """The happy path as a Tabler steps bar: done, current, to come."""
    path = [
        (CustomOrderStatus.REQUESTED, _("Requested")),
        (CustomOrderStatus.QUOTED, _("Quoted")),
        (CustomOrderStatus.ACCEPTED, _("Accepted")),
        (CustomOrderStatus.IN_PRODUCTION, _("In production")),
        (CustomOrderStatus.PRODUCED, _("Produced")),
    ]
    reached = {
        CustomOrderStatus.REQUESTED: True,
        CustomOrderStatus.QUOTED: custom_order.quoted_at is not None,
        CustomOrderStatus.ACCEPTED: custom_order.accepted_at is not None,
        CustomOrderStatus.IN_PRODUCTION: custom_order.production_started_at is not None,
        CustomOrderStatus.PRODUCED: custom_order.produced_at is not None,
    }
    current = max((i for i, (s, _label) in enumerate(path) if reached[s]), default=0)
    return [
        {"label": label, "active": index == current, "done": index <= current}
        for index, (_status, label) in enumerate(path)
    ]


@login_required
def custom_order_detail(request: HttpRequest, number: str) -> HttpResponse:
    custom_order = _scoped(request, number)
    return render(
        request, "orders/custom_order_detail.html", _detail_context(request, custom_order)
    )


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@require_POST
def custom_order_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """One step from the record page (a POSTed form); a refused step shows the record again
    with the reason (409 for the state, 412 when someone changed it meanwhile)."""
    if step not in _STEP_DONE:
        raise Http404
    custom_order = _scoped(request, number)
    try:
        updated = _run_step(request, custom_order, step)
    except _InvalidForm as invalid:
        context = _detail_context(
            request,
            custom_order,
            quote_form=invalid.quote_form,
            reason_forms=invalid.reason_forms,
            error=invalid.message,
        )
        return render(request, "orders/custom_order_detail.html", context, status=400)
    except ConflictError as exc:
        fresh = _scoped(request, number)
        context = _detail_context(request, fresh, error=str(exc))
        return render(request, "orders/custom_order_detail.html", context, status=409)
    except PreconditionFailedError as exc:
        fresh = _scoped(request, number)
        context = _detail_context(request, fresh, error=str(exc), stale=True)
        return render(request, "orders/custom_order_detail.html", context, status=412)
    messages.success(request, _STEP_DONE[step]() % {"number": updated.number})
    return redirect("custom-order-detail", number=updated.number)


class _InvalidForm(Exception):
    """Bad input for a step: the forms to show again with their errors, or a message."""

    def __init__(
        self,
        *,
        quote_form: QuoteForm | None = None,
        reason_forms: dict[str, ReasonForm] | None = None,
        message: str | None = None,
    ) -> None:
        self.quote_form = quote_form
        self.reason_forms = reason_forms
        self.message = message


def _run_step(
    request: HttpRequest,
    custom_order: CustomOrder,
    step: str,
) -> CustomOrder:
    """Parse the step's form and call its service; form and service errors come back as
    `_InvalidForm` (shown inline), refusals as the services raise them."""
    user = _user(request)
    version = _posted_version(request)
    if step == "quote":
        services.require_producer(user, step="quote")
        quote_form = QuoteForm(request.POST, category=custom_order.category)
        if not quote_form.is_valid():
            raise _InvalidForm(quote_form=quote_form)
        try:
            return services.quote_custom_order(
                user=user,
                custom_order=custom_order,
                data=quote_form.cleaned_data,
                expected_version=version,
            )
        except ValidationError as exc:
            quote_form.add_service_errors(exc)
            raise _InvalidForm(quote_form=quote_form) from exc
    if step in ("decline", "reject", "cancel"):
        form = ReasonForm(request.POST, prefix=step)
        if not form.is_valid():
            raise _InvalidForm(reason_forms={step: form})
        reason_services: dict[str, Callable[..., CustomOrder]] = {
            "decline": services.decline_custom_order,
            "reject": services.reject_quote,
            "cancel": services.cancel_custom_order,
        }
        try:
            return reason_services[step](
                user=user,
                custom_order=custom_order,
                reason=form.cleaned_data.get("reason", ""),
                expected_version=version,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            raise _InvalidForm(reason_forms={step: form}) from exc
    plain_service = {
        "accept": services.accept_quote,
        "start-production": services.start_production,
        "produced": services.mark_produced,
    }[step]
    try:
        return plain_service(user=user, custom_order=custom_order, expected_version=version)
    except ValidationError as exc:
        # A refusal that is not about a form field (the customer's credit at acceptance).
        raise _InvalidForm(message=" ".join(exc.messages)) from exc


_STEP_DONE: dict[str, Callable[[], str]] = {
    "quote": lambda: _("%(number)s quoted; the customer has been told."),
    "decline": lambda: _("%(number)s declined."),
    "accept": lambda: _("Quote accepted: %(number)s goes into production within 7 days."),
    "reject": lambda: _("Quote of %(number)s rejected."),
    "cancel": lambda: _("%(number)s cancelled."),
    "start-production": lambda: _("Production of %(number)s started."),
    "produced": lambda: _("%(number)s produced: its order can ship."),
}


# --- demand -----------------------------------------------------------------------------------
def _demand_request(request: HttpRequest) -> tuple[DemandFilterForm, selectors.Demand | None]:
    user = _user(request)
    if not services.can_see_demand(user):
        raise PermissionDenied(_("Your role does not see custom demand."))
    categories = selectors.demand_categories(user=user)
    form = DemandFilterForm(request.GET or None, categories=categories)
    filters: dict[str, Any] = {}
    if form.is_bound:
        if not form.is_valid():
            return form, None
        filters = {
            "date_from": form.cleaned_data.get("date_from"),
            "date_to": form.cleaned_data.get("date_to"),
            "category": form.cleaned_data.get("category") or None,
        }
    return form, selectors.custom_demand(user=user, **filters)


def _charts(demand: selectors.Demand) -> dict[str, Any]:
    # Cells by code (two categories may share a name), axes by label.
    region_keys = [r["key"] for r in demand["regions"]]
    category_keys = [c["key"] for c in demand["categories"]]
    cells = [
        [category_keys.index(row["category"]), region_keys.index(row["region"]), row["units"]]
        for row in demand["by_region_category"]
    ]
    top_category = demand["category"] or (
        demand["categories"][0]["key"] if demand["categories"] else None
    )
    bands = [b for b in demand["by_capacity"] if b["category"] == top_category]
    return {
        "heatmap": {
            "title": _("Units by region and category"),
            "x": [c["label"] for c in demand["categories"]],
            "y": [r["label"] for r in demand["regions"]],
            "cells": cells,
            "max": max((c[2] for c in cells), default=1),
            "low": _("Low"),
            "high": _("High"),
        },
        "features": {
            "title": _("Units by feature"),
            "items": [{"name": f["label"], "value": f["units"]} for f in demand["by_feature"]],
        },
        "capacity": {
            "title": _("Units by capacity band"),
            "items": [{"name": b["band"], "value": b["units"]} for b in bands],
        },
        "capacity_category": bands[0]["category_label"] if bands else "",
        "prices": {
            "title": _("Requests by target unit price"),
            "items": [
                {"name": p["label"], "value": p["requests"]} for p in demand["by_target_price"]
            ],
        },
    }


@login_required
def custom_demand(request: HttpRequest) -> HttpResponse:
    """Aggregated custom demand for product planning."""
    form, demand = _demand_request(request)
    context: dict[str, Any] = {"form": form, "demand": demand}
    if demand is not None:
        context["charts"] = _charts(demand)
        conversion = demand["conversion"]
        context["quote_rate"] = _percent(conversion["quote_rate"])
        context["acceptance_rate"] = _percent(conversion["acceptance_rate"])
        context["rate_cards"] = [
            {
                "icon": "ti-receipt",
                "colour": "indigo",
                "value": context["quote_rate"],
                "label": _("Requests quoted"),
                "testid": "kpi-quote-rate",
            },
            {
                "icon": "ti-checks",
                "colour": "green",
                "value": context["acceptance_rate"],
                "label": _("Quotes accepted"),
                "testid": "kpi-acceptance-rate",
            },
        ]
    return render(request, "orders/custom_demand.html", context, status=200 if demand else 400)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


@login_required
@cost_throttled
def custom_demand_export(request: HttpRequest) -> HttpResponse:
    """The demand view's tables as an XLSX workbook (the same scope and filters)."""
    form, demand = _demand_request(request)
    if demand is None:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors), status=400
        )
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})

    def sheet(title: str, columns: list[tuple[str, int]], rows: list[list[Any]]) -> None:
        ws = book.add_worksheet(title[:31])
        for col, (label, width) in enumerate(columns):
            ws.write_string(0, col, label, header)
            ws.set_column(col, col, width)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, int | float):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
        ws.freeze_panes(1, 0)

    requests, units = _("Requests"), _("Units")
    sheet(
        _("Region x category"),
        [(_("Region"), 18), (_("Category"), 20), (requests, 10), (units, 10)],
        [
            *(
                [r["region_label"], r["category_label"], r["requests"], r["units"]]
                for r in demand["by_region_category"]
            ),
            [pgettext("sum row of a table", "Total"), "", demand["requests"], demand["units"]],
        ],
    )
    sheet(
        _("Features"),
        [(_("Feature"), 26), (requests, 10), (units, 10)],
        [[f["label"], f["requests"], f["units"]] for f in demand["by_feature"]],
    )
    sheet(
        _("Capacity bands"),
        [(_("Category"), 20), (_("Capacity"), 14), (requests, 10), (units, 10)],
        [
            [b["category_label"], b["band"], b["requests"], b["units"]]
            for b in demand["by_capacity"]
        ],
    )
    sheet(
        _("Target prices"),
        [(_("Target unit price"), 20), (requests, 10), (units, 10)],
        [
            [p["label"], p["requests"], p["units"]]
            for p in [*demand["by_target_price"], demand["without_target_price"]]
        ],
    )
    conversion = demand["conversion"]
    sheet(
        _("Conversion"),
        [(_("Measure"), 24), (_("Value"), 12)],
        [
            [_("Requests"), conversion["requests"]],
            [_("Quoted"), conversion["quoted"]],
            [_("Accepted"), conversion["accepted"]],
            [_("Request declined"), conversion["declined"]],
            [_("Quote rejected"), conversion["rejected"]],
            [_("Expired"), conversion["expired"]],
            [_("Cancelled"), conversion["cancelled"]],
            [_("Open"), conversion["open"]],
            [_("Quote rate"), _percent(conversion["quote_rate"])],
            [_("Acceptance rate"), _percent(conversion["acceptance_rate"])],
        ],
    )
    book.close()
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="custom-demand-{stamp}.xlsx"'
    return response


def detail_url(custom_order: CustomOrder) -> str:
    return reverse("custom-order-detail", args=[custom_order.number])
