"""Demo orders for `seed_demo`: promotions, then standard orders over the six months before
the demo's "today" (`AS_OF`) in every status (mostly closed and delivered, recent ones still
open), with their lines priced as the services price them (channel price list or the
customer's own price, less the best promotion), stock allocations and timeline events.

Deterministic (every draw comes from the `DemoRandom` handed in) and fast: rows are written
with `bulk_create`, the haier scale's ~30,000 orders in well under a minute. Open orders
reserve their stock (within what is available) and stay within a share of the customer's
credit limit (an order that would not fit is left out: the service would have refused it).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from roots.catalog.demo import PromoRow, promotion_table, seed_promotions
from roots.catalog.models import (
    CustomerPrice,
    PriceListItem,
    Sku,
    StockLevel,
)
from roots.core.demo import save_rows
from roots.core.models import Sequence
from roots.core.search import build_search_text
from roots.customers.models import Customer, CustomerStatus, Outlet
from roots.org.demo.common import (
    AS_OF,
    DemoRandom,
    happened,
    not_after_now,
    own_timestamps,
)
from roots.org.demo.logins import demo_logins
from roots.org.models import Role, User

from .models import (
    EventKind,
    Order,
    OrderAllocation,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderStatus,
)

BATCH = 2000
CENT = Decimal("0.01")
ORDER_COUNTS = {"small": 400, "medium": 5_000, "haier": 30_000}
DAYS = 180
# Open orders of a customer stay within this share of its credit limit.
OPEN_CREDIT_SHARE = Decimal("0.35")
S = OrderStatus

CANCEL_REASONS = (
    "门店装修，暂缓进货",
    "客户重复下单",
    "型号调整，改订其他型号",
    "客户要求取消",
)
NOTES = (
    ("已电话确认送货时间", False),
    ("门店要求工作日上午送货", True),
    ("客户催货，优先安排", False),
    ("请提前一天通知卸货", True),
)


def _save(model: type[models.Model], objs: list[Any]) -> list[Any]:
    return save_rows(model, objs, batch_size=BATCH)


@functools.lru_cache(maxsize=50_000)
def _keys(part: str) -> str:
    return build_search_text(part)


def _search_text(*parts: str) -> str:
    """`build_search_text(*parts)`, with the pinyin of each customer and outlet name worked
    out once (30,000 orders name the same few thousand of them)."""
    keys = [k for part in parts if part for k in _keys(part).split("|")]
    return "|".join(dict.fromkeys(keys))[:500]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- orders --------------------------------------------------------------------------------
@dataclass
class _Buyer:
    customer: Customer
    outlets: list[Outlet]
    users: list[int]
    weight: float
    open_value: Decimal = Decimal("0.00")
    cap: Decimal = Decimal("0.00")


@dataclass
class _Stock:
    row: StockLevel
    province_id: int
    branch_id: int | None
    extra_reserved: int = 0

    @property
    def available(self) -> int:
        return self.row.on_hand - self.row.reserved - self.extra_reserved


@dataclass
class _Plan:
    order: Order
    lines: list[OrderLine] = field(default_factory=list)
    allocations: list[list[tuple[int, int]]] = field(default_factory=list)
    events: list[OrderEvent] = field(default_factory=list)


def _status_for(rng: DemoRandom, age: int) -> str:
    if age > 30:
        return rng.weighted((S.CLOSED, S.DELIVERED, S.CANCELLED), (80, 12, 8))
    if age > 14:
        return rng.weighted(
            (S.CLOSED, S.DELIVERED, S.SHIPPED, S.ALLOCATED, S.CANCELLED), (30, 35, 20, 7, 8)
        )
    if age > 5:
        return rng.weighted(
            (S.DELIVERED, S.SHIPPED, S.ALLOCATED, S.CONFIRMED, S.CANCELLED), (20, 35, 20, 15, 10)
        )
    return rng.weighted(
        (S.SUBMITTED, S.CONFIRMED, S.ALLOCATED, S.SHIPPED, S.CANCELLED), (35, 30, 20, 10, 5)
    )


FLOW = (S.SUBMITTED, S.CONFIRMED, S.ALLOCATED, S.SHIPPED, S.DELIVERED, S.CLOSED)
STAMPS = {
    S.CONFIRMED: "confirmed_at",
    S.ALLOCATED: "allocated_at",
    S.SHIPPED: "shipped_at",
    S.DELIVERED: "delivered_at",
    S.CLOSED: "closed_at",
}
# Hours from one step to the next (low, high).
STEP_HOURS = {
    S.CONFIRMED: (1, 30),
    S.ALLOCATED: (4, 48),
    S.SHIPPED: (12, 72),
    S.DELIVERED: (24, 120),
    S.CLOSED: (48, 360),
}


class _Staff:
    """Who takes each step for a customer: its account manager, the branch manager, hq."""

    def __init__(self) -> None:
        users = User.objects.filter(is_active=True, role__in=(Role.BRANCH_MANAGER, Role.HQ_ADMIN))
        self.branch_managers: dict[int, int] = {}
        self.hq: int | None = None
        for user in users.order_by("username"):
            if user.role == Role.BRANCH_MANAGER and user.branch_id:
                self.branch_managers.setdefault(user.branch_id, user.pk)
            elif user.role == Role.HQ_ADMIN and self.hq is None:
                self.hq = user.pk

    def seller(self, customer: Customer) -> int | None:
        return (
            customer.account_manager_id or self.branch_managers.get(customer.branch_id) or self.hq
        )

    def fulfiller(self, customer: Customer) -> int | None:
        return self.branch_managers.get(customer.branch_id) or self.hq


def seed_orders(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo promotions and orders of a scale (small, medium, haier); answers
    counts by table. Orders that exist already are kept (nothing is added)."""
    if Order.objects.all_unscoped().exists():
        return {}
    promotions = seed_promotions()
    buyers = _buyers()
    if not buyers:
        return {"promotions": len(promotions)}
    generator = _Generator(rng, buyers)
    plans = generator.plan(ORDER_COUNTS.get(scale, ORDER_COUNTS["small"]))
    counts = _write(plans, generator)
    counts["promotions"] = len(promotions)
    return counts


