"""Reads of the sell-through feed as inventory (进销存): stock position, days of cover,
sell-through rate and stock alerts, always through the user's scope.

Definitions (docs/inventory.md has them with a worked example):

- The window at day D is the `WINDOW_DAYS` days ending D (D − 27 … D).
- Stock position at D, per outlet × SKU: the latest row with a date in the window (older
  reports are stale and not shown): its stock_units, stock_units × unit_cost, its date.
- Average daily sales at D = Σ units_sold over the window / `WINDOW_DAYS`.
- Days of cover = stock_units / average daily sales (None when nothing sold: "no sales").
- Sell-through rate over [from, to] = units sold / (opening stock + units received), where
  the opening stock of each outlet × SKU is its first row's stock_units − units_received +
  units_sold in the period; None when that denominator is not positive.
- Alerts at D: `stock_out` when daily sales > 0 and cover < `STOCK_OUT_DAYS` (zero stock
  included); `overstock` when cover > `OVERSTOCK_DAYS`, or stock > 0 with no sales.

How it stays fast: the scoped, filtered feed rows (an ORM queryset starting from
`SellThrough.objects.visible_to(user)`) are grouped per outlet × SKU in SQL (Σ sold, latest
or first date), and only then joined back to the one row of that date (the unique key
outlet × date × SKU) and to the names: a hash aggregate over the window plus one index probe
per pair, whatever the number of rows; sorting, filtering and paging happen on the pairs in
SQL. The ORM cannot join a grouped subquery, so the outer query is SQL composed around the
ORM's compiled inner query (`_Composed`); it runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from roots.catalog.models import Sku
from roots.customers.models import Customer, Outlet
from roots.org.models import Role
from roots.sellthrough.models import SellThrough

if TYPE_CHECKING:
    from roots.org.models import User

WINDOW_DAYS = 28
STOCK_OUT_DAYS = 7
OVERSTOCK_DAYS = 60
STOCK_OUT = "stock_out"
OVERSTOCK = "overstock"
HEALTHY = "healthy"
ALERT_KINDS = (STOCK_OUT, OVERSTOCK)
STATUSES = (STOCK_OUT, HEALTHY, OVERSTOCK)
# Sort keys of the stock table (API `ordering`, the page's `sort`); "-" sorts descending.
STOCK_ORDERINGS = ("customer", "outlet", "sku", "stock", "value", "daily_sales", "cover", "date")
# Groups of the sell-through rate and their sort keys.
RATE_GROUPS = ("outlet", "sku", "customer", "outlet_sku")
RATE_ORDERINGS = ("name", "opening", "received", "sold", "revenue", "rate")

_CENTS = Decimal("0.01")
_COVER_PLACES = Decimal("0.1")
_RATE_PLACES = Decimal("0.0001")


def today() -> datetime.date:
    """Today in the project's time zone (settings.TIME_ZONE), whatever zone is active."""
    return timezone.localdate(timezone.now(), ZoneInfo(settings.TIME_ZONE))


def window_start(as_of: datetime.date) -> datetime.date:
    """The first day of the window ending `as_of` (`WINDOW_DAYS` days, both ends counted)."""
    return as_of - datetime.timedelta(days=WINDOW_DAYS - 1)


def daily_sales_of(sold_in_window: int) -> Decimal:
    """Average daily sales from the window's units sold (2 places)."""
    return (Decimal(sold_in_window) / WINDOW_DAYS).quantize(_CENTS, ROUND_HALF_UP)


def cover_of(stock_units: int, sold_in_window: int) -> Decimal | None:
    """Days of cover (1 place): stock / (sold / WINDOW_DAYS); None when nothing was sold."""
    if sold_in_window <= 0:
        return None
    return (Decimal(stock_units) * WINDOW_DAYS / sold_in_window).quantize(
        _COVER_PLACES, ROUND_HALF_UP
    )


def status_of(stock_units: int, sold_in_window: int) -> str:
    """`stock_out`, `overstock` or `healthy`, by exact whole-number comparisons (no rounding):
    cover < 7 ⇔ stock × 28 < sold × 7; cover > 60 ⇔ stock × 28 > sold × 60. With no sales
    the first never holds and the second is "stock > 0"."""
    if stock_units * WINDOW_DAYS < sold_in_window * STOCK_OUT_DAYS:
        return STOCK_OUT
    if stock_units * WINDOW_DAYS > sold_in_window * OVERSTOCK_DAYS:
        return OVERSTOCK
    return HEALTHY


