"""The staff home: the dashboard of the customer-master roles (the customer summary, or
"my day") and the plain dashboard of the other staff roles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from roots.core.pages import page_user
from roots.customers.policies import can_create_customer
from roots.customers.selectors import customer_dashboard_stats
from roots.home import my_day
from roots.notifications.selectors import latest
from roots.org import otp
from roots.org.models import Role, User

# Roles whose work starts from channel customers; the others get a personal dashboard.
CUSTOMER_DASHBOARD_ROLES = frozenset(
    {Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.PRODUCT_MANAGER}
)
TIER_COLOURS = {"vip": "#ae3ec9", "major": "#206bc4", "ordinary": "#74b816", "small": "#adb5bd"}


# The two faces of the customer-master roles' dashboard (`?view=`).
MY_DAY_VIEW = "today"
OVERVIEW_VIEW = "overview"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The staff home. Account and branch managers land on "my day" (what waits on them
    today, each queue linking to its filtered list); headquarters and product managers on
    the customer-master summary (customers in scope by channel type and tier, key accounts,
    outlets per province on the China map, recently changed customers). `?view=today` and
    `?view=overview` switch between the two."""
    user = page_user(request)
    if user.is_portal_user:
        return redirect("portal-home")
    if user.role not in CUSTOMER_DASHBOARD_ROLES:
        return render(
            request,
            "org/dashboard.html",
            {"stats": None, "two_factor": otp.has_device(user)},
        )
    view = request.GET.get("view")
    if view not in (MY_DAY_VIEW, OVERVIEW_VIEW):
        view = MY_DAY_VIEW if user.role in my_day.MY_DAY_ROLES else OVERVIEW_VIEW
    if view == MY_DAY_VIEW:
        return _my_day(request, user)
    stats = customer_dashboard_stats(user=user)
    english = get_language() != "zh-hans"
    charts = {
        "channel": {
            "title": _("Customers by channel type"),
            "items": [{"name": c.label, "value": c.count} for c in stats.by_channel],
        },
        "tier": {
            "title": _("Customers by value tier"),
            "items": [
                {"name": t.label, "value": t.count, "color": TIER_COLOURS.get(t.key)}
                for t in stats.by_tier
            ],
        },
        "provinces": {
            "title": _("Active outlets"),
            "high": _("More"),
            "low": _("Fewer"),
            "items": [
                {
                    "name": p.short_name,
                    "value": p.count,
                    "label": (p.name_en or p.name) if english else p.name,
                }
                for p in stats.outlets_by_province
            ],
        },
    }
    return render(
        request,
        "org/dashboard.html",
        {
            "stats": stats,
            "charts": charts,
            "top_provinces": stats.outlets_by_province[:5],
            "english": english,
            "can_create": can_create_customer(user),
            "my_day_url": f"{reverse('dashboard')}?view={MY_DAY_VIEW}",
        },
    )


def _my_day(request: HttpRequest, user: User) -> HttpResponse:
    """The "my day" page: the queues that wait on the user, today's open board items and
    the latest notifications."""
    tiles = my_day.my_day(user=user)
    return render(
        request,
        "org/my_day.html",
        {
            "tiles": tiles,
            "waiting": sum(tile.count for tile in tiles),
            "items": my_day.today_items(user=user),
            "notifications": latest(user=user, limit=5),
            "today": timezone.localdate(),
            "overview_url": f"{reverse('dashboard')}?view={OVERVIEW_VIEW}",
        },
    )
