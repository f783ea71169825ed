"""Order pages: the scoped list (filters, search, XLSX export), the order builder, an order's
page (lines, totals, status stepper, timeline, the actions the caller may take) and the staff
order desk. Reads go through the selectors (out of scope: 404), writes through the services
(the same rules and messages as the API).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roots.catalog.models import Sku
from roots.catalog.selectors import available_stock, category_list, product_cards
from roots.catalog.views import filtered_skus
from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.export import Column, xlsx_response
from roots.core.throttling import cost_throttled
from roots.customers.models import Customer, Outlet
from roots.orders import selectors, services
from roots.orders.filters import OrderFilter
from roots.orders.forms import OrderHeaderForm
from roots.orders.models import Order, OrderKind, OrderStatus
from roots.org.models import Role, User

logger = logging.getLogger(__name__)

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
@cost_throttled
def order_export(request: HttpRequest) -> HttpResponse:
    """The filtered order list as an XLSX workbook (the same scope, search and filters)."""
    user = _reader(request)
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
    *,
    customer: Customer,
    lines: list[tuple[Sku, int]],
    errors: dict[str, list[str]] | None = None,
    staff: bool = False,
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
    over_credit = priced.total > credit.available
    # Why the order cannot be submitted as it stands (the submit button is disabled and says
    # why, review D29): the server would refuse it for the same reasons.
    blocked: list[str] = []
    if any(row["short"] for row in rows):
        blocked.append(_("A line asks for more than is in stock: lower its quantity."))
    if rows and over_credit:
        blocked.append(
            _("The total is more than the customer's available credit.")
            if staff
            else _("The total is more than your available credit.")
        )
    return {
        "customer": customer,
        "cart": priced,
        "cart_rows": rows,
        "credit": credit,
        "over_credit": over_credit,
        "credit_errors": errors.get("credit", []),
        "line_errors_general": general,
        "blocked_reasons": blocked,
        "staff": staff,
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
    staff = user.role != Role.CUSTOMER_USER
    if staff:
        form.for_staff()
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
        "categories": category_list(user=user).filter(parent__isnull=True).order_by("code"),
        **_cart_context(customer=customer, lines=lines, errors=errors, staff=staff),
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
            "staff": user.role != Role.CUSTOMER_USER,
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
    context = _cart_context(customer=customer, lines=lines, staff=user.role != Role.CUSTOMER_USER)
    return render(request, "orders/_cart.html", context)


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
        # Stays on the tab while it has work, else moves to the next tab with work (D16).
        return _desk_response(request, user, request.POST.get("tab", "confirm"))
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


# The action each tab's orders wait for, taken on the selected rows at once.
DESK_BULK = {"confirm": "confirm", "allocate": "allocate", "ship": "ship"}
BULK_LABELS = {
    "confirm": (gettext_lazy("Confirm selected"), "ti-checks"),
    "allocate": (gettext_lazy("Allocate selected"), "ti-packages"),
    "ship": (gettext_lazy("Ship selected"), "ti-truck-delivery"),
}
MAX_BULK = 100


@dataclass
class BulkOutcome:
    """What a bulk action did: the orders that took the step, and those that did not with
    the reason each was refused."""

    action: str
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


# The step that each tab's orders wait for (who may take it decides whose work they are).
DESK_STEPS = {"confirm": "confirm", "allocate": "allocate", "ship": "ship", "transit": "deliver"}


def _desk_tab(user: User, counts: dict[str, int], wanted: str | None) -> str:
    """The tab to show: the one asked for while it has work for the user, else the first
    tab with work for the user (review D16), else the one asked for. Work is an order
    waiting for a step the user's role may take (an account manager does not allocate)."""

    def has_work(key: str) -> bool:
        return bool(counts.get(key)) and user.role in services.STEPS[DESK_STEPS[key]].staff

    if wanted is not None and wanted in counts and has_work(wanted):
        return wanted
    for key, _status in selectors.DESK_TABS:
        if has_work(key):
            return key
    return wanted if wanted in counts else "confirm"