def rate_of(units_sold: int, opening_stock: int, units_received: int) -> Decimal | None:
    """units sold / (opening stock + units received), 4 places; None when that is ≤ 0."""
    available = opening_stock + units_received
    if available <= 0:
        return None
    return (Decimal(units_sold) / available).quantize(_RATE_PLACES, ROUND_HALF_UP)


# Who works with customers' inventory: the staff who sell and analyse, and the customers'
# own users (their company only). Call agents, engineers and suppliers do not (403).
INVENTORY_ROLES = frozenset(
    {
        Role.HQ_ADMIN,
        Role.BRANCH_MANAGER,
        Role.ACCOUNT_MANAGER,
        Role.PRODUCT_MANAGER,
        Role.CUSTOMER_USER,
    }
)


def may_view_inventory(user: User) -> bool:
    """Whether the user's role works with sell-through and inventory at all."""
    return bool(user.is_authenticated and user.is_active and user.role in INVENTORY_ROLES)


def inventory_customer(*, user: User, code: str) -> Customer:
    """The customer of that code in the user's scope; Http404 if unknown or out of scope."""
    found = Customer.objects.visible_to(user).filter(code=code).first() if code else None
    if found is None:
        raise Http404
    return found


def inventory_outlet(*, user: User, code: str) -> Outlet:
    """The outlet of that code in the user's scope; Http404 if unknown or out of scope."""
    found = Outlet.objects.visible_to(user).filter(code=code).first() if code else None
    if found is None:
        raise Http404
    return found


def inventory_sku(*, user: User, code: str) -> Sku | None:
    """The SKU of that code (the catalog is not scoped by customer); None if unknown."""
    return Sku.objects.visible_to(user).filter(code=code).first() if code else None


def inventory_customer_choices(*, user: User) -> QuerySet[Customer]:
    """The customers a filter offers: those in the user's scope, by code."""
    return Customer.objects.visible_to(user).only("id", "code", "name").order_by("code")


def inventory_outlet_choices(*, user: User, customer: Customer) -> QuerySet[Outlet]:
    """The outlets of one customer in the user's scope, by code."""
    return (
        Outlet.objects.visible_to(user)
        .filter(customer=customer)
        .only("id", "code", "name", "customer_id")
        .order_by("code")
    )


# --- values as the database answers them ---------------------------------------------------------
def _decimal(value: Any) -> Decimal:
    """A sum or a money column: SQLite answers floats (or ints), PostgreSQL Decimals."""
    if value is None:
        return Decimal(0).quantize(_CENTS)
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(_CENTS, ROUND_HALF_UP)


def _date(value: Any) -> datetime.date:
    if isinstance(value, str):  # SQLite
        return datetime.date.fromisoformat(value[:10])
    assert isinstance(value, datetime.date)
    return value


# --- the scoped feed rows -------------------------------------------------------------------------
def _feed_rows(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    customer: Customer | None = None,
    outlet: Outlet | None = None,
    sku: Sku | None = None,
    search: str | None = None,
) -> QuerySet[SellThrough]:
    """The feed rows of the user's scope in [date_from, date_to] with the filters:
    `search` matches the SKU's code or name and its category's code or name."""
    rows = SellThrough.objects.visible_to(user).filter(date__gte=date_from, date__lte=date_to)
    if customer is not None:
        rows = rows.filter(customer=customer)
    if outlet is not None:
        rows = rows.filter(outlet=outlet)
    if sku is not None:
        rows = rows.filter(sku=sku)
    if search:
        rows = rows.filter(
            Q(sku__code__icontains=search)
            | Q(sku__name__icontains=search)
            | Q(sku__product_model__category__code__icontains=search)
            | Q(sku__product_model__category__name__icontains=search)
            | Q(sku__product_model__category__name_en__icontains=search)
        )
    return rows


