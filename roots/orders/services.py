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
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.catalog.models import Sku, StockLevel
from roots.catalog.selectors import best_promotions, prices_for
from roots.core import i18n_text
from roots.core.exceptions import ConflictError
from roots.core.search import build_search_text
from roots.core.services import lock_for_update, record_history_user, sequence_next
from roots.customers.models import Customer, CustomerStatus, Outlet
from roots.orders import texts
from roots.orders.models import (
    CustomOrderStatus,
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

# Staff who place orders for a customer, confirm, deliver, close and cancel them.
ORDER_STAFF = frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER})
# Staff who allocate stock and ship.
FULFILMENT_STAFF = frozenset({Role.HQ_ADMIN, Role.BRANCH_MANAGER})


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
    """The next order number, `SO` and eight digits (SO00001234). Should the counter be
    behind the numbers in the table (orders loaded in bulk), it jumps past the highest."""
    number = f"SO{sequence_next(name='order'):08d}"
    orders = Order.objects.all_unscoped()
    if orders.filter(number=number).exists():
        highest = (
            orders.filter(number__startswith="SO")
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        floor = int(highest[2:]) if highest and highest[2:].isdigit() else 0
        number = f"SO{sequence_next(name='order', floor=floor):08d}"
    return number


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
        raise ValidationError(
            {
                "credit": [
                    _(
                        "Not enough credit: this order comes to %(amount)s but only "
                        "%(available)s is available (credit limit %(limit)s, unpaid invoices "
                        "%(balance)s, open orders %(open)s)."
                    )
                    % {
                        "amount": money(amount),
                        "available": money(max(summary.available, Decimal("0.00"))),
                        "limit": money(summary.credit_limit),
                        "balance": money(summary.open_balance),
                        "open": money(summary.open_orders),
                    }
                ]
            }
        )
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
    problems: list[str] = []
    for sku, quantity in lines:
        candidates = by_sku.get(sku.pk, [])
        available = sum(s.available for s in candidates)
        if available < quantity:
            problems.append(
                _("%(sku)s: only %(available)s available, %(quantity)s ordered.")
                % {"sku": sku.code, "available": available, "quantity": quantity}
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


def _change_stock(
    stock: StockLevel, *, user: User, reason: str, on_hand: int = 0, reserved: int = 0
) -> None:
    stock.on_hand += on_hand
    stock.reserved += reserved
    if stock.on_hand < 0 or stock.reserved < 0 or stock.reserved > stock.on_hand:
        raise ConflictError(
            _("The stock of this order's products changed meanwhile; ask the branch to check it.")
        )
    stock.version += 1
    record_history_user(stock, user)
    stock._change_reason = reason  # type: ignore[attr-defined]
    stock.save(update_fields=["on_hand", "reserved", "version", "updated_at"])


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
    problems: list[str] = []
    for item in raw:
        sku = _resolve_sku(user, item.get("sku") if isinstance(item, Mapping) else None)
        quantity = item.get("quantity") if isinstance(item, Mapping) else None
        if sku is None:
            problems.append(_("Unknown product."))
            continue
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            problems.append(_("%(sku)s: order at least one unit.") % {"sku": sku.code})
            continue
        if not sku.is_active:
            problems.append(_("%(sku)s is no longer sold.") % {"sku": sku.code})
            continue
        if sku.pk in merged:
            merged[sku.pk][1] += quantity
        else:
            merged[sku.pk] = [sku, quantity]
    for sku, quantity in merged.values():
        if quantity > MAX_QUANTITY:
            problems.append(
                _("%(sku)s: at most %(max)s units per order.")
                % {"sku": sku.code, "max": MAX_QUANTITY}
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
            _change_stock(stock, user=user, reason=reason, reserved=quantity)
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


# --- the life-cycle ------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One step of the life-cycle: from which statuses, to which, who may take it."""

    action: str
    sources: tuple[str, ...]
    target: str
    stamp: str
    staff: frozenset[str]
    customer: bool  # whether the customer's own users may take it


STEPS: dict[str, Step] = {
    "confirm": Step(
        "confirm", (OrderStatus.SUBMITTED,), OrderStatus.CONFIRMED, "confirmed_at",
        ORDER_STAFF, customer=False,
    ),
    "allocate": Step(
        "allocate", (OrderStatus.CONFIRMED,), OrderStatus.ALLOCATED, "allocated_at",
        FULFILMENT_STAFF, customer=False,
    ),
    "ship": Step(
        "ship", (OrderStatus.ALLOCATED,), OrderStatus.SHIPPED, "shipped_at",
        FULFILMENT_STAFF, customer=False,
    ),
    "deliver": Step(
        "deliver", (OrderStatus.SHIPPED,), OrderStatus.DELIVERED, "delivered_at",
        ORDER_STAFF, customer=True,
    ),
    "close": Step(
        "close", (OrderStatus.DELIVERED,), OrderStatus.CLOSED, "closed_at",
        ORDER_STAFF, customer=False,
    ),
    "cancel": Step(
        "cancel",
        (OrderStatus.SUBMITTED, OrderStatus.CONFIRMED, OrderStatus.ALLOCATED),
        OrderStatus.CANCELLED, "cancelled_at", ORDER_STAFF, customer=True,
    ),
}  # fmt: skip
ACTIONS = tuple(STEPS)


def _staff_only_message(action: str) -> str:
    return {
        "confirm": _("Only our staff confirm orders."),
        "allocate": _("Only our staff allocate stock to orders."),
        "ship": _("Only our staff ship orders."),
        "close": _("Only our staff close orders."),
    }.get(action, _("Only our staff may do this."))


def _role_refusal(user: User, step: Step) -> Exception | None:
    """Why the user's role may not take this step at all (None: it may): 409 for a customer
    user asking for a staff step, 403 for staff without the right."""
    if user.role == Role.CUSTOMER_USER:
        return None if step.customer else ConflictError(_staff_only_message(step.action))
    if user.role in step.staff:
        return None
    if user.role in ORDER_STAFF:
        return PermissionDenied(_("Only the branch manager or headquarters may do this."))
    return PermissionDenied(_("You may view orders but not change them."))


def _state_refusal(user: User, order: Order, step: Step) -> ConflictError | None:
    """Why the step cannot happen in the order's current state (None: it can)."""
    status = order.status
    if status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
        return ConflictError(
            _("Order %(number)s is %(status)s: nothing more can happen to it.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        )
    if status not in step.sources:
        names = ", ".join(str(OrderStatus(s).label).lower() for s in step.sources)
        return ConflictError(
            _("Order %(number)s is %(status)s; only an order that is %(allowed)s can be %(done)s.")
            % {
                "number": order.number,
                "status": order.get_status_display().lower(),
                "allowed": names,
                "done": str(OrderStatus(step.target).label).lower(),
            }
        )
    if (
        step.action == "cancel"
        and user.role == Role.CUSTOMER_USER
        and status != OrderStatus.SUBMITTED
    ):
        return ConflictError(
            _("Order %(number)s is %(status)s already; to cancel it now, ask your account manager.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        )
    if step.action == "allocate" and order.kind == OrderKind.MADE_TO_ORDER:
        custom = getattr(order, "custom_order", None)
        if custom is None or custom.status != CustomOrderStatus.PRODUCED:
            return ConflictError(
                _(
                    "Order %(number)s is made to order: it can be allocated once production "
                    "has finished."
                )
                % {"number": order.number}
            )
    return None


def _check_visible(user: User, order: Order) -> None:
    if not Order.objects.visible_to(user).filter(pk=order.pk).exists():
        raise Http404


def order_actions(*, user: User, order: Order) -> list[str]:
    """The steps the user may take on the order now (buttons, `allowed_actions`)."""
    if not user.is_authenticated or not user.is_active:
        return []
    allowed = []
    for step in STEPS.values():
        if _role_refusal(user, step) is None and _state_refusal(user, order, step) is None:
            allowed.append(step.action)
    return allowed


@transaction.atomic
def order_transition(
    *,
    user: User,
    order: Order,
    action: str,
    expected_version: int | None = None,
    reason: str = "",
    message: str = "",
) -> Order:
    """Take one step of the life-cycle (`action` in ACTIONS); see the module docstring for
    who may take which. `reason` is required to cancel; `message` adds a note to the
    timeline event."""
    step = STEPS.get(action)
    if step is None:
        raise ValidationError({"action": [_("Unknown action.")]})
    _check_visible(user, order)
    refusal = _role_refusal(user, step)
    if refusal is not None:
        raise refusal
    locked = lock_for_update(instance=order, expected_version=expected_version)
    conflict = _state_refusal(user, locked, step)
    if conflict is not None:
        raise conflict
    reason = (reason or "").strip()
    if action == "cancel" and not reason:
        raise ValidationError({"reason": [_("Say why the order is cancelled.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most 500 characters.")]})
    previous = locked.status
    if action == "ship":
        _ship_stock(user, locked)
    elif action == "cancel":
        _release_stock(user, locked)
        locked.cancel_reason = reason
    locked.status = step.target
    setattr(locked, step.stamp, timezone.now())
    locked.version += 1
    record_history_user(locked, user)
    locked.save()
    if action == "ship":
        from roots.finance.services import invoice_shipment

        invoice_shipment(order=locked, user=user)
    note = reason if action == "cancel" else (message or "").strip()[:2000]
    record_event(
        subject=locked,
        actor=user,
        from_status=previous,
        to_status=step.target,
        text=None if note else _event_text(locked, action),
        message=note,
    )
    return locked


def _event_text(order: Order, action: str) -> i18n_text.Text | None:
    if action == "allocate" and order.kind == OrderKind.STANDARD:
        places = (
            OrderAllocation.objects.filter(line__order=order)
            .order_by()
            .values_list("warehouse__name", flat=True)
            .distinct()
        )
        return texts.ALLOCATED(places=", ".join(sorted(places)))
    return None


def _allocated_stock(order: Order) -> list[tuple[StockLevel, int]]:
    """The order's allocations with their stock rows, locked in id order."""
    allocations = list(
        OrderAllocation.objects.filter(line__order=order).values_list(
            "warehouse_id", "line__sku_id", "quantity"
        )
    )
    if not allocations:
        return []
    pairs = Q()
    for warehouse_id, sku_id, _quantity in allocations:
        pairs |= Q(warehouse_id=warehouse_id, sku_id=sku_id)
    rows = {
        (s.warehouse_id, s.sku_id): s
        for s in StockLevel.objects.all_unscoped().select_for_update().filter(pairs).order_by("pk")
    }
    result = []
    for warehouse_id, sku_id, quantity in allocations:
        stock = rows.get((warehouse_id, sku_id))
        if stock is None:
            raise ConflictError(_("A warehouse of this order no longer stocks its product."))
        result.append((stock, quantity))
    return result


def _ship_stock(user: User, order: Order) -> None:
    """The reserved units leave the warehouses: on hand and reserved both go down."""
    if order.kind != OrderKind.STANDARD:
        return
    reason = _("Shipped for %(number)s") % {"number": order.number}
    for stock, quantity in _allocated_stock(order):
        _change_stock(stock, user=user, reason=reason, on_hand=-quantity, reserved=-quantity)


def _release_stock(user: User, order: Order) -> None:
    """A cancelled order's reservations are released."""
    if order.kind != OrderKind.STANDARD:
        return
    reason = _("Released by cancelling %(number)s") % {"number": order.number}
    for stock, quantity in _allocated_stock(order):
        _change_stock(stock, user=user, reason=reason, reserved=-min(quantity, stock.reserved))


def order_confirm(
    *, user: User, order: Order, expected_version: int | None = None, message: str = ""
) -> Order:
    """Accept a submitted order (the account manager, branch manager or headquarters)."""
    return order_transition(
        user=user, order=order, action="confirm", expected_version=expected_version,
        message=message,
    )  # fmt: skip


def order_allocate(
    *, user: User, order: Order, expected_version: int | None = None, message: str = ""
) -> Order:
    """Commit the reserved stock to a confirmed order (branch manager, headquarters); a
    made-to-order order once its production has finished."""
    return order_transition(
        user=user, order=order, action="allocate", expected_version=expected_version,
        message=message,
    )  # fmt: skip


def order_ship(
    *, user: User, order: Order, expected_version: int | None = None, message: str = ""
) -> Order:
    """Ship an allocated order: stock leaves the warehouses and finance invoices it."""
    return order_transition(
        user=user, order=order, action="ship", expected_version=expected_version,
        message=message,
    )  # fmt: skip


def order_deliver(
    *, user: User, order: Order, expected_version: int | None = None, message: str = ""
) -> Order:
    """Record that a shipped order arrived (the customer or our staff)."""
    return order_transition(
        user=user, order=order, action="deliver", expected_version=expected_version,
        message=message,
    )  # fmt: skip


def order_close(
    *, user: User, order: Order, expected_version: int | None = None, message: str = ""
) -> Order:
    """Close a delivered order (the account manager, branch manager or headquarters)."""
    return order_transition(
        user=user, order=order, action="close", expected_version=expected_version,
        message=message,
    )  # fmt: skip


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
