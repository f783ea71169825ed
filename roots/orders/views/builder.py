"""The order builder: pick a customer (staff), search products, fill the cart, place the order."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.catalog.models import Sku
from roots.catalog.selectors import available_stock, category_list, product_cards
from roots.catalog.views import filtered_skus
from roots.core.pages import is_htmx, page_user
from roots.customers.models import Customer, Outlet
from roots.orders import selectors, services
from roots.orders.forms import HEADER_FIELDS, OrderHeaderForm
from roots.org.models import Role, User

logger = logging.getLogger(__name__)

BUILDER_RESULTS = 12


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
    error: ValidationError | None = None,
    staff: bool = False,
) -> dict[str, Any]:
    priced = services.price_lines(customer=customer, lines=lines)
    stock = available_stock(sku_ids=[sku.pk for sku, _q in lines])
    credit = selectors.credit_summary(customer_id=customer.pk, credit_limit=customer.credit_limit)
    # Where the service's complaints show, by their code and parameters (never their text):
    # the credit box, the line whose SKU a problem names, or above the cart.
    in_cart = {sku.code for sku, _q in lines}
    line_errors: dict[str, list[str]] = {}
    general: list[str] = []
    credit_errors: list[str] = []
    for name, problems in (error.update_error_dict({}) if error else {}).items():
        for problem in problems:
            message = " ".join(problem.messages)
            sku = (problem.params or {}).get("sku")
            if problem.code == "credit_exceeded":
                credit_errors.append(message)
            elif sku in in_cart:
                line_errors.setdefault(sku, []).append(message)
            elif name not in HEADER_FIELDS:  # (the form shows those under its fields)
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
        "credit_errors": credit_errors,
        "line_errors_general": general,
        "blocked_reasons": blocked,
        "staff": staff,
    }


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    """The order builder: choose the outlet, find products (your price, promotion, stock),
    set quantities, see the running total and the credit left, submit. Staff build an order
    for a customer in their scope (`?customer=C000123`)."""
    user = page_user(request)
    customer = _builder_customer(request, user)
    if customer is None:
        return _customer_picker(request, user)
    outlets = Outlet.objects.visible_to(user).filter(customer=customer, is_active=True)
    form = OrderHeaderForm(request.POST or None, outlets=outlets)
    staff = user.role != Role.CUSTOMER_USER
    if staff:
        form.for_staff()
    lines: list[tuple[Sku, int]] = []
    error: ValidationError | None = None
    if request.method == "POST":
        lines = _cart_from(request.POST, user)
        if form.is_valid():
            try:
                order = services.order_submit(
                    user=user, data={**form.cleaned_data, "lines": _line_data(lines)}
                )
            except ValidationError as exc:
                error = exc
                form.add_service_errors(exc)
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
        **_cart_context(customer=customer, lines=lines, error=error, staff=staff),
    }
    return render(request, "orders/order_new.html", context, status=400 if error else 200)


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
        "orders/_customer_picker.html" if is_htmx(request) else "orders/order_new_customer.html",
        {"customers": customers[:20], "q": query},
    )


@login_required
def order_new_products(request: HttpRequest) -> HttpResponse:
    """The builder's product search (htmx): your price, promotion, stock, an Add button."""
    user = page_user(request)
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
    user = page_user(request)
    customer = _builder_customer(request, user)
    if customer is None:
        raise Http404
    lines = _cart_from(request.POST, user)
    context = _cart_context(customer=customer, lines=lines, staff=user.role != Role.CUSTOMER_USER)
    return render(request, "orders/_cart.html", context)