def _compiled(
    rows: QuerySet[SellThrough], shape: Callable[[QuerySet[SellThrough]], QuerySet[Any]]
) -> tuple[str, list[Any]]:
    """SQL and parameters of `shape(rows)` (grouped per outlet × SKU) to select from. A scope
    that is empty by definition (`pk__in=[]`) compiles to no SQL at all: then the same shape
    over a condition no row meets, so that the outer query still has its columns."""
    try:
        grouped = shape(rows.order_by())
        sql, params = grouped.query.get_compiler(using=grouped.db).as_sql()
    except EmptyResultSet:
        grouped = shape(SellThrough.objects.filter(pk__lt=0))
        sql, params = grouped.query.get_compiler(using=grouped.db).as_sql()
    return sql, list(params)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


_FEED = _q(SellThrough._meta.db_table)
_CUSTOMER = _q(Customer._meta.db_table)
_OUTLET = _q(Outlet._meta.db_table)
_SKU = _q(Sku._meta.db_table)


@dataclass(frozen=True)
class _Composed:
    """A SELECT composed around the ORM's compiled subquery: `select`, `body` (FROM …
    WHERE … GROUP BY), `order` (ORDER BY terms); counted and paged in SQL."""

    select: str
    body: str
    params: tuple[Any, ...]
    order: str

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 AS one {self.body}) counted", self.params
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def rows(self, offset: int = 0, limit: int | None = None) -> list[tuple[Any, ...]]:
        sql = f"SELECT {self.select} {self.body} ORDER BY {self.order}"
        params: list[Any] = list(self.params)
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        elif offset:
            sql += " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
            params.append(offset)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())


class _LazyPage:
    """A lazy, sliceable list for Django's and DRF's paginators: counting and slicing run in
    SQL, only the asked rows become objects. Iterating reads every row (exports)."""

    def __init__(self, composed: _Composed, make: Any) -> None:
        self.composed = composed
        self.make = make
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.composed.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            start = key.start or 0
            if key.step not in (None, 1) or start < 0 or (key.stop is not None and key.stop < 0):
                raise ValueError("Only forward slices are supported.")
            limit = None if key.stop is None else max(key.stop - start, 0)
            return [self.make(row) for row in self.composed.rows(start, limit)]
        if key < 0:
            raise IndexError(key)
        found = self.composed.rows(key, 1)
        if not found:
            raise IndexError(key)
        return self.make(found[0])

    def __iter__(self) -> Iterator[Any]:
        return (self.make(row) for row in self.composed.rows())


# --- stock position ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StockPosition:
    """One outlet × SKU's stock at a day, from its latest report in the window."""

    customer_id: int
    customer_code: str
    customer_name: str
    outlet_id: int
    outlet_code: str
    outlet_name: str
    sku_id: int
    sku_code: str
    sku_name: str
    stock_units: int
    unit_cost: Decimal
    stock_value: Decimal
    sold_in_window: int
    daily_sales: Decimal
    days_of_cover: Decimal | None
    status: str
    reported_on: datetime.date


# The columns of a position row, in the order `_position_of` reads them.
_POSITION_SELECT = (
    "st.customer_id, c.code, c.name, st.outlet_id, o.code, o.name, st.sku_id, k.code, k.name, "
    "st.stock_units, st.unit_cost, agg.sold, st.date"
)
_STOCK_X = f"st.stock_units * {WINDOW_DAYS}"
_STOCK_OUT_SQL = f"{_STOCK_X} < agg.sold * {STOCK_OUT_DAYS}"
_OVERSTOCK_SQL = f"{_STOCK_X} > agg.sold * {OVERSTOCK_DAYS}"
_HEALTHY_SQL = f"NOT ({_STOCK_OUT_SQL}) AND NOT ({_OVERSTOCK_SQL})"
_STATUS_SQL = {STOCK_OUT: _STOCK_OUT_SQL, OVERSTOCK: _OVERSTOCK_SQL, HEALTHY: _HEALTHY_SQL}
_COVER_SQL = f"(CASE WHEN agg.sold > 0 THEN {_STOCK_X} * 1.0 / agg.sold END)"
_STOCK_SORT_SQL = {
    "customer": "c.code",
    "outlet": "o.code",
    "sku": "k.code",
    "stock": "st.stock_units",
    "value": "st.stock_units * st.unit_cost",
    "daily_sales": "agg.sold",
    "cover": _COVER_SQL,
    "date": "st.date",
}
_TIE_BREAK = "c.code, o.code, k.code"


