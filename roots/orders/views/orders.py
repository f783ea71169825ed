"""Order pages: the scoped list (filters, search, XLSX export), an order's page (lines,
totals, status stepper, timeline, the actions the caller may take) and its step endpoint.
Reads go through the selectors (out of scope: 404), writes through the life-cycle
(roots/orders/lifecycles.py: the same rules and messages as the API)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from roots.catalog.models import StockLevel
from roots.core.exceptions import ConflictError
from roots.core.export import Column, xlsx_response
from roots.core.pages import is_htmx, page_user
from roots.core.throttling import cost_throttled
from roots.orders import selectors, services
from roots.orders.filters import OrderFilter
from roots.orders.lifecycles import ORDER
from roots.orders.models import Order, OrderKind, OrderStatus
from roots.orders.views.common import PAGE_SIZE, reader
from roots.orders.views.desk import desk_response
from roots.org.models import Role, User

logger = logging.getLogger(__name__)

STEPPER = (
    OrderStatus.SUBMITTED,
    OrderStatus.CONFIRMED,
    OrderStatus.ALLOCATED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CLOSED,
)


# --- list and export -----------------------------------------------------------------------
SORTS = {
    "number": "number",
    "submitted_at": "submitted_at",
    "total": "total",
    "status": "status",
    "customer": "customer__code",
}


def _filtered_orders(request: HttpRequest, user: User) -> tuple[QuerySet[Order], OrderFilter, str]:
    params = request.GET.copy()
    params.pop("search", None)  # the page's search box is `q`
    queryset = selectors.order_list(user=user, search=request.GET.get("q", "")[:100])
    filterset = OrderFilter(params, queryset=queryset, request=request)
    queryset = filterset.qs if filterset.is_valid() else queryset.none()
    sort = request.GET.get("sort") or "-submitted_at"
    key = sort.removeprefix("-")
    if key not in SORTS:
        sort, key = "-submitted_at", "submitted_at"
    ordering = f"-{SORTS[key]}" if sort.startswith("-") else SORTS[key]
    return queryset.order_by(ordering, "-id"), filterset, sort


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    """Orders in the user's scope; an htmx request (search, filters, paging) gets the table."""
    user = reader(request)
    orders, filterset, sort = _filtered_orders(request, user)
    paginator = Paginator(orders, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filterset": filterset,
        "sort": sort,
        "q": request.GET.get("q", ""),
        "is_customer": user.role == Role.CUSTOMER_USER,
        "can_order": services.can_place_orders(user),
        "statuses": OrderStatus.choices,
        "kinds": OrderKind.choices,
        "selected_statuses": request.GET.getlist("status"),
        "filtered": any(
            request.GET.get(name)
            for name in ("q", "status", "kind", "customer", "submitted_from", "submitted_to")
        ),
    }
    template = "orders/_order_table.html" if is_htmx(request) else "orders/order_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@cost_throttled