def _buyers() -> list[_Buyer]:
    outlets: dict[int, list[Outlet]] = {}
    for outlet in Outlet.objects.all_unscoped().filter(is_active=True).order_by("code"):
        outlets.setdefault(outlet.customer_id, []).append(outlet)
    users: dict[int, list[int]] = {}
    for user_id, customer_id in (
        User.objects.filter(role=Role.CUSTOMER_USER, is_active=True)
        .order_by("username")
        .values_list("pk", "customer_id")
    ):
        users.setdefault(customer_id, []).append(user_id)
    buyers = []
    for customer in (
        Customer.objects.all_unscoped()
        .filter(status__in=(CustomerStatus.ACTIVE, CustomerStatus.SUSPENDED), credit_limit__gt=0)
        .order_by("code")
    ):
        if customer.pk not in outlets:
            continue
        limit = customer.credit_limit
        buyers.append(
            _Buyer(
                customer=customer,
                outlets=outlets[customer.pk],
                users=users.get(customer.pk, []),
                weight=float(limit) ** 0.5 * (2.0 if customer.is_key_account else 1.0),
                cap=_money(limit * OPEN_CREDIT_SHARE),
            )
        )
    return buyers


class _Generator:
    """Plans every order in memory (prices, promotions, stock, credit), then `_write`
    saves them in bulk."""

    def __init__(self, rng: DemoRandom, buyers: list[_Buyer]) -> None:
        self.rng = rng
        self.buyers = buyers
        self.cum_weights = list(itertools.accumulate(b.weight for b in buyers))
        self.staff = _Staff()
        self.promotions = promotion_table()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        stock_rows = list(
            StockLevel.objects.all_unscoped()
            .filter(warehouse__is_active=True, sku__is_active=True)
            .select_related("warehouse")
            .order_by("pk")
        )
        self.stock: dict[int, list[_Stock]] = {}
        for row in stock_rows:
            self.stock.setdefault(row.sku_id, []).append(
                _Stock(row, row.warehouse.province_id, row.warehouse.branch_id)
            )
        self.stock_by_pk = {s.row.pk: s for rows in self.stock.values() for s in rows}
        self.skus = {
            s.pk: s
            for s in Sku.objects.all_unscoped()
            .filter(pk__in=self.stock)
            .select_related("product_model")
        }
        self.sku_ids = sorted(self.skus)
        self.category = {pk: s.product_model.category_id for pk, s in self.skus.items()}
        self.channel_prices: dict[tuple[str, int], Decimal] = {}
        for channel, sku_id, price in (
            PriceListItem.objects.all_unscoped()
            .filter(sku_id__in=self.skus)
            .order_by("price_list__valid_from", "price_list_id")
            .values_list("price_list__channel_type", "sku_id", "price")
        ):
            self.channel_prices[(channel, sku_id)] = price
        self.own_prices: dict[tuple[int, int], list[tuple[date, date | None, Decimal]]] = {}
        for customer_id, sku_id, start, end, price in (
            CustomerPrice.objects.all_unscoped()
            .filter(sku_id__in=self.skus)
            .order_by("valid_from", "pk")
            .values_list("customer_id", "sku_id", "valid_from", "valid_to", "price")
        ):
            self.own_prices.setdefault((customer_id, sku_id), []).append((start, end, price))

    # -- pricing
    def price(self, customer: Customer, sku: Sku, day: date) -> Decimal:
        price = self.channel_prices.get((customer.channel_type, sku.pk), sku.list_price)
        for start, end, own in self.own_prices.get((customer.pk, sku.pk), ()):
            if start <= day and (end is None or end >= day):
                price = own
        return Decimal(price)

    def promotion(self, customer: Customer, sku_id: int, day: date) -> PromoRow | None:
        for promo in self.promotions:
            if not promo.start <= day <= promo.end:
                continue
            if promo.channels and customer.channel_type not in promo.channels:
                continue
            if promo.categories and self.category[sku_id] not in promo.categories:
                continue
            return promo
        return None

    def when(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour, self.rng.between(0, 59)), tzinfo=self.tz)

    # -- planning
    def plan(self, count: int) -> list[_Plan]:
        start = AS_OF - timedelta(days=DAYS)
        # The end of the demo's working day, or the moment of seeding when that comes first:
        # an order or a step laid out later has not happened yet.
        end_of_day = not_after_now(datetime.combine(AS_OF, time(18, 0), tzinfo=self.tz))
        drafts = []
        # One weighted draw for all the orders (a draw per order would sum the weights of
        # every customer each time).
        chosen = self.rng.rng.choices(self.buyers, cum_weights=self.cum_weights, k=count)
        for buyer in chosen:
            day = self.rng.date_between(start, AS_OF)
            drafts.append((self.when(day, self.rng.between(8, 20)), buyer))
        drafts.sort(key=lambda d: (d[0], d[1].customer.code))
        plans = []
        for submitted, buyer in drafts:
            if not happened(submitted):  # to be placed later today
                continue
            plan = self._plan_one(submitted, buyer, end_of_day)
            if plan is not None:
                plans.append(plan)
        plans += self._waiting(plans, end_of_day)
        plans.sort(key=lambda p: p.order.submitted_at or end_of_day)
        for number, plan in enumerate(plans, start=1):
            order = plan.order
            order.number = f"SO{number:08d}"
            order.search_text = _search_text(
                order.number, order.customer_reference, order.customer.name, order.outlet.name
            )
        return plans

    def _waiting(self, plans: list[_Plan], end_of_day: datetime) -> list[_Plan]:
        """The README's branch and account managers each find an order to confirm on the
        desk: when none of their customers' orders is still submitted, one of them submits
        one in the hours before the moment of seeding."""
        logins = [
            login.username
            for login in demo_logins()
            if login.role in (Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER)
        ]
        made: list[_Plan] = []
        for user in User.objects.filter(username__in=logins).order_by("pk"):

            def mine(customer: Customer, user: User = user) -> bool:
                if user.role == Role.ACCOUNT_MANAGER:
                    return customer.account_manager_id == user.pk
                return customer.branch_id == user.branch_id

            if any(p.order.status == S.SUBMITTED and mine(p.order.customer) for p in plans + made):
                continue
            buyers = [
                b
                for b in self.buyers
                if mine(b.customer) and b.customer.status == CustomerStatus.ACTIVE
            ]
            for buyer in buyers[:10]:
                submitted = end_of_day - timedelta(minutes=self.rng.between(20, 300))
                plan = self._plan_one(submitted, buyer, end_of_day, status=S.SUBMITTED)
                if plan is not None:
                    made.append(plan)
                    break
        return made

    def _plan_one(
        self,
        submitted: datetime,
        buyer: _Buyer,
        end_of_day: datetime,
        status: str | None = None,
    ) -> _Plan | None:
        rng = self.rng
        customer = buyer.customer
        age = (AS_OF - submitted.date()).days
        status = status or _status_for(rng, age)
        if customer.status != CustomerStatus.ACTIVE and status not in (S.CLOSED, S.CANCELLED):
            status = S.CLOSED
        outlet = rng.choice(buyer.outlets)
        day = submitted.date()
        lines = rng.weighted((1, 2, 3, 4, 5), (30, 30, 20, 12, 8))
        chosen = rng.rng.sample(self.sku_ids, min(lines, len(self.sku_ids)))
        placed_by = rng.choice(buyer.users) if buyer.users and rng.chance(0.7) else None
        placed_by = placed_by or self.staff.seller(customer)
        order = Order(
            number="",
            kind=OrderKind.STANDARD,
            customer=customer,
            outlet=outlet,
            status=status,
            placed_by_id=placed_by,
            customer_reference=f"PO{day:%y%m}{rng.digits(4)}" if rng.chance(0.5) else "",
            requested_date=day + timedelta(days=rng.between(3, 14)) if rng.chance(0.6) else None,
            submitted_at=submitted,
            created_at=submitted,
        )
        plan = _Plan(order)
        # The steps first: a step that would fall after the demo's "today" has not happened,
        # so the order may still be open, and only then is it known whether it holds stock.
        self._steps(plan, status, submitted, end_of_day)
        opens = order.status in (S.SUBMITTED, S.CONFIRMED, S.ALLOCATED)
        subtotal = discount_total = Decimal("0.00")
        for sku_id in chosen:
            sku = self.skus[sku_id]
            quantity = max(1, int(rng.lognormal(6, 0.8)))
            unit = self.price(customer, sku, day)
            promo = self.promotion(customer, sku_id, day)
            picks = self._allocate(sku_id, quantity, outlet, customer, reserve=opens)
            if opens and not picks:
                continue
            quantity = sum(q for _pk, q in picks) if picks else quantity
            gross = _money(unit * quantity)
            discount = _money(gross * promo.percent / 100) if promo else Decimal("0.00")
            plan.lines.append(
                OrderLine(
                    line_no=len(plan.lines) + 1,
                    sku_id=sku_id,
                    description=sku.name,
                    quantity=quantity,
                    list_price=sku.list_price,
                    unit_price=unit,
                    discount=discount,
                    line_total=gross - discount,
                    promotion_id=promo.pk if promo else None,
                )
            )
            plan.allocations.append(picks)
            subtotal += gross
            discount_total += discount
        if not plan.lines:
            return None
        order.subtotal, order.discount_total = subtotal, discount_total
        order.total = subtotal - discount_total
        if opens:
            if buyer.open_value + order.total > buyer.cap:
                # The service would have refused it for lack of credit: no such order.
                self._release(plan)
                return None
            buyer.open_value += order.total
        return plan

    def _allocate(
        self, sku_id: int, quantity: int, outlet: Outlet, customer: Customer, *, reserve: bool
    ) -> list[tuple[int, int]]:
        """Warehouses for a line, as the service picks them; an open order reserves (and may
        get less than it asked for), a past order simply shipped from there."""
        rows = self.stock.get(sku_id, [])

        def rank(s: _Stock) -> tuple[int, int]:
            if s.province_id == outlet.province_id:
                return (0, -s.available)
            if s.branch_id is not None and s.branch_id == customer.branch_id:
                return (1, -s.available)
            return (2, -s.available)

        picks: list[tuple[int, int]] = []
        remaining = quantity
        for stock in sorted(rows, key=rank):
            take = min(remaining, stock.available) if reserve else remaining
            if take <= 0:
                continue
            if reserve:
                stock.extra_reserved += take
            picks.append((stock.row.pk, take))
            remaining -= take
            if remaining == 0:
                break
        return picks

    def _release(self, plan: _Plan) -> None:
        by_pk = self.stock_by_pk
        for picks in plan.allocations:
            for stock_pk, quantity in picks:
                by_pk[stock_pk].extra_reserved -= quantity

    def _steps(self, plan: _Plan, status: str, submitted: datetime, end: datetime) -> None:
        order, rng = plan.order, self.rng
        customer = order.customer
        self._event(plan, "", S.SUBMITTED, submitted, order.placed_by_id)
        previous, at = S.SUBMITTED, submitted
        target = FLOW.index(status) if status in FLOW else rng.between(0, 2)
        for step in FLOW[1 : target + 1]:
            low, high = STEP_HOURS[step]
            at = at + timedelta(hours=rng.between(low, high))
            if at > end:  # the demo's "today" came first: the order is still at `previous`
                order.status = previous
                break
            setattr(order, STAMPS[step], at)
            if step in (S.ALLOCATED, S.SHIPPED):
                actor = self.staff.fulfiller(customer)
            elif step == S.DELIVERED and plan.order.placed_by_id and rng.chance(0.5):
                actor = plan.order.placed_by_id
            else:
                actor = self.staff.seller(customer)
            self._event(plan, previous, step, at, actor)
            previous = step
            if step == S.CONFIRMED and rng.chance(0.12):
                text, visible = rng.choice(NOTES)
                note_at = at + timedelta(minutes=rng.between(5, 600))
                if note_at <= end:
                    self._event(plan, step, step, note_at, actor, text, visible, EventKind.NOTE)
        if status == S.CANCELLED:
            at = min(at + timedelta(hours=rng.between(2, 48)), end)
            reason = rng.choice(CANCEL_REASONS)
            order.status = S.CANCELLED
            order.cancelled_at = at
            order.cancel_reason = reason
            self._event(plan, previous, S.CANCELLED, at, self.staff.seller(customer), reason)
        order.updated_at = plan.events[-1].created_at

    def _event(
        self,
        plan: _Plan,
        source: str,
        target: str,
        at: datetime,
        actor: int | None,
        message: str = "",
        visible: bool = True,
        kind: str = EventKind.STATUS,
    ) -> None:
        plan.events.append(
            OrderEvent(
                customer_id=plan.order.customer_id,
                kind=kind,
                from_status=source,
                to_status=target,
                actor_id=actor,
                message=message,
                visible_to_customer=visible,
                created_at=at,
                updated_at=at,
            )
        )


