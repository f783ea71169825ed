"""The shell's navigation: what each role may open (no links to what does not exist)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.org.models import Role

# The sidebar's groups by business domain, in order; entries of group "" stand above them.
NAV_GROUPS: list[tuple[str, Any, str]] = [
    ("sales", _("Sales"), "ti-users-group"),
    ("orders", _("Orders"), "ti-shopping-cart"),
    ("stock", _("Stock"), "ti-packages"),
    ("finance", _("Finance"), "ti-wallet"),
    ("service", _("Service"), "ti-headset"),
]

# (url name, group, label, icon, roles that see it)
NAVIGATION: list[tuple[str, str, Any, str, frozenset[str]]] = [
    (
        "dashboard",
        "",
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
        "",
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
        "",
        _("Home"),
        "ti-home",
        frozenset({Role.CUSTOMER_USER, Role.SUPPLIER_USER}),
    ),
    (
        "customer-list",
        "",
        _("Customers"),
        "ti-building-store",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.PRODUCT_MANAGER}),
    ),
    # sales and the customers' success (pipeline, KPIs, sell-through)
    (
        "pipeline-board",
        "sales",
        _("Pipeline"),
        "ti-chart-funnel",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "lead-list",
        "sales",
        _("Leads"),
        "ti-user-search",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "activity-list",
        "sales",
        _("Activities"),
        "ti-calendar-event",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "priority-matrix",
        "sales",
        _("Priority matrix"),
        "ti-chart-dots",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "kpi-home",
        "sales",
        _("Customer KPIs"),
        "ti-gauge",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "inventory",
        "stock",
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
        "stock",
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
        "stock",
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
        "stock",
        _("Sell-through uploads"),
        "ti-upload",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "order-list",
        "orders",
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
        "orders",
        _("Order desk"),
        "ti-clipboard-check",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "custom-order-list",
        "orders",
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
        "orders",
        _("Custom demand"),
        "ti-chart-histogram",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.PRODUCT_MANAGER}),
    ),
    (
        "complaint-list",
        "service",
        _("Complaints"),
        "ti-message-report",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "news-list",
        "",
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
        "orders",
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
        "orders",
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
    (
        "price-list-list",
        "orders",
        _("Price lists"),
        "ti-list-numbers",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.PRODUCT_MANAGER}),
    ),
    (
        "customer-price-list",
        "orders",
        _("Customer prices"),
        "ti-user-dollar",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.PRODUCT_MANAGER}),
    ),
    # finance (the account, statements, the disputes desk, rebates and expenses)
    (
        "finance-home",
        "finance",
        _("Account"),
        "ti-wallet",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "statement-list",
        "finance",
        _("Statements"),
        "ti-file-invoice",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER}),
    ),
    (
        "dispute-list",
        "finance",
        _("Disputes"),
        "ti-flag",
        frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}),
    ),
    (
        "expense-list",
        "finance",
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
    for name, group, label, icon, roles in NAVIGATION:
        if user.role in roles:
            items.append(
                {
                    "url": reverse(name),
                    "group": group,
                    "label": label,
                    "icon": icon,
                    "active": False,
                }
            )
    # The entry whose address is the longest prefix of the page's is the active one (on
    # /orders/desk/ that is "Order desk", not also "Orders").
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    from roots.core.global_search import kinds_for

    return {
        "nav_items": items,
        "nav_groups": _grouped(items),
        "can_search": bool(kinds_for(user)),
    }


def _grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sidebar's sections: the ungrouped entries first, then one collapsible section
    per domain that has entries for this user; the section of the active entry is open."""
    sections: list[dict[str, Any]] = [
        {"key": "", "label": "", "icon": "", "items": [i for i in items if not i["group"]]}
    ]
    for key, label, icon in NAV_GROUPS:
        members = [i for i in items if i["group"] == key]
        if members:
            active = any(i["active"] for i in members)
            sections.append(
                {"key": key, "label": label, "icon": icon, "items": members, "active": active}
            )
    return sections


def may_open(user: Any, url_name: str) -> bool:
    """Whether the navigation offers this user the page named `url_name`."""
    return any(name == url_name and user.role in roles for name, _g, _l, _i, roles in NAVIGATION)
