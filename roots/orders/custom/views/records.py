"""The custom-order pages, shared by staff and customer users (scoped): the list with the
production clock (and its XLSX), the request form, the record with its quote card, steps and
timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.export import Column, xlsx_response
from roots.core.pages import page_user, posted_version, render_page, scoped_object_or_404
from roots.core.throttling import cost_throttled
from roots.customers.models import Customer
from roots.orders.custom import selectors
from roots.orders.custom.forms import CustomOrderRequestForm, QuoteForm, ReasonForm
from roots.orders.custom.lifecycles import CUSTOM_ORDER
from roots.orders.custom.policies import LIST_ROLES, can_request, can_see_demand
from roots.orders.custom.rules import quote_total
from roots.orders.custom.services import request_custom_order
from roots.orders.models import CustomOrder, CustomOrderStatus, EventKind, OrderEvent
from roots.org.models import Role, User

PAGE_SIZE = 25
CUSTOMER_CHOICES = 20
SORTS = {
    "number": "number",
    "created_at": "created_at",
    "customer": "customer__code",
    "quantity": "quantity",
    "wanted_date": "wanted_date",
    "production_due": "production_due",
    "status": "status",
}


def _require_list_role(user: User) -> None:
    if user.role not in LIST_ROLES:
        raise PermissionDenied(_("Your role does not work with custom orders."))


def _decorate(custom_order: CustomOrder) -> CustomOrder:
    """What the templates show next to a record: its clock and badge colour."""
    custom_order.clock = selectors.production_clock(custom_order)  # type: ignore[attr-defined]
    custom_order.status_colour = selectors.STATUS_COLOURS.get(custom_order.status, "secondary")  # type: ignore[attr-defined]
    custom_order.feature_labels = selectors.feature_labels(custom_order.features or [])  # type: ignore[attr-defined]
    custom_order.total = quote_total(custom_order)  # type: ignore[attr-defined]
    return custom_order


# --- list ---------------------------------------------------------------------------------------
def _filtered(
    request: HttpRequest,
) -> tuple[QuerySet[CustomOrder], selectors.CustomOrderFilter, str]:
    user = page_user(request)
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
    user = page_user(request)
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
        "can_request": can_request(user),
        "can_see_demand": can_see_demand(user),
        "new_url": _new_url(user, request.GET.get("customer", "")),
        "filtered": any(
            request.GET.get(name) for name in ("q", "status", "customer", "category", "clock")
        ),
    }
    return render_page(
        request, "orders/custom_order_list.html", "orders/custom_order_table.html", context
    )


@login_required
@cost_throttled
def custom_order_export(request: HttpRequest) -> HttpResponse:
    """The filtered custom-order list as an XLSX workbook (the same scope, search, filters
    and order as the page)."""
    user = page_user(request)
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
        Column(_("Quote total (CNY)"), lambda c: quote_total(c), 15, "money"),
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
    user = page_user(request)
    if not can_request(user):
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
            custom_order = request_custom_order(user=user, data=data)
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
    rows = selectors.custom_order_list(user=page_user(request))
    return scoped_object_or_404(rows, request, number=number[:20])


def _detail_context(
    request: HttpRequest,
    custom_order: CustomOrder,
    *,
    quote_form: QuoteForm | None = None,
    reason_forms: dict[str, ReasonForm] | None = None,
    error: str | None = None,
    stale: bool = False,
) -> dict[str, Any]:
    user = page_user(request)
    allowed = CUSTOM_ORDER.actions(user, custom_order)
    actions = set(allowed)
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
        "buttons": CUSTOM_ORDER.buttons(allowed),
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


@login_required
@require_POST
def custom_order_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """One step of `CUSTOM_ORDER` from the record page (a POSTed form). Who may take it is
    answered first (403, or 409 for a customer user taking a producer's step), then the form
    is read; a refused step shows the record again with the reason: 400 with the form's
    errors, 409 for the state, 412 when someone changed the record meanwhile."""
    if step not in _STEP_DONE:  # the steps a person takes (not the sweep's `expire`)
        raise Http404
    user = page_user(request)
    custom_order = _scoped(request, number)
    form = _step_form(request, custom_order, step)
    try:
        refusal = CUSTOM_ORDER.role_refusal(user, custom_order, CUSTOM_ORDER.steps[step])
        if refusal is not None:
            raise refusal
        if form is not None and not form.is_valid():
            return _shown_again(request, custom_order, step, form)
        updated = CUSTOM_ORDER.take(
            user=user,
            obj=custom_order,
            step=step,
            data=form.cleaned_data if form is not None else {},
            expected_version=posted_version(request),
        )
    except ValidationError as exc:
        if form is None:
            # A refusal that is not about a form field (the customer's credit at acceptance).
            return _shown_again(request, custom_order, step, None, " ".join(exc.messages))
        form.add_service_errors(exc)
        return _shown_again(request, custom_order, step, form)
    except ConflictError as exc:
        context = _detail_context(request, _scoped(request, number), error=str(exc))
        return render(request, "orders/custom_order_detail.html", context, status=409)
    except PreconditionFailedError as exc:
        context = _detail_context(request, _scoped(request, number), error=str(exc), stale=True)
        return render(request, "orders/custom_order_detail.html", context, status=412)
    messages.success(request, _STEP_DONE[step]() % {"number": updated.number})
    return redirect("custom-order-detail", number=updated.number)


def _step_form(
    request: HttpRequest, custom_order: CustomOrder, step: str
) -> QuoteForm | ReasonForm | None:
    """The form a step posts: the quote, a reason, or none (a one-click step)."""
    if step == "quote":
        return QuoteForm(request.POST, category=custom_order.category)
    if CUSTOM_ORDER.steps[step].needs_form:
        return ReasonForm(request.POST, prefix=step)
    return None


def _shown_again(
    request: HttpRequest,
    custom_order: CustomOrder,
    step: str,
    form: QuoteForm | ReasonForm | None,
    error: str | None = None,
) -> HttpResponse:
    """The record again with the step's form and its errors (400)."""
    context = _detail_context(
        request,
        custom_order,
        quote_form=form if isinstance(form, QuoteForm) else None,
        reason_forms={step: form} if isinstance(form, ReasonForm) else None,
        error=error,
    )
    return render(request, "orders/custom_order_detail.html", context, status=400)


_STEP_DONE: dict[str, Callable[[], str]] = {
    "quote": lambda: _("%(number)s quoted; the customer has been told."),
    "decline": lambda: _("%(number)s declined."),
    "accept": lambda: _("Quote accepted: %(number)s goes into production within 7 days."),
    "reject": lambda: _("Quote of %(number)s rejected."),
    "cancel": lambda: _("%(number)s cancelled."),
    "start-production": lambda: _("Production of %(number)s started."),
    "produced": lambda: _("%(number)s produced: its order can ship."),
}
