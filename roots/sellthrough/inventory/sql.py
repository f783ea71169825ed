"""The SQL that the inventory selectors (`selectors.py`) compose around the ORM.

How it stays fast: the scoped, filtered feed rows (an ORM queryset starting from
`SellThrough.objects.visible_to(user)`, `feed_rows`) are grouped per outlet × SKU in SQL
(Σ sold, latest or first date), and only then joined back to the one row of that date (the
unique key outlet × date × SKU) and to the names: a hash aggregate over the window plus one
index probe per pair, whatever the number of rows; sorting, filtering and paging happen on
the pairs in SQL. The ORM cannot join a grouped subquery, so the outer query is SQL composed
around the ORM's compiled inner query (`Composed`, paged lazily by `LazyPage`); it runs
unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Max, Min, Q, QuerySet, Sum

from roots.catalog.models import Sku
from roots.customers.models import Customer, Outlet
from roots.sellthrough.models import SellThrough

if TYPE_CHECKING:
    from roots.org.models import User

CENTS = Decimal("0.01")


# --- values as the database answers them ---------------------------------------------------------
def to_decimal(value: Any) -> Decimal:
    """A sum or a money column: SQLite answers floats (or ints), PostgreSQL Decimals."""
    if value is None:
        return Decimal(0).quantize(CENTS)
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENTS, ROUND_HALF_UP)


def to_date(value: Any) -> datetime.date:
    if isinstance(value, str):  # SQLite
        return datetime.date.fromisoformat(value[:10])
    if not isinstance(value, datetime.date):
        raise AssertionError("isinstance(value, datetime.date)")
    return value


# --- the scoped feed rows -------------------------------------------------------------------------
class FeedFilters(TypedDict, total=False):
    """The filters every inventory read takes besides the user and the dates (None: all)."""

    customer: Customer | None
    outlet: Outlet | None
    sku: Sku | None
    search: str | None


def feed_rows(
    *, user: User, date_from: datetime.date, date_to: datetime.date, **filters: Unpack[FeedFilters]
) -> QuerySet[SellThrough]:
    """The feed rows of the user's scope in [date_from, date_to] with the filters:
    `search` matches the SKU's code or name and its category's code or name."""
    # The customer, outlet and SKU given (not None) filter by equality.
    given = {key: value for key, value in filters.items() if key != "search" and value is not None}
    rows = SellThrough.objects.visible_to(user).filter(
        date__gte=date_from, date__lte=date_to, **given
    )
    search = filters.get("search")
    if search:
        rows = rows.filter(
            Q(sku__code__icontains=search)
            | Q(sku__name__icontains=search)
            | Q(sku__product_model__category__code__icontains=search)
            | Q(sku__product_model__category__name__icontains=search)
            | Q(sku__product_model__category__name_en__icontains=search)
        )
    return rows


def compiled(
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


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


FEED = quote(SellThrough._meta.db_table)
CUSTOMER = quote(Customer._meta.db_table)
OUTLET = quote(Outlet._meta.db_table)
SKU = quote(Sku._meta.db_table)


@dataclass(frozen=True)
class Composed:
    """A SELECT composed around the ORM's compiled subquery: `select`, `body` (FROM …
    WHERE … GROUP BY), `order` (ORDER BY terms); counted and paged in SQL."""

    select: str
    body: str
    params: tuple[Any, ...]
    order: str

    def count(self) -> int:
        with connection.cursor() as cursor:
            # The body is built from quoted identifiers; its values are parameters.
            sql = f"SELECT COUNT(*) FROM (SELECT 1 AS one {self.body}) counted"  # noqa: S608
            cursor.execute(sql, self.params)
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


class LazyPage:
    """A lazy, sliceable list for Django's and DRF's paginators: counting and slicing run in
    SQL, only the asked rows become objects. Iterating reads every row (exports)."""

    def __init__(self, composed: Composed, make: Any) -> None:
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


def order_sql(expression: str, descending: bool, *, nulls_largest: bool = True) -> str:
    """ORDER BY terms with the same NULL placement on both databases: NULL as the largest
    value (no sales: endless cover), or else always last (no rate: nothing to sell)."""
    nulls_first = descending and nulls_largest
    direction = "DESC" if descending else "ASC"
    return f"({expression} IS NULL) {'DESC' if nulls_first else 'ASC'}, {expression} {direction}"


# --- stock position -----------------------------------------------------------------------------
# The columns of a position row, in the order `selectors._position_of` reads them.
POSITION_SELECT = (
    "st.customer_id, c.code, c.name, st.outlet_id, o.code, o.name, st.sku_id, k.code, k.name, "
    "st.stock_units, st.unit_cost, agg.sold, st.date"
)


def positions(
    *,
    user: User,
    date_from: datetime.date,
    date_to: datetime.date,
    where: str | None,
    order: str,
    select: str = POSITION_SELECT,
    **filters: Unpack[FeedFilters],
) -> Composed:
    """The latest row of each outlet × SKU in the window [date_from, date_to] (`st`), its
    window's units sold (`agg.sold`) and the names (`c`, `o`, `k`)."""
    rows = feed_rows(user=user, date_from=date_from, date_to=date_to, **filters)
    inner, params = compiled(
        rows,
        lambda r: r.values("outlet_id", "sku_id").annotate(
            last_date=Max("date"), sold=Sum("units_sold")
        ),
    )
    body = (
        f"FROM ({inner}) agg "
        f"INNER JOIN {FEED} st ON st.outlet_id = agg.outlet_id AND st.sku_id = agg.sku_id "
        "AND st.date = agg.last_date "
        f"INNER JOIN {CUSTOMER} c ON c.id = st.customer_id "
        f"INNER JOIN {OUTLET} o ON o.id = st.outlet_id "
        f"INNER JOIN {SKU} k ON k.id = st.sku_id"
    )
    if where:
        body += f" WHERE {where}"
    return Composed(select=select, body=body, params=tuple(params), order=order)