def _desk_response(
    request: HttpRequest,
    user: User,
    tab: str | None,
    *,
    follow_work: bool = True,
    bulk: BulkOutcome | None = None,
    status: int = 200,
) -> HttpResponse:
    """The desk on `tab`; with `follow_work` a tab without work gives way to the first tab
    that has some (after an action, or when the desk opens without a tab)."""
    counts = selectors.order_desk_counts(user=user)
    statuses = dict(selectors.DESK_TABS)
    if follow_work or tab not in statuses:
        tab = _desk_tab(user, counts, tab)
    assert tab is not None
    orders = (
        selectors.order_list(user=user)
        .filter(status=statuses[tab])
        .select_related("custom_order")
        .order_by("submitted_at", "id")
    )
    paginator = Paginator(orders, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    bulk_action = DESK_BULK.get(tab)
    rows = []
    for order in page.object_list:
        actions = services.order_actions(user=user, order=order)
        rows.append(
            {
                "order": order,
                "buttons": _action_buttons(actions),
                "selectable": bulk_action is not None and bulk_action in actions,
            }
        )
    bulk_button = None
    if bulk_action and any(row["selectable"] for row in rows):
        label, icon = BULK_LABELS[bulk_action]
        bulk_button = {"action": bulk_action, "label": str(label), "icon": icon}
    context = {
        "tab": tab,
        "tabs": [
            {"key": key, "label": DESK_LABELS[key], "count": counts[key]}
            for key, _status in selectors.DESK_TABS
        ],
        "rows": rows,
        "bulk_button": bulk_button,
        "bulk": bulk,
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "today": timezone.localdate(),
    }
    template = "orders/_desk.html" if _fragment(request) else "orders/order_desk.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    if request.method == "POST" and _fragment(request):
        # The address bar follows the tab the desk moved to.
        response["HX-Replace-Url"] = f"{reverse('order-desk')}?tab={tab}"
    return response


@login_required
def order_desk(request: HttpRequest) -> HttpResponse:
    """The staff order desk: orders to confirm, allocate, ship and in transit, in the user's
    scope, oldest first, with one-click actions and bulk actions on the selected rows. It
    opens on the first tab that has work; a tab chosen in the address stays."""
    user = _desk_user(request)
    tab = request.GET.get("tab")
    return _desk_response(request, user, tab, follow_work=not tab)


def _bulk_transition(*, user: User, action: str, picked: list[str]) -> BulkOutcome:
    """Take `action` on each picked order (`number@version`), each through the service in a
    transaction of its own: one refusal does not undo the others."""
    outcome = BulkOutcome(action=action)
    wanted: list[tuple[str, int | None]] = []
    for value in picked:
        number, _sep, given = value.strip().partition("@")
        wanted.append((number[:16], int(given) if given.isdigit() else None))
    orders = {
        order.number: order
        for order in selectors.order_list(user=user)
        .select_related("custom_order")
        .filter(number__in=[number for number, _v in wanted])
    }
    for number, expected in wanted:
        order = orders.get(number)
        if order is None:
            outcome.failed.append((number, _("No such order in your scope.")))
            continue
        try:
            services.order_transition(
                user=user, order=order, action=action, expected_version=expected
            )
        except (ConflictError, PreconditionFailedError, PermissionDenied) as exc:
            outcome.failed.append((number, str(exc) or _("You may not do this.")))
        except ValidationError as exc:
            outcome.failed.append((number, " ".join(exc.messages)))
        except Http404:
            outcome.failed.append((number, _("No such order in your scope.")))
        except DatabaseError:
            logger.exception("bulk %s of %s failed", action, number)
            outcome.failed.append((number, _("The database was busy; try this order again.")))
        else:
            outcome.done.append(number)
    return outcome


@login_required
@require_POST
def order_desk_bulk(request: HttpRequest) -> HttpResponse:
    """The tab's step (confirm, allocate, ship) on the selected orders; answers with the desk
    and, per order, whether it took the step or why not. Never a 500 for a refusal."""
    user = _desk_user(request)
    tab = request.POST.get("tab", "")
    action = DESK_BULK.get(tab)
    if action is None:
        messages.error(request, _("This tab has no bulk action."))
        return _desk_response(request, user, tab, status=400)
    if user.role not in services.STEPS[action].staff:
        messages.error(request, _("Only the branch manager or headquarters may do this."))
        return _desk_response(request, user, tab, status=403)
    picked = list(dict.fromkeys(v for v in request.POST.getlist("order") if v.strip()))
    if not picked:
        messages.warning(request, _("Select at least one order."))
        return _desk_response(request, user, tab, status=400)
    if len(picked) > MAX_BULK:
        messages.error(request, _("At most %(n)s orders at once.") % {"n": MAX_BULK})
        return _desk_response(request, user, tab, status=400)
    outcome = _bulk_transition(user=user, action=action, picked=picked)
    return _desk_response(request, user, tab, bulk=outcome)
