"""Order pages: the scoped list (filters, search, XLSX export), the order builder, an order's
page (lines, totals, status stepper, timeline, the actions the caller may take) and the staff
order desk. Reads go through the selectors (out of scope: 404), writes through the services
(the same rules and messages as the API).
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roots.catalog.models import Sku
from roots.catalog.selectors import available_stock, category_list, product_cards
from roots.catalog.views import filtered_skus
from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.customers.models import Customer, Outlet
from roots.orders import selectors, services
from roots.orders.filters import OrderFilter
from roots.orders.forms import OrderHeaderForm
from roots.orders.models import Order, OrderKind, OrderStatus
from roots.org.models import Role, User

PAGE_SIZE = 25
BUILDER_RESULTS = 12
# Roles that read orders (others have none in scope and are turned away from the lists).
ORDER_READERS = frozenset(
    {
        Role.HQ_ADMIN,
        Role.BRANCH_MANAGER,
        Role.ACCOUNT_MANAGER,
        Role.PRODUCT_MANAGER,
        Role.CUSTOMER_USER,
    }
)
STEPPER = (
    OrderStatus.SUBMITTED,
    OrderStatus.CONFIRMED,
    OrderStatus.ALLOCATED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CLOSED,
)
ACTION_LABELS = {
    "confirm": (gettext_lazy("Confirm"), "ti-check", "btn-primary"),
    "allocate": (gettext_lazy("Allocate stock"), "ti-packages", "btn-primary"),
    "ship": (gettext_lazy("Ship"), "ti-truck-delivery", "btn-primary"),
    "deliver": (gettext_lazy("Confirm delivery"), "ti-package-import", "btn-success"),
    "close": (gettext_lazy("Close"), "ti-lock", "btn"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in ORDER_READERS:
        raise PermissionDenied(_("Orders are for our sales staff and our customers."))
    return user


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request


def _action_buttons(actions: list[str]) -> list[dict[str, str]]:
    buttons = []
    for name in actions:
        if name in ACTION_LABELS:
            label, icon, css = ACTION_LABELS[name]
            buttons.append({"action": name, "label": str(label), "icon": icon, "css": css})
    return buttons


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
    user = _reader(request)
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
    template = "orders/_order_table.html" if _fragment(request) else "orders/order_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered order list as an XLSX workbook (the same scope, search and filters)."""
    user = _reader(request)
    orders, _filterset, _sort = _filtered_orders(request, user)
    columns: list[tuple[str, int]] = [
        (_("Number"), 13),
        (_("Status"), 11),
        (_("Kind"), 13),
        (_("Customer code"), 11),
        (_("Customer"), 28),
        (_("Outlet code"), 11),
        (_("Outlet"), 26),
        (_("Your reference"), 16),
        (_("Submitted at"), 17),
        (_("Requested delivery date"), 13),
        (_("Subtotal (CNY)"), 14),
        (_("Discount (CNY)"), 13),
        (_("Total (CNY)"), 14),
    ]
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Orders")[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = workbook.add_format({"num_format": "#,##0.00"})
    for col, (title, width) in enumerate(columns):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, width)
    row = 0
    for row, order in enumerate(orders.iterator(chunk_size=2000), start=1):
        submitted = (
            timezone.localtime(order.submitted_at).strftime("%Y-%m-%d %H:%M")
            if order.submitted_at
            else ""
        )
        texts = [
            order.number,
            order.get_status_display(),
            order.get_kind_display(),
            order.customer.code,
            order.customer.name,
            order.outlet.code,
            order.outlet.name,
            order.customer_reference,
            submitted,
            order.requested_date.isoformat() if order.requested_date else "",
        ]
        for col, text in enumerate(texts):
            sheet.write_string(row, col, str(text))
        for col, amount in enumerate(
            (order.subtotal, order.discount_total, order.total), start=len(texts)
        ):
            sheet.write_number(row, col, float(amount), money)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    workbook.close()
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"orders-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the order builder ---------------------------------------------------------------------
def _builder_customer(request: HttpRequest, user: User) -> Customer | None:
    """Whose order is built: a customer user's own company; for staff the customer named by
    `?customer=` (404 outside their scope; None: staff still have to choose)."""
    if not services.can_place_orders(user):
        raise PermissionDenied(_("You may not place orders."))
    if user.role == Role.CUSTOMER_USER:
        if user.customer_id is None:
            raise Http404
        customer = Customer.objects.visible_to(user).filter(pk=user.customer_id).first()
        if customer is None:
            raise Http404
        return customer
    code = (request.GET.get("customer") or request.POST.get("customer") or "").strip()[:12]
    if not code:
        return None
    return get_object_or_404(Customer.objects.visible_to(user), code=code)