def _write(plans: list[_Plan], generator: _Generator) -> dict[str, int]:
    with own_timestamps(Order, OrderEvent):
        orders = _save(Order, [p.order for p in plans])
        for plan, order in zip(plans, orders, strict=True):
            for line in plan.lines:
                line.order = order
            for event in plan.events:
                event.order = order
        lines = OrderLine.objects.bulk_create(
            [line for p in plans for line in p.lines], batch_size=BATCH
        )
        OrderEvent.objects.bulk_create([e for p in plans for e in p.events], batch_size=BATCH)
    stock_by_pk = generator.stock_by_pk
    allocations: list[OrderAllocation] = []
    line_iter = iter(lines)
    for plan in plans:
        for picks in plan.allocations:
            line = next(line_iter)
            merged: dict[int, int] = {}
            for stock_pk, quantity in picks:
                warehouse_id = stock_by_pk[stock_pk].row.warehouse_id
                merged[warehouse_id] = merged.get(warehouse_id, 0) + quantity
            allocations.extend(
                OrderAllocation(line=line, warehouse_id=wh, quantity=q) for wh, q in merged.items()
            )
    OrderAllocation.objects.bulk_create(allocations, batch_size=BATCH)
    # Open orders hold their reservations.
    touched = []
    for stock in stock_by_pk.values():
        if stock.extra_reserved > 0:
            stock.row.reserved += stock.extra_reserved
            touched.append(stock.row)
    StockLevel.objects.bulk_update(touched, ["reserved"], batch_size=BATCH)
    seq, _created = Sequence.objects.get_or_create(name="order")
    last = max((int(o.number[2:]) for o in orders), default=0)
    if seq.last_value < last:
        seq.last_value = last
        seq.save(update_fields=["last_value"])
    return {
        "orders": len(orders),
        "order_lines": len(lines),
        "order_allocations": len(allocations),
        "order_events": sum(len(p.events) for p in plans),
    }
