"""Reads of standard orders, always through the user's scope; the credit a customer has left.

`order_list` and `open_order_value` are used by other apps too (the portal home, the
customer 360 page, finance): their signatures are a contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from roots.orders.models import (
    OPEN_ORDER_STATUSES,
    Order,
    OrderAllocation,
    OrderEvent,
    OrderLine,
    OrderStatus,
)

if TYPE_CHECKING:
    from roots.org.models import User

ZERO = Decimal("0.00")


def order_list(*, user: User, search: str | None = None) -> QuerySet[Order]:
    """The orders the user may see (newest first), with customer, outlet and the person who
    placed them, so that a list page costs one query whatever its length."""
    return (
        Order.objects.visible_to(user)
        .search(search)
        .select_related("customer", "outlet", "placed_by")
    )


def order_detail_queryset(*, user: User) -> QuerySet[Order]:
    """`order_list` with the lines, their SKUs, promotions and allocations prefetched."""
    allocations = OrderAllocation.objects.select_related("warehouse").order_by("warehouse__code")
    lines = OrderLine.objects.select_related("sku", "promotion").prefetch_related(
        Prefetch("allocations", queryset=allocations)
    )
    return order_list(user=user).prefetch_related(Prefetch("lines", queryset=lines))


def order_timeline(*, user: User, order: Order) -> QuerySet[OrderEvent]:
    """The order's timeline as the user may read it: customer users do not see the events
    marked staff-only."""
    events = OrderEvent.objects.visible_to(user).filter(order=order).select_related("actor")
    if user.role == "customer_user":
        events = events.filter(visible_to_customer=True)
    return events.order_by("created_at", "id")


def open_order_value(*, customer_id: int) -> Decimal:
    """The value of the customer's orders that count against its credit but are not invoiced
    yet (submitted, confirmed, allocated)."""
    total = (
        Order.objects.all_unscoped()
        .filter(customer_id=customer_id, status__in=OPEN_ORDER_STATUSES)
        .aggregate(total=Sum("total"))["total"]
    )
    return (total or ZERO).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CreditSummary:
    """What a customer may still order on credit: limit − open balance − open orders +
    money in its favour (an overpayment pays the next invoice); the same rule as
    `roots.finance.selectors.account_summary`, which the portal shows."""

    credit_limit: Decimal
    open_balance: Decimal
    open_orders: Decimal
    credit_balance: Decimal = Decimal("0.00")

    @property
    def available(self) -> Decimal:
        return self.credit_limit - self.open_balance - self.open_orders + self.credit_balance


# The customer's signed ledger balance (positive: it owes us; negative: money in its favour)
# is finance's, and finance sits above orders (its invoices are of orders): finance plugs its
# `ledger_balance` in here from its AppConfig.ready (`roots/finance/order_hooks.py`).
_ledger_balance: list[Callable[..., Decimal]] = []


def use_ledger_balance(balance: Callable[..., Decimal]) -> None:
    """Set the function `credit_summary` asks for a customer's ledger balance
    (`balance(customer_id=...)`)."""
    _ledger_balance[:] = [balance]


def credit_summary(*, customer_id: int, credit_limit: Decimal) -> CreditSummary:
    """The parts of the customer's available credit (the unpaid invoiced amount comes from
    finance)."""
    if not _ledger_balance:
        raise ImproperlyConfigured("No ledger balance: roots.finance is not installed.")
    # Positive: the customer owes us (open balance); negative: money in its favour.
    balance = Decimal(_ledger_balance[0](customer_id=customer_id)).quantize(Decimal("0.01"))
    return CreditSummary(
        credit_limit=Decimal(credit_limit).quantize(Decimal("0.01")),
        open_balance=max(balance, Decimal("0.00")),
        open_orders=open_order_value(customer_id=customer_id),
        credit_balance=max(-balance, Decimal("0.00")),
    )


# The order desk's tabs: what waits for staff, by status.
DESK_TABS: tuple[tuple[str, str], ...] = (
    ("confirm", OrderStatus.SUBMITTED),
    ("allocate", OrderStatus.CONFIRMED),
    ("ship", OrderStatus.ALLOCATED),
    ("transit", OrderStatus.SHIPPED),
)


def order_desk_counts(*, user: User) -> dict[str, int]:
    """How many orders wait in each tab of the order desk (one query)."""
    aggregates = {key: Count("pk", filter=Q(status=status)) for key, status in DESK_TABS}
    counts = Order.objects.visible_to(user).aggregate(**aggregates)
    return {key: int(counts[key] or 0) for key, _status in DESK_TABS}


def order_status_counts(*, user: User, base: QuerySet[Order] | None = None) -> dict[str, int]:
    """Orders in scope per status (one query)."""
    queryset = base if base is not None else Order.objects.visible_to(user)
    rows = queryset.order_by().values_list("status").annotate(n=Count("pk"))
    return {str(status): int(n) for status, n in rows}
