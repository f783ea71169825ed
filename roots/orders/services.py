"""Writes of standard orders: submit (price, reserve stock, check credit) and every step of
the life-cycle (confirm, allocate, ship, deliver, close, cancel), each one transaction that
locks the order, checks who may do it and whether it may happen now, and writes a timeline
event (e-mailed after commit).

Who may do what (docs/orders.md has the whole table):

* submit: a customer user for its own company's outlets; account managers, branch managers
  and headquarters on behalf of a customer in their scope.
* confirm, close: the customer's account manager, its branch manager, headquarters.
* allocate, ship: the branch manager, headquarters.
* deliver: the customer's users or the staff above.
* cancel (a reason is required): a customer user while the order is submitted; the staff
  above until it is allocated. Cancelling releases the reserved stock.

A role that cannot see the order gets 404, a read-only viewer (product managers) 403, a step
that is not possible now 409 (`ConflictError`), changing nothing.

Locks are always taken in the same order (customer, then stock rows by id, then the order
number counter) so that concurrent submissions queue instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.catalog.models import Sku, StockLevel
from roots.catalog.selectors import best_promotions, prices_for
from roots.catalog.services import stock_adjust
from roots.core import i18n_text
from roots.core.numbers import next_number
from roots.core.search import build_search_text
from roots.core.services import record_history_user
from roots.customers.models import Customer, CustomerStatus, Outlet
from roots.orders import texts
from roots.orders.lifecycles import ORDER, ORDER_STAFF
from roots.orders.models import (
    EventKind,
    Order,
    OrderAllocation,
    OrderKind,
    OrderLine,
    OrderStatus,
)
from roots.orders.selectors import credit_summary
from roots.orders.timeline import record_event
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.catalog.models import Promotion
    from roots.org.models import User

CENT = Decimal("0.01")
MAX_LINES = 200
MAX_QUANTITY = 100_000


def money(value: Decimal) -> str:
    """An amount as messages show it: ¥12,345.00."""
    return f"¥{value:,.2f}"


# --- who may place orders --------------------------------------------------------------------
def can_place_orders(user: User) -> bool:
    """Customer users (for their company) and account managers, branch managers and
    headquarters (for customers in their scope) place orders; nobody else."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.CUSTOMER_USER:
        return bool(user.customer_id)
    return user.role in ORDER_STAFF


def next_order_number() -> str:
    """The next order number, `SO` and eight digits (SO00001234), for every kind of order.
    Should the counter be behind the numbers in the table (orders loaded in bulk), it jumps
    past the highest."""
    return next_number(model=Order, prefix="SO", sequence="order")


# --- pricing -------------------------------------------------------------------------------
@dataclass
class PricedLine:
    """One line as it would be ordered today: the customer's price less the promotion."""

    sku: Sku
    quantity: int
    list_price: Decimal
    unit_price: Decimal
    promotion: Promotion | None
    discount: Decimal
    line_total: Decimal

    @property
    def gross(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT)