def _cart_from(data: Any, user: User) -> list[tuple[Sku, int]]:
    """The builder's lines from the posted `sku`/`quantity` lists (plus `add`, minus
    `remove`); unknown products are left out, the same product is one line."""
    codes = [c.strip()[:40] for c in data.getlist("sku")]
    quantities = data.getlist("quantity")
    wanted: dict[str, int] = {}
    for index, code in enumerate(codes):
        if not code:
            continue
        try:
            quantity = int(quantities[index])
        except (IndexError, ValueError):
            quantity = 1
        quantity = max(0, min(quantity, services.MAX_QUANTITY))
        wanted[code] = wanted.get(code, 0) + quantity if code in wanted else quantity
    added = (data.get("add") or "").strip()[:40]
    if added:
        wanted[added] = wanted.get(added, 0) + 1
    removed = (data.get("remove") or "").strip()[:40]
    wanted.pop(removed, None)
    wanted = {code: q for code, q in list(wanted.items())[: services.MAX_LINES] if q > 0}
    skus = {s.code: s for s in Sku.objects.visible_to(user).filter(code__in=wanted, is_active=True)}
    return [(skus[code], quantity) for code, quantity in wanted.items() if code in skus]


def _cart_context(
    *, customer: Customer, lines: list[tuple[Sku, int]], errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    priced = services.price_lines(customer=customer, lines=lines)
    stock = available_stock(sku_ids=[sku.pk for sku, _q in lines])
    credit = selectors.credit_summary(customer_id=customer.pk, credit_limit=customer.credit_limit)
    errors = errors or {}
    line_errors: dict[str, list[str]] = {}
    general: list[str] = []
    for message in errors.get("lines", []):
        code = message.split(":", 1)[0].split(" ", 1)[0]
        if any(sku.code == code for sku, _q in lines):
            line_errors.setdefault(code, []).append(message)
        else:
            general.append(message)
    rows = [
        {
            "line": line,
            "available": stock.get(line.sku.pk, 0),
            "short": line.quantity > stock.get(line.sku.pk, 0),
            "errors": line_errors.get(line.sku.code, []),
        }
        for line in priced.lines
    ]
    return {
        "customer": customer,
        "cart": priced,
        "cart_rows": rows,
        "credit": credit,
        "over_credit": priced.total > credit.available,
        "credit_errors": errors.get("credit", []),
        "line_errors_general": general,
    }


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    """The order builder: choose the outlet, find products (your price, promotion, stock),
    set quantities, see the running total and the credit left, submit. Staff build an order
    for a customer in their scope (`?customer=C000123`)."""
    user = _user(request)
    customer = _builder_customer(request, user)
    if customer is None:
        return _customer_picker(request, user)
    outlets = Outlet.objects.visible_to(user).filter(customer=customer, is_active=True)
    form = OrderHeaderForm(request.POST or None, outlets=outlets)
    lines: list[tuple[Sku, int]] = []
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        lines = _cart_from(request.POST, user)
        if form.is_valid():
            try:
                order = services.order_submit(
                    user=user, data={**form.cleaned_data, "lines": _line_data(lines)}
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {}
                form.add_service_errors(errors)
            else:
                messages.success(
                    request,
                    _("Order %(number)s submitted: %(total)s.")
                    % {"number": order.number, "total": services.money(order.total)},
                )
                return redirect("order-detail", number=order.number)
    else:
        added = request.GET.get("add")
        if added:
            lines = _cart_from(request.GET, user)
    context = {
        "form": form,
        "staff": user.role != Role.CUSTOMER_USER,
        "categories": category_list(user=user).filter(parent__isnull=True).order_by("code"),
        **_cart_context(customer=customer, lines=lines, errors=errors),
    }
    return render(request, "orders/order_new.html", context, status=400 if errors else 200)


def _line_data(lines: list[tuple[Sku, int]]) -> list[dict[str, Any]]:
    if not lines:
        return []
    return [{"sku": sku, "quantity": quantity} for sku, quantity in lines]


def _customer_picker(request: HttpRequest, user: User) -> HttpResponse:
    """Staff first choose whose order they build (customers in their scope)."""
    query = request.GET.get("q", "").strip()[:100]
    customers = (
        Customer.objects.visible_to(user).search(query).select_related("branch").order_by("code")
    )
    return render(
        request,
        "orders/_customer_picker.html" if _fragment(request) else "orders/order_new_customer.html",
        {"customers": customers[:20], "q": query},
    )


@login_required
def order_new_products(request: HttpRequest) -> HttpResponse:
    """The builder's product search (htmx): your price, promotion, stock, an Add button."""
    user = _user(request)
    customer = _builder_customer(request, user)
    if customer is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "").strip()[:20]
    skus = list(filtered_skus(user, query=query, category=category)[:BUILDER_RESULTS])
    return render(
        request,
        "orders/_builder_products.html",
        {
            "cards": product_cards(skus=skus, customer=customer),
            "customer": customer,
            "q": query,
            "filtered": bool(query or category),
        },
    )


@login_required
@require_POST
def order_new_cart(request: HttpRequest) -> HttpResponse:
    """The builder's cart (htmx): lines priced for the customer, running total, credit."""
    user = _user(request)
    customer = _builder_customer(request, user)
    if customer is None:
        raise Http404
    lines = _cart_from(request.POST, user)
    return render(request, "orders/_cart.html", _cart_context(customer=customer, lines=lines))


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


def order_page_context(user: User, order: Order) -> dict[str, Any]:
    actions = services.order_actions(user=user, order=order)
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "stepper": _stepper(order),
        "events": list(selectors.order_timeline(user=user, order=order)),
        "buttons": _action_buttons(actions),
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
    user = _user(request)
    order = get_object_or_404(
        selectors.order_detail_queryset(user=user).select_related("custom_order"),
        number=number[:16],
    )
    return render(request, "orders/order_detail.html", order_page_context(user, order))


@login_required
@require_POST
def order_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take a step (confirm ... cancel) or add a note; answers with the order page (or the
    desk, for its one-click buttons) and the outcome as a message."""
    user = _user(request)
    order = get_object_or_404(selectors.order_list(user=user), number=number[:16])
    if action not in (*services.ACTIONS, "note"):
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    ok = False
    try:
        if action == "note":
            services.order_note(
                user=user,
                order=order,
                message=request.POST.get("message", ""),
                visible_to_customer=request.POST.get("staff_only") != "on",
            )
            messages.success(request, _("Note added to the timeline."))
        else:
            updated = services.order_transition(
                user=user,
                order=order,
                action=action,
                expected_version=version,
                reason=request.POST.get("reason", ""),
                message=request.POST.get("message", ""),
            )
            messages.success(
                request,
                _("Order %(number)s is now %(status)s.")
                % {"number": updated.number, "status": updated.get_status_display().lower()},
            )
        ok = True
    except (ConflictError, PreconditionFailedError) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("from") == "desk":
        response = _desk_response(request, user, request.POST.get("tab", "confirm"))
        return response
    response = redirect("order-detail", number=order.number)
    if not ok and action == "cancel":
        response["Location"] += "#cancel"
    return response


# --- the order desk ------------------------------------------------------------------------
DESK_LABELS = {
    "confirm": gettext_lazy("To confirm"),
    "allocate": gettext_lazy("To allocate"),
    "ship": gettext_lazy("To ship"),
    "transit": gettext_lazy("In transit"),
}


def _desk_user(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in services.ORDER_STAFF:
        raise PermissionDenied(
            _("The order desk is for account managers, branch managers and headquarters.")
        )
    return user


def _desk_response(request: HttpRequest, user: User, tab: str) -> HttpResponse:
    statuses = dict(selectors.DESK_TABS)
    if tab not in statuses:
        tab = "confirm"
    orders = (
        selectors.order_list(user=user)
        .filter(status=statuses[tab])
        .select_related("custom_order")
        .order_by("submitted_at", "id")
    )
    paginator = Paginator(orders, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {"order": order, "buttons": _action_buttons(services.order_actions(user=user, order=order))}
        for order in page.object_list
    ]
    counts = selectors.order_desk_counts(user=user)
    context = {
        "tab": tab,
        "tabs": [
            {"key": key, "label": DESK_LABELS[key], "count": counts[key]}
            for key, _status in selectors.DESK_TABS
        ],
        "rows": rows,
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "today": timezone.localdate(),
    }
    template = "orders/_desk.html" if _fragment(request) else "orders/order_desk.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def order_desk(request: HttpRequest) -> HttpResponse:
    """The staff order desk: orders to confirm, allocate, ship and in transit, in the user's
    scope, oldest first, with one-click actions."""
    user = _desk_user(request)
    return _desk_response(request, user, request.GET.get("tab", "confirm"))
