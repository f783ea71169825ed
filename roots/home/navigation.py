"""The sidebar's table: per page, its domain group, label, icon and the roles that see it.

Core's navigation (`roots.core.context_processors`: the context processor, `may_open` for
"my day" and the global search) reads this table; `HomeConfig.ready` sets it there. A new
page joins here with the roles that use it (docs/architecture.md, "Adding a model").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from roots.core.context_processors import NavEntry, NavGroup
from roots.org.models import Role

# The sidebar's groups by business domain, in order; entries of group "" stand above them.
NAV_GROUPS: list[NavGroup] = [
    ("sales", _("Sales"), "ti-users-group"),
    ("orders", _("Orders"), "ti-shopping-cart"),
    ("stock", _("Stock"), "ti-packages"),
    ("finance", _("Finance"), "ti-wallet"),
    ("service", _("Service"), "ti-headset"),
]

# (url name, group, label, icon, roles that see it)
NAVIGATION: list[NavEntry] = [
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
