"""The portal: the home of customer and supplier users, and headquarters' news.

The customer user's home gathers the company's account in one page: open orders and their
state, custom orders, balance and credit, the latest statement to reconcile, expenses and
rebates, promotions, news and the complaint form. Each block is one or two scoped queries,
so the page costs the same whatever the size of the account.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from roots.core.export import Column, xlsx_response
from roots.core.pages import page_user
from roots.core.throttling import cost_throttled
from roots.customers import policies as customer_policies
from roots.customers.models import Customer
from roots.customers.selectors import contact_list, customer_detail_queryset, outlet_list
from roots.org.models import Role, User
from roots.portal import policies
from roots.portal.filters import NewsFilter
from roots.portal.models import NewsItem, NewsKind

# Badge colours of the states the home shows (Tabler colour names).
ORDER_COLOURS = {
    "submitted": "azure",
    "confirmed": "blue",
    "allocated": "indigo",
    "shipped": "orange",
    "delivered": "green",
    "closed": "secondary",
    "cancelled": "red",
}
CUSTOM_ORDER_COLOURS = {
    "requested": "azure",
    "quoted": "indigo",
    "accepted": "blue",
    "in_production": "orange",
    "produced": "green",
}
STATEMENT_COLOURS = {"issued": "azure", "disputed": "red", "resolved": "green"}
EXPENSE_COLOURS = {
    "submitted": "azure",
    "approved": "blue",
    "rejected": "red",
    "credited": "green",
}

PORTAL_OUTLETS = 5
PORTAL_ROWS = 6
PORTAL_NEWS = 4
PORTAL_PROMOTIONS = 4
NEWS_PAGE_SIZE = 10


# --- the customer user's home ------------------------------------------------------------------
def _orders_block(user: User) -> dict[str, Any]:
    from roots.orders.models import OPEN_ORDER_STATUSES, OrderStatus
    from roots.orders.selectors import order_list

    orders = order_list(user=user)
    in_flight = (*OPEN_ORDER_STATUSES, OrderStatus.SHIPPED)
    totals = orders.aggregate(
        open_count=Count("pk", filter=Q(status__in=OPEN_ORDER_STATUSES)),
        open_value=Sum("total", filter=Q(status__in=OPEN_ORDER_STATUSES)),
        in_flight=Count("pk", filter=Q(status__in=in_flight)),
    )
    rows = list(orders.filter(status__in=in_flight).order_by("-submitted_at", "-id")[:PORTAL_ROWS])
    for order in rows:
        order.link = reverse("order-detail", args=[order.number])  # type: ignore[attr-defined]
        order.colour = ORDER_COLOURS.get(order.status, "secondary")  # type: ignore[attr-defined]
    return {
        "open_orders_count": totals["open_count"] or 0,
        "open_orders_value": totals["open_value"] or 0,
        "orders_in_flight": totals["in_flight"] or 0,
        "open_orders": rows,
    }


def _custom_orders_block(user: User) -> dict[str, Any]:
    from roots.orders.custom.selectors import OPEN_STATUSES, custom_order_list

    custom = custom_order_list(user=user).filter(status__in=OPEN_STATUSES)
    rows = list(custom.order_by("-created_at", "-id")[:PORTAL_ROWS])
    for item in rows:
        item.link = reverse("custom-order-detail", args=[item.number])  # type: ignore[attr-defined]
        item.colour = CUSTOM_ORDER_COLOURS.get(item.status, "secondary")  # type: ignore[attr-defined]
    return {
        "custom_orders": rows,
        "custom_orders_count": custom.count(),
    }


def _finance_block(user: User, customer: Customer) -> dict[str, Any]:
    from roots.finance.selectors import (
        account_summary,
        expense_list,
        latest_statement_to_reconcile,
    )

    statement = latest_statement_to_reconcile(user=user, customer=customer)
    if statement is not None:
        statement.link = reverse("statement-detail", args=[statement.number])  # type: ignore[attr-defined]
        statement.colour = STATEMENT_COLOURS.get(statement.status, "secondary")  # type: ignore[attr-defined]
    expenses = list(expense_list(user=user)[:PORTAL_ROWS])
    for expense in expenses:
        expense.colour = EXPENSE_COLOURS.get(expense.status, "secondary")  # type: ignore[attr-defined]
    return {
        "account": account_summary(customer=customer),
        "statement": statement,
        "expenses": expenses,
        "expenses_url": reverse("expense-list"),
    }


def _promotions_block(user: User) -> dict[str, Any]:
    from roots.catalog.selectors import promotions_for

    return {
        "promotions": list(promotions_for(user=user)[:PORTAL_PROMOTIONS]),
        "promotions_url": reverse("promotion-list"),
    }


def _customer_home(request: HttpRequest, user: User) -> HttpResponse:
    from roots.service.views import portal_card_context

    customer = customer_detail_queryset(user=user).first()
    if customer is None:
        raise Http404
    context: dict[str, Any] = {
        "customer": customer,
        "outlets": list(
            outlet_list(user=user).filter(customer=customer).order_by("code")[:PORTAL_OUTLETS]
        ),
        "contacts": list(
            contact_list(user=user).filter(customer=customer).order_by("-is_primary", "name")[:2]
        ),
        "can_edit": customer_policies.can_edit_customer(user, customer),
        "news": list(NewsItem.objects.visible_to(user)[:PORTAL_NEWS]),
        "orders_url": reverse("order-list"),
        "new_order_url": reverse("order-new"),
        "custom_orders_url": reverse("custom-order-list"),
        "statements_url": reverse("statement-list"),
    }
    context.update(_orders_block(user))
    context.update(_custom_orders_block(user))
    context.update(_finance_block(user, customer))
    context.update(_promotions_block(user))
    context.update(portal_card_context(user))
    return render(request, "portal/home_customer.html", context)


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """A customer user sees the company's account; a supplier user their supplier record.
    Staff have no portal home: they are sent to their dashboard."""
    user = page_user(request)
    if user.role == Role.CUSTOMER_USER:
        return _customer_home(request, user)
    if user.role == Role.SUPPLIER_USER:
        return render(request, "portal/home_supplier.html", {"supplier": user.supplier})
    if user.is_staff_role:
        return redirect("dashboard")
    raise Http404


# --- news ----------------------------------------------------------------------------------------
def _news_reader(request: HttpRequest) -> User:
    user = page_user(request)
    if not policies.can_read_news(user):
        raise PermissionDenied(_("News from headquarters is for our staff and our customers."))
    return user


@login_required
def news_list(request: HttpRequest) -> HttpResponse:
    """The news the user may read, newest first (headquarters also sees drafts)."""
    user = _news_reader(request)
    filterset = NewsFilter(request.GET, queryset=NewsItem.objects.visible_to(user), request=request)
    items = filterset.qs if filterset.is_valid() else NewsItem.objects.none()
    paginator = Paginator(items, NEWS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    kind = request.GET.get("kind", "")
    return render(
        request,
        "portal/news_list.html",
        {
            "page": page,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "kinds": NewsKind.choices,
            "kind": kind if kind in NewsKind.values else "",
            "can_manage": policies.can_manage_news(user),
        },
    )


@login_required
@cost_throttled
def news_export(request: HttpRequest) -> HttpResponse:
    """The news list as an XLSX workbook: the same readers, scope, filters and order."""
    user = _news_reader(request)
    filterset = NewsFilter(request.GET, queryset=NewsItem.objects.visible_to(user), request=request)
    items = filterset.qs if filterset.is_valid() else NewsItem.objects.none()
    columns = [
        Column(_("Date"), lambda r: r.published_at, 16),
        Column(_("Kind"), lambda r: r.get_kind_display(), 14),
        Column(_("Title"), lambda r: r.title, 50),
    ]
    if policies.can_manage_news(user):
        columns += [
            Column(_("Published"), lambda r: r.is_published, 10),
            Column(
                pgettext("news audience", "For"),
                lambda r: ", ".join(map(str, r.audience_labels)),
                24,
            ),
        ]
    return xlsx_response(name="news", sheet=_("News"), columns=columns, rows=items)


@login_required
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    item = get_object_or_404(NewsItem.objects.visible_to(user), pk=pk)
    return render(
        request,
        "portal/news_detail.html",
        {"item": item, "can_manage": policies.can_manage_news(user)},
    )