@dataclass
class PricedOrder:
    lines: list[PricedLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.gross for line in self.lines), Decimal("0.00"))

    @property
    def discount_total(self) -> Decimal:
        return sum((line.discount for line in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_total


def price_lines(
    *, customer: Customer, lines: Sequence[tuple[Sku, int]], on: date | None = None
) -> PricedOrder:
    """Price lines for a customer on a day (today): its effective price (`price_for`) less
    the best promotion valid that day as a line discount. A handful of queries whatever the
    number of lines."""
    day = on or timezone.localdate()
    skus = [sku for sku, _quantity in lines]
    prices = prices_for(customer=customer, skus=skus, on=day)
    promotions = best_promotions(customer=customer, skus=skus, on=day)
    priced = PricedOrder()
    for sku, quantity in lines:
        unit_price = Decimal(prices[sku.pk]).quantize(CENT)
        promotion = promotions.get(sku.pk)
        gross = (unit_price * quantity).quantize(CENT)
        discount = Decimal("0.00")
        if promotion is not None:
            discount = (gross * promotion.discount_percent / 100).quantize(CENT, ROUND_HALF_UP)
        priced.lines.append(
            PricedLine(
                sku=sku,
                quantity=quantity,
                list_price=sku.list_price,
                unit_price=unit_price,
                promotion=promotion,
                discount=discount,
                line_total=gross - discount,
            )
        )
    return priced


# --- credit --------------------------------------------------------------------------------
def check_credit(*, customer_id: int, amount: Decimal) -> Decimal:
    """Refuse `amount` if it exceeds the customer's available credit (credit limit − unpaid
    invoiced amount − open orders); answer the credit that was available.

    Call it inside the transaction that writes the order: it locks the customer row, so that
    concurrent orders of one customer are checked one after the other and their total can
    never exceed the limit."""
    customer = Customer.objects.all_unscoped().select_for_update().get(pk=customer_id)
    summary = credit_summary(customer_id=customer.pk, credit_limit=customer.credit_limit)
    amount = Decimal(amount).quantize(CENT)
    if amount > summary.available:
        message = _(
            "Not enough credit: this order comes to %(amount)s but only "
            "%(available)s is available (credit limit %(limit)s, unpaid invoices "
            "%(balance)s, open orders %(open)s)."
        ) % {
            "amount": money(amount),
            "available": money(max(summary.available, Decimal("0.00"))),
            "limit": money(summary.credit_limit),
            "balance": money(summary.open_balance),
            "open": money(summary.open_orders),
        }
        raise ValidationError({"credit": [ValidationError(message, code="credit_exceeded")]})
    return summary.available


# --- stock ---------------------------------------------------------------------------------
def _lock_stock(sku_ids: Iterable[int]) -> list[StockLevel]:
    """The stock rows of these SKUs in active warehouses, locked in id order (the same order
    in every transaction, so that two orders never wait for each other in a cycle)."""
    return list(
        StockLevel.objects.all_unscoped()
        .select_for_update(of=("self",))
        .select_related("warehouse")
        .filter(sku_id__in=set(sku_ids), warehouse__is_active=True)
        .order_by("pk")
    )


def plan_reservation(
    *, outlet: Outlet, customer: Customer, lines: Sequence[tuple[Sku, int]]
) -> list[list[tuple[StockLevel, int]]]:
    """Lock the stock of the lines' SKUs and choose where each line is reserved: warehouses in
    the outlet's province first, then those of the customer's branch, then any, the fullest
    first. A SKU without enough stock is a field error naming it and what is available."""
    rows = _lock_stock(sku.pk for sku, _q in lines)

    def preference(stock: StockLevel) -> tuple[int, int, str]:
        warehouse = stock.warehouse
        if warehouse.province_id == outlet.province_id:
            rank = 0
        elif warehouse.branch_id is not None and warehouse.branch_id == customer.branch_id:
            rank = 1
        else:
            rank = 2
        return (rank, -stock.available, warehouse.code)

    by_sku: dict[int, list[StockLevel]] = {}
    for stock in sorted(rows, key=preference):
        if stock.available > 0:
            by_sku.setdefault(stock.sku_id, []).append(stock)
    plan: list[list[tuple[StockLevel, int]]] = []
    # Each problem names its line's SKU (`params["sku"]`): the builder shows it on that line.
    problems: list[ValidationError] = []
    for sku, quantity in lines:
        candidates = by_sku.get(sku.pk, [])
        available = sum(s.available for s in candidates)
        if available < quantity:
            problems.append(
                ValidationError(
                    _("%(sku)s: only %(available)s available, %(quantity)s ordered."),
                    code="insufficient_stock",
                    params={"sku": sku.code, "available": available, "quantity": quantity},
                )
            )
            plan.append([])
            continue
        picks: list[tuple[StockLevel, int]] = []
        remaining = quantity
        for stock in candidates:
            take = min(stock.available, remaining)
            if take > 0:
                picks.append((stock, take))
                remaining -= take
            if remaining == 0:
                break
        plan.append(picks)
    if problems:
        raise ValidationError({"lines": problems})
    return plan


# --- input ---------------------------------------------------------------------------------
def _resolve_outlet(user: User, value: Any) -> Outlet:
    if isinstance(value, Outlet):
        return value
    outlet = (
        Outlet.objects.visible_to(user)
        .select_related("customer")
        .filter(code=str(value or "")[:20])
        .first()
    )
    if outlet is None:
        raise ValidationError({"outlet": [_("Choose one of your outlets.")]})
    return outlet


def _resolve_sku(user: User, value: Any) -> Sku | None:
    if isinstance(value, Sku):
        return value
    return Sku.objects.visible_to(user).filter(code=str(value or "")[:40]).first()


def _clean_lines(user: User, raw: Any) -> list[tuple[Sku, int]]:
    """The order's lines, the same SKU merged into one line (quantities added)."""
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError({"lines": [_("Add at least one product.")]})
    if len(raw) > MAX_LINES:
        raise ValidationError({"lines": [_("At most %(n)s lines.") % {"n": MAX_LINES}]})
    merged: dict[int, list[Any]] = {}
    # A problem of one line names its SKU (`params["sku"]`): the builder shows it there.
    problems: list[ValidationError] = []
    for item in raw:
        sku = _resolve_sku(user, item.get("sku") if isinstance(item, Mapping) else None)
        quantity = item.get("quantity") if isinstance(item, Mapping) else None
        if sku is None:
            problems.append(ValidationError(_("Unknown product.")))
            continue
        sku_param = {"sku": sku.code}
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            problems.append(
                ValidationError(_("%(sku)s: order at least one unit."), params=sku_param)
            )
            continue
        if not sku.is_active:
            problems.append(ValidationError(_("%(sku)s is no longer sold."), params=sku_param))
            continue
        if sku.pk in merged:
            merged[sku.pk][1] += quantity
        else:
            merged[sku.pk] = [sku, quantity]
    for sku, quantity in merged.values():
        if quantity > MAX_QUANTITY:
            problems.append(
                ValidationError(
                    _("%(sku)s: at most %(max)s units per order."),
                    params={"sku": sku.code, "max": MAX_QUANTITY},
                )
            )
    if problems:
        raise ValidationError({"lines": problems})
    return [(sku, quantity) for sku, quantity in merged.values()]


# --- submit --------------------------------------------------------------------------------
@transaction.atomic
def order_submit(*, user: User, data: Mapping[str, Any]) -> Order:
    """Place an order for an outlet: price it (the customer's price less promotions),
    reserve its stock, check the customer's credit, number it and put it on the timeline.

    `data`: `outlet` (an Outlet or its code), `lines` ([{"sku": Sku or code, "quantity"}]),
    optional `customer_reference`, `requested_date`, `note`."""
    if not can_place_orders(user):
        raise PermissionDenied(_("You may not place orders."))
    outlet = _resolve_outlet(user, data.get("outlet"))
    if user.role == Role.CUSTOMER_USER and outlet.customer_id != user.customer_id:
        raise ValidationError({"outlet": [_("Choose one of your outlets.")]})
    if not outlet.is_active:
        raise ValidationError({"outlet": [_("This outlet is closed.")]})
    lines = _clean_lines(user, data.get("lines"))
    requested = data.get("requested_date")
    today = timezone.localdate()
    if requested is not None and requested < today:
        raise ValidationError({"requested_date": [_("Choose today or a later day.")]})
    # The customer row is the first lock: orders of one customer queue here.
    customer = Customer.objects.all_unscoped().select_for_update().get(pk=outlet.customer_id)
    if customer.status != CustomerStatus.ACTIVE:
        raise ValidationError(
            {
                "outlet": [
                    _("%(customer)s cannot order now (%(status)s).")
                    % {"customer": customer.name, "status": customer.get_status_display()}
                ]
            }
        )
    priced = price_lines(customer=customer, lines=lines, on=today)
    plan = plan_reservation(outlet=outlet, customer=customer, lines=lines)
    check_credit(customer_id=customer.pk, amount=priced.total)

    now = timezone.now()
    order = Order(
        number=next_order_number(),
        kind=OrderKind.STANDARD,
        customer=customer,
        outlet=outlet,
        status=OrderStatus.SUBMITTED,
        placed_by=user,
        customer_reference=str(data.get("customer_reference") or ""),
        requested_date=requested,
        note=str(data.get("note") or ""),
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        total=priced.total,
        submitted_at=now,
    )
    order.search_text = _order_search_text(order, customer, outlet)
    order.full_clean(exclude=["search_text"])
    record_history_user(order, user)
    order.save()
    saved_lines = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                line_no=index,
                sku=line.sku,
                description=line.sku.name,
                quantity=line.quantity,
                list_price=line.list_price,
                unit_price=line.unit_price,
                discount=line.discount,
                line_total=line.line_total,
                promotion=line.promotion,
            )
            for index, line in enumerate(priced.lines, start=1)
        ]
    )
    allocations = []
    reason = _("Reserved for %(number)s") % {"number": order.number}
    for line, picks in zip(saved_lines, plan, strict=True):
        for stock, quantity in picks:
            allocations.append(
                OrderAllocation(line=line, warehouse_id=stock.warehouse_id, quantity=quantity)
            )
            stock_adjust(stock, user=user, reason=reason, reserved=quantity)
    OrderAllocation.objects.bulk_create(allocations)
    record_event(
        subject=order,
        actor=user,
        from_status="",
        to_status=OrderStatus.SUBMITTED,
        text=texts.SUBMITTED(
            lines=len(saved_lines), outlet=outlet.name, total=i18n_text.money(order.total)
        ),
    )
    return order