def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered order list as an XLSX workbook (the same scope, search and filters)."""
    user = reader(request)
    orders, _filterset, _sort = _filtered_orders(request, user)
    columns = [
        Column(_("Number"), lambda o: o.number, 13),
        Column(_("Status"), lambda o: o.get_status_display(), 11),
        Column(_("Kind"), lambda o: o.get_kind_display(), 13),
        Column(_("Customer code"), lambda o: o.customer.code, 11),
        Column(_("Customer"), lambda o: o.customer.name, 28),
        Column(_("Outlet code"), lambda o: o.outlet.code, 11),
        Column(_("Outlet"), lambda o: o.outlet.name, 26),
        Column(_("Your reference"), lambda o: o.customer_reference, 16, "text"),
        Column(_("Submitted at"), lambda o: o.submitted_at, 17, "datetime"),
        Column(_("Requested delivery date"), lambda o: o.requested_date, 13, "date"),
        Column(_("Subtotal (CNY)"), lambda o: o.subtotal, 14, "money"),
        Column(_("Discount (CNY)"), lambda o: o.discount_total, 13, "money"),
        Column(_("Total (CNY)"), lambda o: o.total, 14, "money"),
    ]
    # The shared writer keeps text as text (a reference such as "=1+2" is no formula).
    return xlsx_response(name="orders", sheet=_("Orders"), columns=columns, rows=orders)


# --- an order ------------------------------------------------------------------------------
def _stepper(order: Order) -> list[dict[str, Any]]:
    current = STEPPER.index(order.status) if order.status in STEPPER else -1
    if order.status == OrderStatus.CANCELLED:
        current = -1
    stamps = {
        OrderStatus.SUBMITTED: order.submitted_at,
        OrderStatus.CONFIRMED: order.confirmed_at,
        OrderStatus.ALLOCATED: order.allocated_at,
        OrderStatus.SHIPPED: order.shipped_at,
        OrderStatus.DELIVERED: order.delivered_at,
        OrderStatus.CLOSED: order.closed_at,
    }
    return [
        {
            "label": OrderStatus(status).label,
            "active": index == current,
            "done": index < current,
            "at": stamps[status],
        }
        for index, status in enumerate(STEPPER)
    ]


def _attach_warehouse_options(user: User, lines: list[Any]) -> None:
    """Per line, the warehouses that stock its SKU with the units available there (what is
    reserved for this line counts as available where it is reserved): the choice the
    allocation step offers (review D18)."""
    reserved_here: dict[tuple[int, int], int] = {}
    for line in lines:
        for allocation in line.allocations.all():
            key = (line.pk, allocation.warehouse_id)
            reserved_here[key] = reserved_here.get(key, 0) + allocation.quantity
    rows = (
        StockLevel.objects.visible_to(user)
        .filter(sku_id__in={line.sku_id for line in lines if line.sku_id})
        .select_related("warehouse")
        .order_by("warehouse__code")
    )
    by_sku: dict[int, list[StockLevel]] = {}
    for row in rows:
        by_sku.setdefault(row.sku_id, []).append(row)
    for line in lines:
        current = {a.warehouse_id for a in line.allocations.all()}
        options = []
        for row in by_sku.get(line.sku_id, []):
            available = (
                row.on_hand - row.reserved + reserved_here.get((line.pk, row.warehouse_id), 0)
            )
            if available >= line.quantity or row.warehouse_id in current:
                options.append(
                    {
                        "code": row.warehouse.code,
                        "name": row.warehouse.name,
                        "available": available,
                        "selected": current == {row.warehouse_id},
                    }
                )
        line.warehouse_options = options


def order_page_context(user: User, order: Order) -> dict[str, Any]:
    actions = services.order_actions(user=user, order=order)
    lines = list(order.lines.all())
    can_allocate = "allocate" in actions and order.kind == OrderKind.STANDARD
    if can_allocate:
        _attach_warehouse_options(user, lines)
    return {
        "order": order,
        "lines": lines,
        "can_allocate": can_allocate,
        "can_ship": "ship" in actions,
        "stepper": _stepper(order),
        "events": list(selectors.order_timeline(user=user, order=order)),
        "buttons": ORDER.buttons(actions),
        "can_cancel": "cancel" in actions,
        "can_note": user.role == Role.CUSTOMER_USER or user.role in services.ORDER_STAFF,
        "is_customer": user.role == Role.CUSTOMER_USER,
        "custom_order": getattr(order, "custom_order", None)
        if order.kind == OrderKind.MADE_TO_ORDER
        else None,
    }


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """An order: status stepper, lines with allocations, totals, timeline, actions."""
    user = page_user(request)
    order = get_object_or_404(
        selectors.order_detail_queryset(user=user).select_related("custom_order"),
        number=number[:16],
    )
    return render(request, "orders/order_detail.html", order_page_context(user, order))


def _note(request: HttpRequest, order: Order) -> HttpResponse:
    """Add a note to the order's timeline (not a step: the status stays)."""
    user = page_user(request)
    try:
        services.order_note(
            user=user,
            order=order,
            message=request.POST.get("message", ""),
            visible_to_customer=request.POST.get("staff_only") != "on",
        )
        messages.success(request, _("Note added to the timeline."))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _after_action(request, order, ok=True, action="note")


def _after_action(request: HttpRequest, order: Order, *, ok: bool, action: str) -> HttpResponse:
    if request.POST.get("from") == "desk":
        # Stays on the tab while it has work, else moves to the next tab with work (D16).
        return desk_response(request, page_user(request), request.POST.get("tab", "confirm"))
    response = redirect("order-detail", number=order.number)
    if not ok and action == "cancel":
        response["Location"] += "#cancel"
    return response


# Take a step (confirm ... cancel) or add a note; answers with the order page (or the desk,
# for its one-click buttons) and the outcome as a message.
order_action = ORDER.page_view(
    lookup="number",
    fields=("reason", "message", "carrier", "waybill", "warehouse_*"),
    respond=lambda request, order, ok, action: _after_action(request, order, ok=ok, action=action),
    success=lambda order, step: (
        _("Order %(number)s is now %(status)s.")
        % {"number": order.number, "status": order.get_status_display().lower()}
    ),
    extra={"note": _note},
)