# --- sell-through rate ------------------------------------------------------------------------
# Per group: its columns (select and group by) and which of them are code / name / customer.
RATE_GROUP_SQL: dict[str, tuple[str, ...]] = {
    "outlet": ("o.id", "o.code", "o.name", "c.code"),
    "sku": ("k.id", "k.code", "k.name"),
    "customer": ("c.id", "c.code", "c.name"),
    "outlet_sku": ("o.id", "k.id", "o.code", "o.name", "k.code", "k.name", "c.code"),
}
RATE_SUMS = (
    "SUM(f.stock_units - f.units_received + f.units_sold), SUM(p.received), SUM(p.sold), "
    "SUM(p.revenue)"
)
RATE_SQL = (
    "(CASE WHEN SUM(f.stock_units - f.units_received + f.units_sold) + SUM(p.received) > 0 "
    "THEN SUM(p.sold) * 1.0 / (SUM(f.stock_units - f.units_received + f.units_sold) "
    "+ SUM(p.received)) END)"
)


def period_pairs(
    *, user: User, date_from: datetime.date, date_to: datetime.date, **filters: Unpack[FeedFilters]
) -> tuple[str, list[Any]]:
    """FROM: each outlet × SKU of the period (`p`: Σ sold, received, revenue, first date)
    joined to its first row (`f`) and the names (`c`, `o`, `k`)."""
    rows = feed_rows(user=user, date_from=date_from, date_to=date_to, **filters)
    inner, params = compiled(
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
        f"INNER JOIN {FEED} f ON f.outlet_id = p.outlet_id AND f.sku_id = p.sku_id "
        "AND f.date = p.first_date "
        f"INNER JOIN {CUSTOMER} c ON c.id = f.customer_id "
        f"INNER JOIN {OUTLET} o ON o.id = f.outlet_id "
        f"INNER JOIN {SKU} k ON k.id = f.sku_id"
    )
    return body, params


def rate_order(ordering: str | None, group: str) -> str:
    key = (ordering or "-sold").strip()
    descending = key.startswith("-")
    key = key.lstrip("-")
    columns = RATE_GROUP_SQL[group]
    expression = {
        "name": columns[2] if group != "outlet_sku" else columns[3],
        "opening": "SUM(f.stock_units - f.units_received + f.units_sold)",
        "received": "SUM(p.received)",
        "sold": "SUM(p.sold)",
        "revenue": "SUM(p.revenue)",
        "rate": RATE_SQL,
    }.get(key, "SUM(p.sold)")
    codes = ", ".join(c for c in columns if c.endswith(".code"))
    return f"{order_sql(expression, descending, nulls_largest=False)}, {codes}"