def _position_of(row: Sequence[Any]) -> StockPosition:
    stock, cost, sold = int(row[9]), _decimal(row[10]), int(row[11] or 0)
    return StockPosition(
        customer_id=row[0],
        customer_code=row[1],
        customer_name=row[2],
        outlet_id=row[3],
        outlet_code=row[4],
        outlet_name=row[5],
        sku_id=row[6],
        sku_code=row[7],
        sku_name=row[8],
        stock_units=stock,
        unit_cost=cost,
        stock_value=(stock * cost).quantize(_CENTS),
        sold_in_window=sold,
        daily_sales=daily_sales_of(sold),
        days_of_cover=cover_of(stock, sold),
        status=status_of(stock, sold),
        reported_on=_date(row[12]),
    )


def _positions(
    *,
    user: User,
    as_of: datetime.date,
    customer: Customer | None,
    outlet: Outlet | None,
    sku: Sku | None,
    search: str | None,
    where: str | None,
    order: str,
    select: str = _POSITION_SELECT,
) -> _Composed:
    """The latest row of each outlet × SKU in the window ending `as_of` (`st`), its window's
    units sold (`agg.sold`) and the names (`c`, `o`, `k`)."""
    rows = _feed_rows(
        user=user,
        date_from=window_start(as_of),
        date_to=as_of,
        customer=customer,
        outlet=outlet,
        sku=sku,
        search=search,
    )
    inner, params = _compiled(
        rows,
        lambda r: r.values("outlet_id", "sku_id").annotate(
            last_date=Max("date"), sold=Sum("units_sold")
        ),
    )
    body = (
        f"FROM ({inner}) agg "
        f"INNER JOIN {_FEED} st ON st.outlet_id = agg.outlet_id AND st.sku_id = agg.sku_id "
        "AND st.date = agg.last_date "
        f"INNER JOIN {_CUSTOMER} c ON c.id = st.customer_id "
        f"INNER JOIN {_OUTLET} o ON o.id = st.outlet_id "
        f"INNER JOIN {_SKU} k ON k.id = st.sku_id"
    )
    if where:
        body += f" WHERE {where}"
    return _Composed(select=select, body=body, params=tuple(params), order=order)


def _order_sql(expression: str, descending: bool, *, nulls_largest: bool = True) -> str:
    """ORDER BY terms with the same NULL placement on both databases: NULL as the largest
    value (no sales: endless cover), or else always last (no rate: nothing to sell)."""
    nulls_first = descending and nulls_largest
    direction = "DESC" if descending else "ASC"
    return f"({expression} IS NULL) {'DESC' if nulls_first else 'ASC'}, {expression} {direction}"


def _stock_order(ordering: str | None) -> str:
    key = (ordering or "").strip()
    descending = key.startswith("-")
    key = key.lstrip("-")
    if key not in _STOCK_SORT_SQL:
        return _TIE_BREAK
    return f"{_order_sql(_STOCK_SORT_SQL[key], descending)}, {_TIE_BREAK}"


def stock_position_list(
    *,
    user: User,
    as_of: datetime.date | None = None,
    customer: Customer | None = None,
    outlet: Outlet | None = None,
    sku: Sku | None = None,
    search: str | None = None,
    status: str | None = None,
    ordering: str | None = None,
) -> _LazyPage:
    """Stock position at `as_of` (default today) per outlet × SKU in the user's scope,
    filtered (`status` one of STATUSES) and sorted (`STOCK_ORDERINGS`, "-" descending;
    default customer, outlet, SKU): a lazy list of `StockPosition`s; slice it to page."""
    composed = _positions(
        user=user,
        as_of=as_of or today(),
        customer=customer,
        outlet=outlet,
        sku=sku,
        search=search,
        where=_STATUS_SQL.get(status or ""),
        order=_stock_order(ordering),
    )
    return _LazyPage(composed, _position_of)


