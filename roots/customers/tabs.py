"""The tabs of the customer 360 page, each registered by the app whose records it shows.

An app adds its tab in its `customer_tabs.py` (`register(CustomerTab(...))`), which the
customers app's AppConfig.ready imports for every installed app, as the admin finds each
app's `admin.py` (STYLE habit 20: the page gathers other apps' parts by registration, so
customers imports none of the apps above it; docs/architecture.md, "Layering"). A tab's
content is the template `customers/tabs/_<key>.html` with the context its `load` answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from roots.customers.models import Customer

if TYPE_CHECKING:
    from roots.org.models import User

# How many records a tab lists (its "all" link leads to the filtered list page).
TAB_ROWS = 50


@dataclass(frozen=True)
class CustomerTab:
    """One tab: its place (`order`), who sees it, its content and its badge.

    `load(user, customer)` answers the tab's context (None: the page's own context is
    enough, as for the profile). The tab is shown to staff only with `staff_only`, and only
    to the users `shown(user)` accepts. The badge is the number of the customer's records in
    `counted(user)` (a queryset in the user's scope, counted with the other tabs' in one
    query), or the annotation `count_attr` of the page's customer; no badge without either.
    """

    key: str
    label: Any
    order: int
    load: Callable[[User, Customer], dict[str, Any]] | None = None
    staff_only: bool = False
    shown: Callable[[User], bool] | None = None
    counted: Callable[[User], QuerySet[Any]] | None = None
    count_attr: str | None = None

    @property
    def template(self) -> str:
        return f"customers/tabs/_{self.key}.html"

    def shown_to(self, user: User) -> bool:
        if self.staff_only and not user.is_staff_role:
            return False
        return self.shown is None or self.shown(user)


_TABS: dict[str, CustomerTab] = {}


def register(tab: CustomerTab) -> CustomerTab:
    """Add a tab to the 360 page (once per key)."""
    _TABS[tab.key] = tab
    return tab


def tabs_for(user: User) -> list[CustomerTab]:
    """The tabs this user sees, in order."""
    return [
        tab for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key)) if tab.shown_to(user)
    ]


def list_url(name: str, customer: Customer) -> str:
    """A list page filtered to the customer (`?customer=<code>`)."""
    return f"{reverse(name)}?customer={customer.code}"


def tab_counts(user: User, customer: Customer, tabs: list[CustomerTab]) -> dict[str, int | None]:
    """The badges of `tabs`: the `counted` ones in one query, each through the user's
    scope."""
    counts: dict[str, int | None] = {
        tab.key: getattr(customer, tab.count_attr) if tab.count_attr else None for tab in tabs
    }
    counted = {f"n_{tab.key}": tab.counted(user) for tab in tabs if tab.counted is not None}
    if not counted:
        return counts

    def count(queryset: QuerySet[Any]) -> Any:
        return Coalesce(
            Subquery(
                queryset.filter(customer_id=OuterRef("pk"))
                .order_by()
                .values("customer_id")
                .annotate(n=Count("*"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    row = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(**{name: count(queryset) for name, queryset in counted.items()})
        .values(*counted)
        .first()
    )
    found: dict[str, Any] = dict(row or {})
    for name in counted:
        counts[name.removeprefix("n_")] = int(found.get(name) or 0)
    return counts