# Kept under the name the brief uses.
submit_order = order_submit


def _order_search_text(order: Order, customer: Customer, outlet: Outlet) -> str:
    return build_search_text(order.number, order.customer_reference, customer.name, outlet.name)[
        :500
    ]


# --- the life-cycle (declared in roots/orders/lifecycles.py) --------------------------------
STEPS = ORDER.steps
ACTIONS = tuple(STEPS)


def _check_visible(user: User, order: Order) -> None:
    if not Order.objects.visible_to(user).filter(pk=order.pk).exists():
        raise Http404


def order_actions(*, user: User, order: Order) -> list[str]:
    """The steps the user may take on the order now (buttons, `allowed_actions`)."""
    return ORDER.actions(user, order)


def order_transition(
    *,
    user: User,
    order: Order,
    action: str,
    expected_version: int | None = None,
    reason: str = "",
    message: str = "",
) -> Order:
    """Take one step of the life-cycle (`action` in ACTIONS); see roots/orders/lifecycles.py
    for who may take which. `reason` is required to cancel; `message` adds a note to the
    timeline event."""
    result: Order = ORDER.take(
        user=user,
        obj=order,
        step=action,
        data={"reason": reason, "message": message},
        expected_version=expected_version,
    )
    return result


class _StepService(Protocol):
    def __call__(
        self, *, user: User, order: Order, expected_version: int | None = None, message: str = ""
    ) -> Order: ...