@dataclass(frozen=True)
class StockTotals:
    """Headline numbers of a stock position: pairs, units, value at cost, alert counts."""

    positions: int
    stock_units: int
    stock_value: Decimal
    stock_outs: int
    overstocks: int


def stock_totals(
    *,
    user: User,
    as_of: datetime.date | None = None,
    customer: Customer | None = None,
    outlet: Outlet | None = None,
    sku: Sku | None = None,
    search: str | None = None,
) -> StockTotals:
    """Totals over the same positions as `stock_position_list` (one query)."""
    composed = _positions(
        user=user,
        as_of=as_of or today(),
        customer=customer,
        outlet=outlet,
        sku=sku,
        search=search,
        where=None,
        order="",
    )
    sql = (
        "SELECT COUNT(*), SUM(st.stock_units), SUM(st.stock_units * st.unit_cost), "
        f"SUM(CASE WHEN {_STOCK_OUT_SQL} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {_OVERSTOCK_SQL} THEN 1 ELSE 0 END) {composed.body}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, composed.params)
        row = cursor.fetchone() or (0, 0, 0, 0, 0)
    return StockTotals(
        positions=int(row[0] or 0),
        stock_units=int(row[1] or 0),
        stock_value=_decimal(row[2]),
        stock_outs=int(row[3] or 0),
        overstocks=int(row[4] or 0),
    )


# --- alerts: the contract the daily board (helper D) codes against ------------------------------
@dataclass(frozen=True)
class StockAlert:
    """An outlet × SKU whose stock runs out within a week, or is far too much."""

    kind: str  # "stock_out" | "overstock"
    customer_id: int
    customer_code: str
    customer_name: str
    outlet_id: int
    outlet_code: str
    outlet_name: str
    sku_id: int
    sku_code: str
    sku_name: str
    stock_units: int
    daily_sales: Decimal
    days_of_cover: Decimal | None
    reported_on: datetime.date


def _alert_of(row: Sequence[Any]) -> StockAlert:
    position = _position_of(row)
    return StockAlert(
        kind=position.status,
        customer_id=position.customer_id,
        customer_code=position.customer_code,
        customer_name=position.customer_name,
        outlet_id=position.outlet_id,
        outlet_code=position.outlet_code,
        outlet_name=position.outlet_name,
        sku_id=position.sku_id,
        sku_code=position.sku_code,
        sku_name=position.sku_name,
        stock_units=position.stock_units,
        daily_sales=position.daily_sales,
        days_of_cover=position.days_of_cover,
        reported_on=position.reported_on,
    )


# Alert order: stock-outs first, least cover first (zero stock first, then fastest sellers of
# equal cover); then overstock, worst first: no sales at all (most stock first), then most
# cover first.
_ALERT_ORDER = (
    f"CASE WHEN {_STOCK_OUT_SQL} THEN 0 WHEN agg.sold = 0 THEN 1 ELSE 2 END, "
    f"CASE WHEN {_STOCK_OUT_SQL} THEN {_COVER_SQL} ELSE -{_COVER_SQL} END, "
    f"agg.sold DESC, st.stock_units DESC, {_TIE_BREAK}"
)


def stock_alert_list(
    *,
    user: User,
    as_of: datetime.date | None = None,
    kind: str | None = None,
    customer: Customer | None = None,
    outlet: Outlet | None = None,
    sku: Sku | None = None,
    search: str | None = None,
) -> _LazyPage:
    """Stock alerts as a lazy list of `StockAlert`s in alert order, for paged pages and API."""
    where = _STATUS_SQL[kind] if kind in ALERT_KINDS else f"({_STOCK_OUT_SQL} OR {_OVERSTOCK_SQL})"
    composed = _positions(
        user=user,
        as_of=as_of or today(),
        customer=customer,
        outlet=outlet,
        sku=sku,
        search=search,
        where=where,
        order=_ALERT_ORDER,
    )
    return _LazyPage(composed, _alert_of)


def stock_alerts(
    *,
    user: User,
    as_of: datetime.date | None = None,
    kind: str | None = None,
    customer: Customer | None = None,
    limit: int | None = None,
) -> list[StockAlert]:
    """Stock alerts at `as_of` (default: today in settings.TIME_ZONE) in the user's scope:
    `kind` "stock_out" or "overstock" (None: both), optionally of one customer, at most
    `limit` (None: all). Stock-outs first, worst cover first. One query."""
    alerts = stock_alert_list(user=user, as_of=as_of, kind=kind, customer=customer)
    if limit is None:
        return list(alerts)
    return list(alerts[: max(limit, 0)])


# --- sell-through rate -------------------------------------------------------------------------
@dataclass(frozen=True)
class SellThroughRate:
    """Units sold against what was there to sell (opening stock + received) over a period,
    for one group: an outlet, a SKU, a customer or an outlet × SKU."""

    key: str  # the outlet, SKU or customer code, or "<outlet code>/<SKU code>"
    label: str
    customer_code: str
    outlet_code: str
    sku_code: str
    opening_stock: int
    units_received: int
    units_sold: int
    revenue: Decimal
    rate: Decimal | None  # 0.4567 = 45.67 per cent

    @property
    def percent(self) -> Decimal | None:
        """The rate in per cent, 1 place (45.7), for display."""
        return None if self.rate is None else (self.rate * 100).quantize(_COVER_PLACES)


# Per group: its columns (select and group by) and which of them are code / name / customer.
_RATE_GROUP_SQL: dict[str, tuple[str, ...]] = {
    "outlet": ("o.id", "o.code", "o.name", "c.code"),
    "sku": ("k.id", "k.code", "k.name"),
    "customer": ("c.id", "c.code", "c.name"),
    "outlet_sku": ("o.id", "k.id", "o.code", "o.name", "k.code", "k.name", "c.code"),
}
_RATE_SUMS = (
    "SUM(f.stock_units - f.units_received + f.units_sold), SUM(p.received), SUM(p.sold), "
    "SUM(p.revenue)"
)
_RATE_SQL = (
    "(CASE WHEN SUM(f.stock_units - f.units_received + f.units_sold) + SUM(p.received) > 0 "
    "THEN SUM(p.sold) * 1.0 / (SUM(f.stock_units - f.units_received + f.units_sold) "
    "+ SUM(p.received)) END)"
)


def _rate_of_row(group: str) -> Any:
    def make(row: Sequence[Any]) -> SellThroughRate:
        width = len(_RATE_GROUP_SQL[group])
        names = row[:width]
        opening, received, sold = (int(v or 0) for v in row[width : width + 3])
        revenue = _decimal(row[width + 3])
        outlet_code = sku_code = customer_code = ""
        if group == "outlet":
            outlet_code, label, customer_code = names[1], names[2], names[3]
            key = outlet_code
        elif group == "sku":
            sku_code, label = names[1], names[2]
            key = sku_code
        elif group == "customer":
            customer_code, label = names[1], names[2]
            key = customer_code
        else:
            outlet_code, sku_code, customer_code = names[2], names[4], names[6]
            key, label = f"{outlet_code}/{sku_code}", f"{names[3]} · {names[5]}"
        return SellThroughRate(
            key=key,
            label=label,
            customer_code=customer_code,
            outlet_code=outlet_code,
            sku_code=sku_code,
            opening_stock=opening,
            units_received=received,
            units_sold=sold,
            revenue=revenue,
            rate=rate_of(sold, opening, received),
        )

    return make


def _period_pairs(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    customer: Customer | None,
    outlet: Outlet | None,
    sku: Sku | None,
    search: str | None,
) -> tuple[str, list[Any]]:
    """FROM: each outlet × SKU of the period (`p`: Σ sold, received, revenue, first date)
    joined to its first row (`f`) and the names (`c`, `o`, `k`)."""
    rows = _feed_rows(
        user=user,
        date_from=date_from,
        date_to=date_to,
        customer=customer,
        outlet=outlet,
        sku=sku,
        search=search,
    )
    inner, params = _compiled(
        rows,
        lambda r: r.values("outlet_id", "sku_id").annotate(
            first_date=Min("date"),
            sold=Sum("units_sold"),
            received=Sum("units_received"),
            revenue=Sum("revenue"),
        ),
    )
    body = (
        f"FROM ({inner}) p "
        f"INNER JOIN {_FEED} f ON f.outlet_id = p.outlet_id AND f.sku_id = p.sku_id "
        "AND f.date = p.first_date "
        f"INNER JOIN {_CUSTOMER} c ON c.id = f.customer_id "
        f"INNER JOIN {_OUTLET} o ON o.id = f.outlet_id "
        f"INNER JOIN {_SKU} k ON k.id = f.sku_id"
    )
    return body, params


def _rate_order(ordering: str | None, group: str) -> str:
    key = (ordering or "-sold").strip()
    descending = key.startswith("-")
    key = key.lstrip("-")
    columns = _RATE_GROUP_SQL[group]
    expression = {
        "name": columns[2] if group != "outlet_sku" else columns[3],
        "opening": "SUM(f.stock_units - f.units_received + f.units_sold)",
        "received": "SUM(p.received)",
        "sold": "SUM(p.sold)",
        "revenue": "SUM(p.revenue)",
        "rate": _RATE_SQL,
    }.get(key, "SUM(p.sold)")
    codes = ", ".join(c for c in columns if c.endswith(".code"))
    return f"{_order_sql(expression, descending, nulls_largest=False)}, {codes}"


def sell_through_rates(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    by: str = "outlet",
    customer: Customer | None = None,
    outlet: Outlet | None = None,
    sku: Sku | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> _LazyPage:
    """Sell-through rate over [date_from, date_to] per `by` (RATE_GROUPS) in the user's
    scope: a lazy list of `SellThroughRate`s sorted by `ordering` (RATE_ORDERINGS, "-"
    descending; default most sold first). One grouped query per page, one to count."""
    group = by if by in _RATE_GROUP_SQL else "outlet"
    body, params = _period_pairs(
        user=user,
        date_from=date_from,
        date_to=date_to,
        customer=customer,
        outlet=outlet,
        sku=sku,
        search=search,
    )
    columns = ", ".join(_RATE_GROUP_SQL[group])
    composed = _Composed(
        select=f"{columns}, {_RATE_SUMS}",
        body=f"{body} GROUP BY {columns}",
        params=tuple(params),
        order=_rate_order(ordering, group),
    )
    return _LazyPage(composed, _rate_of_row(group))


def sell_through_total(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    customer: Customer | None = None,
    outlet: Outlet | None = None,
    sku: Sku | None = None,
    search: str | None = None,
) -> SellThroughRate:
    """The rate of the whole selection (every outlet × SKU together), one query."""
    body, params = _period_pairs(
        user=user,
        date_from=date_from,
        date_to=date_to,
        customer=customer,
        outlet=outlet,
        sku=sku,
        search=search,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_RATE_SUMS} {body}", params)
        row = cursor.fetchone() or (0, 0, 0, 0)
    opening, received, sold = (int(v or 0) for v in row[:3])
    return SellThroughRate(
        key="",
        label="",
        customer_code=customer.code if customer is not None else "",
        outlet_code=outlet.code if outlet is not None else "",
        sku_code=sku.code if sku is not None else "",
        opening_stock=opening,
        units_received=received,
        units_sold=sold,
        revenue=_decimal(row[3]),
        rate=rate_of(sold, opening, received),
    )


@dataclass(frozen=True)
class DailyPoint:
    """One day of a selection: units sold and the stock reported that day, summed."""

    date: datetime.date
    units_sold: int
    stock_units: int


def sell_through_daily(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    customer: Customer | None = None,
    outlet: Outlet | None = None,
    sku: Sku | None = None,
    search: str | None = None,
) -> list[DailyPoint]:
    """Each day of the period (zero-filled): Σ units sold and Σ stock reported that day."""
    rows = (
        _feed_rows(
            user=user,
            date_from=date_from,
            date_to=date_to,
            customer=customer,
            outlet=outlet,
            sku=sku,
            search=search,
        )
        .order_by()
        .values("date")
        .annotate(sold=Sum("units_sold"), stock=Sum("stock_units"))
    )
    by_day = {row["date"]: row for row in rows}
    points = []
    day = date_from
    while day <= date_to:
        row = by_day.get(day)
        points.append(
            DailyPoint(
                date=day,
                units_sold=int(row["sold"] or 0) if row else 0,
                stock_units=int(row["stock"] or 0) if row else 0,
            )
        )
        day += datetime.timedelta(days=1)
    return points
