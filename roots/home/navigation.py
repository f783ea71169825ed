"""The sidebar's table: per page, its domain group, label, icon and the roles that see it.

Core's navigation (`roots.core.context_processors`: the context processor, `may_open` for
"my day" and the global search) reads this table; `HomeConfig.ready` sets it there. A new
page joins here with the roles that use it (docs/architecture.md, "Adding a model").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from roots.core.context_processors import NavEntry, NavGroup
from roots.org.models import PORTAL_ROLES, STAFF_ROLES, Role

# The sidebar's groups by business domain, in order; entries of group "" stand above them.
NAV_GROUPS: list[NavGroup] = [
    ("sales", _("Sales"), "ti-users-group"),
    ("orders", _("Orders"), "ti-shopping-cart"),
    ("stock", _("Stock"), "ti-packages"),
    ("finance", _("Finance"), "ti-wallet"),
    ("service", _("Service"), "ti-headset"),
]

# The role sets the entries share, narrowest first.
PRODUCT_TEAM = frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.PRODUCT_MANAGER})
SALES_TEAM = frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER})
SALES_TEAM_AND_CUSTOMERS = SALES_TEAM | {Role.CUSTOMER_USER}
OFFICE = SALES_TEAM | {Role.PRODUCT_MANAGER}
OFFICE_AND_CUSTOMERS = OFFICE | {Role.CUSTOMER_USER}
STAFF_AND_CUSTOMERS = STAFF_ROLES | {Role.CUSTOMER_USER}

# (url name, group, label, icon, roles that see it)
NAVIGATION: list[NavEntry] = [
    ("dashboard", "", _("Dashboard"), "ti-layout-dashboard", STAFF_ROLES),
    ("daily-board", "", _("Daily board"), "ti-checklist", STAFF_ROLES),
    ("portal-home", "", _("Home"), "ti-home", PORTAL_ROLES),
    ("customer-list", "", _("Customers"), "ti-building-store", OFFICE),
    # sales and the customers' success (pipeline, KPIs, sell-through)
    ("pipeline-board", "sales", _("Pipeline"), "ti-chart-funnel", SALES_TEAM),
    ("lead-list", "sales", _("Leads"), "ti-user-search", SALES_TEAM),
    ("activity-list", "sales", _("Activities"), "ti-calendar-event", SALES_TEAM),
    ("priority-matrix", "sales", _("Priority matrix"), "ti-chart-dots", SALES_TEAM),
    ("kpi-home", "sales", _("Customer KPIs"), "ti-gauge", SALES_TEAM_AND_CUSTOMERS),
    ("inventory", "stock", _("Stock position"), "ti-packages", OFFICE_AND_CUSTOMERS),
    ("stock-alerts", "stock", _("Stock alerts"), "ti-alert-triangle", OFFICE_AND_CUSTOMERS),
    ("sell-through-rate", "stock", _("Sell-through rate"), "ti-chart-bar", OFFICE_AND_CUSTOMERS),
    ("sellthrough-home", "stock", _("Sell-through uploads"), "ti-upload", SALES_TEAM_AND_CUSTOMERS),
    ("order-list", "orders", _("Orders"), "ti-shopping-cart", OFFICE_AND_CUSTOMERS),
    ("order-desk", "orders", _("Order desk"), "ti-clipboard-check", SALES_TEAM),
    (
        "custom-order-list",
        "orders",
        _("Custom orders"),
        "ti-adjustments-horizontal",
        OFFICE_AND_CUSTOMERS,
    ),
    ("custom-order-demand", "orders", _("Custom demand"), "ti-chart-histogram", PRODUCT_TEAM),
    ("complaint-list", "service", _("Complaints"), "ti-message-report", SALES_TEAM_AND_CUSTOMERS),
    ("news-list", "", _("News"), "ti-news", OFFICE_AND_CUSTOMERS),
    ("catalog-list", "orders", _("Catalog"), "ti-box", STAFF_AND_CUSTOMERS),
    ("promotion-list", "orders", _("Promotions"), "ti-rosette-discount", OFFICE_AND_CUSTOMERS),
    ("price-list-list", "orders", _("Price lists"), "ti-list-numbers", OFFICE),
    ("customer-price-list", "orders", _("Customer prices"), "ti-user-dollar", OFFICE),
    # finance (the account, statements, the disputes desk, rebates and expenses)
    ("finance-home", "finance", _("Account"), "ti-wallet", SALES_TEAM_AND_CUSTOMERS),
    ("statement-list", "finance", _("Statements"), "ti-file-invoice", SALES_TEAM_AND_CUSTOMERS),
    ("dispute-list", "finance", _("Disputes"), "ti-flag", SALES_TEAM),
    ("expense-list", "finance", _("Expenses"), "ti-discount", SALES_TEAM_AND_CUSTOMERS),
]
