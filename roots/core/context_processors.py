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
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, icon, roles in NAVIGATION:
        if user.role in roles:
            url = reverse(name)
            items.append(
                {"url": url, "label": label, "icon": icon, "active": request.path.startswith(url)}
            )
    return {"nav_items": items}
