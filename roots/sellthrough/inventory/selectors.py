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

The definitions are written twice, in Python for one value (`cover_of`, `status_of`,
`rate_of`) and in SQL for sorting, filtering and counting (`_STOCK_OUT_SQL` ...); the SQL
around the ORM is in `sql.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Unpack
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from roots.catalog.models import Sku
from roots.customers.models import Customer, Outlet
from roots.sellthrough.inventory.sql import (
    CENTS,
    RATE_GROUP_SQL,
    RATE_SUMS,
    Composed,
    FeedFilters,
    LazyPage,
    feed_rows,
    order_sql,
    period_pairs,
    positions,
    rate_order,
    to_date,
    to_decimal,
)

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
    return (Decimal(sold_in_window) / WINDOW_DAYS).quantize(CENTS, ROUND_HALF_UP)


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


# --- stock position ------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class _PairAtDay:
    """An outlet × SKU (with its customer) and its stock, sales and cover at a day."""

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


@dataclass(frozen=True, kw_only=True)
class StockPosition(_PairAtDay):
    """One outlet × SKU's stock at a day, from its latest report in the window."""

    unit_cost: Decimal
    stock_value: Decimal
    sold_in_window: int
    status: str


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
    stock, cost, sold = int(row[9]), to_decimal(row[10]), int(row[11] or 0)
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
        stock_value=(stock * cost).quantize(CENTS),
        sold_in_window=sold,
        daily_sales=daily_sales_of(sold),
        days_of_cover=cover_of(stock, sold),
        status=status_of(stock, sold),
        reported_on=to_date(row[12]),
    )


def _stock_order(ordering: str | None) -> str:
    key = (ordering or "").strip()
    descending = key.startswith("-")
    key = key.lstrip("-")
    if key not in _STOCK_SORT_SQL:
        return _TIE_BREAK
    return f"{order_sql(_STOCK_SORT_SQL[key], descending)}, {_TIE_BREAK}"


def _window_positions(
    user: User, as_of: datetime.date | None, filters: FeedFilters, *, where: str | None, order: str
) -> Composed:
    """The positions of the window ending `as_of` (default today)."""
    day = as_of or today()
    return positions(
        user=user, date_from=window_start(day), date_to=day, where=where, order=order, **filters
    )


def stock_position_list(
    *,
    user: User,
    as_of: datetime.date | None = None,
    status: str | None = None,
    ordering: str | None = None,
    **filters: Unpack[FeedFilters],
) -> LazyPage:
    """Stock position at `as_of` (default today) per outlet × SKU in the user's scope,
    filtered (`status` one of STATUSES; customer, outlet, SKU, search) and sorted
    (`STOCK_ORDERINGS`, "-" descending; default customer, outlet, SKU): a lazy list of
    `StockPosition`s; slice it to page."""
    where = _STATUS_SQL.get(status or "")
    composed = _window_positions(user, as_of, filters, where=where, order=_stock_order(ordering))
    return LazyPage(composed, _position_of)


@dataclass(frozen=True)
class StockTotals:
    """Headline numbers of a stock position: pairs, units, value at cost, alert counts."""

    positions: int
    stock_units: int
    stock_value: Decimal
    stock_outs: int
    overstocks: int


def stock_totals(
    *, user: User, as_of: datetime.date | None = None, **filters: Unpack[FeedFilters]
) -> StockTotals:
    """Totals over the same positions as `stock_position_list` (one query)."""
    composed = _window_positions(user, as_of, filters, where=None, order="")
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
        stock_value=to_decimal(row[2]),
        stock_outs=int(row[3] or 0),
        overstocks=int(row[4] or 0),
    )


# --- alerts: the contract the daily board (helper D) codes against ------------------------------
@dataclass(frozen=True, kw_only=True)
class StockAlert(_PairAtDay):
    """An outlet × SKU whose stock runs out within a week, or is far too much."""

    kind: str  # "stock_out" | "overstock"


_PAIR_FIELDS = tuple(field.name for field in fields(_PairAtDay))


def _alert_of(row: Sequence[Any]) -> StockAlert:
    position = _position_of(row)
    pair = {name: getattr(position, name) for name in _PAIR_FIELDS}
    return StockAlert(kind=position.status, **pair)


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
    **filters: Unpack[FeedFilters],
) -> LazyPage:
    """Stock alerts as a lazy list of `StockAlert`s in alert order, for paged pages and API."""
    where = _STATUS_SQL[kind] if kind in ALERT_KINDS else f"({_STOCK_OUT_SQL} OR {_OVERSTOCK_SQL})"
    composed = _window_positions(user, as_of, filters, where=where, order=_ALERT_ORDER)
    return LazyPage(composed, _alert_of)


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


def _rate_of_row(group: str) -> Any:
    def make(row: Sequence[Any]) -> SellThroughRate:
        width = len(RATE_GROUP_SQL[group])
        names = row[:width]
        opening, received, sold = (int(v or 0) for v in row[width : width + 3])
        revenue = to_decimal(row[width + 3])
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


def sell_through_rates(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    by: str = "outlet",
    ordering: str | None = None,
    **filters: Unpack[FeedFilters],
) -> LazyPage:
    """Sell-through rate over [date_from, date_to] per `by` (RATE_GROUPS) in the user's
    scope: a lazy list of `SellThroughRate`s sorted by `ordering` (RATE_ORDERINGS, "-"
    descending; default most sold first). One grouped query per page, one to count."""
    group = by if by in RATE_GROUP_SQL else "outlet"
    body, params = period_pairs(user=user, date_from=date_from, date_to=date_to, **filters)
    columns = ", ".join(RATE_GROUP_SQL[group])
    composed = Composed(
        select=f"{columns}, {RATE_SUMS}",
        body=f"{body} GROUP BY {columns}",
        params=tuple(params),
        order=rate_order(ordering, group),
    )
    return LazyPage(composed, _rate_of_row(group))


def sell_through_total(
    *, user: User, date_from: datetime.date, date_to: datetime.date, **filters: Unpack[FeedFilters]
) -> SellThroughRate:
    """The rate of the whole selection (every outlet × SKU together), one query."""
    body, params = period_pairs(user=user, date_from=date_from, date_to=date_to, **filters)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {RATE_SUMS} {body}", params)
        row = cursor.fetchone() or (0, 0, 0, 0)
    opening, received, sold = (int(v or 0) for v in row[:3])
    customer, outlet, sku = filters.get("customer"), filters.get("outlet"), filters.get("sku")
    return SellThroughRate(
        key="",
        label="",
        customer_code=customer.code if customer is not None else "",
        outlet_code=outlet.code if outlet is not None else "",
        sku_code=sku.code if sku is not None else "",
        opening_stock=opening,
        units_received=received,
        units_sold=sold,
        revenue=to_decimal(row[3]),
        rate=rate_of(sold, opening, received),
    )


@dataclass(frozen=True)
class DailyPoint:
    """One day of a selection: units sold and the stock reported that day, summed."""

    date: datetime.date
    units_sold: int
    stock_units: int


def sell_through_daily(
    *, user: User, date_from: datetime.date, date_to: datetime.date, **filters: Unpack[FeedFilters]
) -> list[DailyPoint]:
    """Each day of the period (zero-filled): Σ units sold and Σ stock reported that day."""
    rows = (
        feed_rows(user=user, date_from=date_from, date_to=date_to, **filters)
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