def _step_service(action: str, doc: str) -> _StepService:
    """The named service of one step that takes an optional note (`order_transition`)."""

    def service(
        *, user: User, order: Order, expected_version: int | None = None, message: str = ""
    ) -> Order:
        return order_transition(
            user=user, order=order, action=action, expected_version=expected_version,
            message=message,
        )  # fmt: skip

    service.__name__ = service.__qualname__ = f"order_{action}"
    service.__doc__ = doc
    return service


order_confirm = _step_service(
    "confirm", "Accept a submitted order (the account manager, branch manager or headquarters)."
)
order_allocate = _step_service(
    "allocate",
    "Commit the reserved stock to a confirmed order (branch manager, headquarters); a "
    "made-to-order order once its production has finished.",
)
order_ship = _step_service(
    "ship", "Ship an allocated order: stock leaves the warehouses and finance invoices it."
)
order_deliver = _step_service(
    "deliver", "Record that a shipped order arrived (the customer or our staff)."
)
order_close = _step_service(
    "close", "Close a delivered order (the account manager, branch manager or headquarters)."
)


def order_cancel(
    *, user: User, order: Order, reason: str, expected_version: int | None = None
) -> Order:
    """Cancel an order (a reason is required) and release its reserved stock."""
    return order_transition(
        user=user, order=order, action="cancel", expected_version=expected_version,
        reason=reason,
    )  # fmt: skip


@transaction.atomic
def order_note(*, user: User, order: Order, message: str, visible_to_customer: bool = True) -> Any:
    """Add a note to the order's timeline. Staff may keep a note among themselves
    (`visible_to_customer=False`); a customer user's notes are always visible to both."""
    _check_visible(user, order)
    if user.role != Role.CUSTOMER_USER and user.role not in ORDER_STAFF:
        raise PermissionDenied(_("You may view orders but not change them."))
    text = (message or "").strip()
    if not text:
        raise ValidationError({"message": [_("Write the note.")]})
    if len(text) > 2000:
        raise ValidationError({"message": [_("At most 2000 characters.")]})
    if user.role == Role.CUSTOMER_USER:
        visible_to_customer = True
    return record_event(
        subject=order,
        actor=user,
        kind=EventKind.NOTE,
        from_status=order.status,
        to_status=order.status,
        message=text,
        visible_to_customer=visible_to_customer,
    )
