"""The shell's navigation: what each role may open (no links to what does not exist)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.org.models import Role

# (url name, label, icon, roles that see it)
NAVIGATION: list[tuple[str, Any, str, frozenset[str]]] = [
    (
        "dashboard",
        _("Dashboard"),
        "ti-layout-dashboard",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CALL_AGENT,
                Role.ENGINEER,
            }
        ),
    ),
    (
        "daily-board",
        _("Daily board"),
        "ti-checklist",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CALL_AGENT,
                Role.ENGINEER,
            }
        ),
    ),
    (
        "portal-home",
        _("Home"),
        "ti-home",
        frozenset({Role.CUSTOMER_USER, Role.SUPPLIER_USER}),
    ),
    (
        "customer-list",
        _("Customers"),
        "ti-building-store",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.PRODUCT_MANAGER}),
    ),
    # sales and the customers' success (pipeline, KPIs, sell-through)
    (
        "pipeline-board",
        _("Pipeline"),
        "ti-chart-funnel",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "lead-list",
        _("Leads"),
        "ti-user-search",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "activity-list",
        _("Activities"),
        "ti-calendar-event",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "priority-matrix",
        _("Priority matrix"),
        "ti-chart-dots",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "kpi-home",
        _("Customer KPIs"),
        "ti-gauge",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "inventory",
        _("Stock position"),
        "ti-packages",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    (
        "stock-alerts",
        _("Stock alerts"),
        "ti-alert-triangle",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    (
        "sell-through-rate",
        _("Sell-through rate"),
        "ti-chart-bar",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    (
        "sellthrough-home",
        _("Sell-through uploads"),
        "ti-upload",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "order-list",
        _("Orders"),
        "ti-shopping-cart",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    (
        "order-desk",
        _("Order desk"),
        "ti-clipboard-check",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "custom-order-list",
        _("Custom orders"),
        "ti-adjustments-horizontal",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    (
        "custom-order-demand",
        _("Custom demand"),
        "ti-chart-histogram",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.PRODUCT_MANAGER}),
    ),
    (
        "complaint-list",
        _("Complaints"),
        "ti-message-report",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "news-list",
        _("News"),
        "ti-news",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    (
        "catalog-list",
        _("Catalog"),
        "ti-box",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CALL_AGENT,
                Role.ENGINEER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    (
        "promotion-list",
        _("Promotions"),
        "ti-rosette-discount",
        frozenset(
            {
                Role.HQ_ADMIN,
                Role.BRANCH_MANAGER,
                Role.ACCOUNT_MANAGER,
                Role.PRODUCT_MANAGER,
                Role.CUSTOMER_USER,
            }
        ),
    ),
    # finance (the account, statements, the disputes desk, rebates and expenses)
    (
        "finance-home",
        _("Account"),
        "ti-wallet",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "statement-list",
        _("Statements"),
        "ti-file-invoice",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "dispute-list",
        _("Disputes"),
        "ti-flag",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "expense-list",
        _("Expenses"),
        "ti-discount",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, icon, roles in NAVIGATION:
        if user.role in roles:
            items.append({"url": reverse(name), "label": label, "icon": icon, "active": False})
    # The entry whose address is the longest prefix of the page's is the active one (on
    # /orders/desk/ that is "Order desk", not also "Orders").
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
