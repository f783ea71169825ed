"""The "my day" page (今日工作台): what waits on an account or branch manager today,
gathered from the daily board and the queues of each app, each number counted exactly as
the list it links to counts it (the same scope, `visible_to`, and the same filter).

Each queue is one small function taking `user` and answering a `Tile` (or None when the
user's role does not open that list); `my_day` runs those the user's role works with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from roots.core.context_processors import may_open
from roots.org.models import Role, User


@dataclass(frozen=True)
class Tile:
    """One queue on "my day": how many wait, what they are, and the filtered list."""

    key: str
    label: Any
    hint: Any
    count: int
    url: str
    icon: str
    colour: str  # Tabler colour of a tile with work waiting

    @property
    def waiting(self) -> bool:
        return self.count > 0


def _url(name: str, **query: Any) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


# --- the queues ------------------------------------------------------------------------------
def daily_open(user: User) -> Tile | None:
    """Open items on the user's daily board today (follow-ups due or overdue, complaints
    near their deadline, custom orders, stock-outs, own tasks); building today's board
    first, as opening the board does."""
    if not may_open(user, "daily-board"):
        return None
    from roots.sales.daily import services as daily_services
    from roots.sales.models import DailyItem, DailyItemStatus

    today = daily_services.board_today()
    daily_services.daily_board_ensure(user=user, day=today)
    count = (
        DailyItem.objects.visible_to(user)
        .filter(user=user, day=today, status=DailyItemStatus.OPEN)
        .count()
    )
    return Tile(
        "daily",
        _("Open on my daily board"),
        _("Tasks due today and overdue"),
        count,
        _url("daily-board"),
        "ti-checklist",
        "primary",
    )


def orders_to_confirm(user: User) -> Tile | None:
    """Submitted orders in scope, waiting to be confirmed (the order desk's first tab)."""
    if not may_open(user, "order-desk"):
        return None
    from roots.orders.selectors import order_desk_counts

    return Tile(
        "orders",
        _("Orders to confirm"),
        _("Submitted, waiting on us"),
        order_desk_counts(user=user)["confirm"],
        _url("order-desk", tab="confirm"),
        "ti-clipboard-check",
        "orange",
    )


def disputes_to_answer(user: User) -> Tile | None:
    """Open statement disputes in scope (not answered yet)."""
    if not may_open(user, "dispute-list"):
        return None
    from roots.finance.models import Dispute, DisputeStatus

    count = Dispute.objects.visible_to(user).filter(status=DisputeStatus.OPEN).count()
    return Tile(
        "disputes",
        _("Disputes to answer"),
        _("Statement lines the customer disputes"),
        count,
        _url("dispute-list", status=DisputeStatus.OPEN),
        "ti-flag",
        "red",
    )


def custom_orders_waiting(user: User) -> Tile | None:
    """Custom orders waiting on the user's side: quotes for the customer and its account
    manager to decide (managers); requests to quote and accepted orders to start
    (product managers and headquarters, who take the producer's steps)."""
    if not may_open(user, "custom-order-list"):
        return None
    from roots.orders.models import CustomOrder, CustomOrderStatus

    if user.role in (Role.PRODUCT_MANAGER, Role.HQ_ADMIN):
        statuses = [CustomOrderStatus.REQUESTED, CustomOrderStatus.ACCEPTED]
        hint = _("Requests to quote, accepted orders to start")
    else:
        statuses = [CustomOrderStatus.QUOTED]
        hint = _("Quotes waiting for the customer's decision")
    count = CustomOrder.objects.visible_to(user).filter(status__in=statuses).count()
    return Tile(
        "custom_orders",
        _("Custom orders waiting"),
        hint,
        count,
        _url("custom-order-list", status=[str(s) for s in statuses]),
        "ti-adjustments-horizontal",
        "purple",
    )


def complaints_due(user: User) -> Tile | None:
    """Active complaints whose running deadline is within a day or past (the complaint
    list's `due_soon` filter)."""
    if not may_open(user, "complaint-list"):
        return None
    from roots.service.filters import ComplaintFilter
    from roots.service.models import Complaint

    filterset = ComplaintFilter({"due_soon": "true"}, queryset=Complaint.objects.visible_to(user))
    return Tile(
        "complaints",
        _("Complaints near or past their SLA"),
        _("Due within a day, or overdue"),
        filterset.qs.count(),
        _url("complaint-list", due_soon="true"),
        "ti-message-report",
        "red",
    )


def stock_outs(user: User) -> Tile | None:
    """Stock-out risks at the outlets of the customers in scope, as of today."""
    if not may_open(user, "stock-alerts"):
        return None
    from roots.sellthrough.inventory import selectors as inventory

    count = len(inventory.stock_alert_list(user=user, kind=inventory.STOCK_OUT))
    return Tile(
        "stock_outs",
        _("Stock-out alerts"),
        _("My customers' outlets running out"),
        count,
        _url("stock-alerts", kind=inventory.STOCK_OUT),
        "ti-alert-triangle",
        "yellow",
    )


def pipeline_due(user: User) -> Tile | None:
    """Open deals expected to close by today (account managers: their own, as the list
    shows by default; managers: every deal in scope)."""
    if not may_open(user, "pipeline-board"):
        return None
    from roots.sales import selectors as sales_selectors
    from roots.sales.filters import OpportunityFilter

    deals = sales_selectors.opportunity_list(user=user)
    if user.role == Role.ACCOUNT_MANAGER:
        deals = deals.filter(owner=user)
    count = OpportunityFilter({"due": "true"}, queryset=deals).qs.count()
    return Tile(
        "pipeline",
        _("Pipeline steps due"),
        _("Open deals expected to close by today"),
        count,
        _url("opportunity-list", due="true"),
        "ti-chart-funnel",
        "blue",
    )


QUEUES: tuple[Callable[[User], Tile | None], ...] = (
    daily_open,
    orders_to_confirm,
    disputes_to_answer,
    custom_orders_waiting,
    complaints_due,
    stock_outs,
    pipeline_due,
)

# Roles that land on "my day"; the other customer-master roles reach it by a link.
MY_DAY_ROLES = frozenset({Role.ACCOUNT_MANAGER, Role.BRANCH_MANAGER})


def my_day(*, user: User) -> list[Tile]:
    """The tiles of the user's day, in a fixed order (each queue the role opens)."""
    return [tile for queue in QUEUES if (tile := queue(user)) is not None]


def today_items(*, user: User, limit: int = 8) -> list[Any]:
    """The first open items of the user's daily board today (the board is built by
    `daily_open`)."""
    from roots.sales.daily import services as daily_services
    from roots.sales.models import DailyItem, DailyItemStatus

    return list(
        DailyItem.objects.visible_to(user)
        .filter(user=user, day=daily_services.board_today(), status=DailyItemStatus.OPEN)
        .order_by("kind", "pk")[:limit]
    )
