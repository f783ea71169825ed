"""Demo sell-through for `seed_demo`: every active outlet reports, day by day up to the demo's
"today" (`AS_OF`), a handful of our SKUs (received, sold, revenue, stock on hand) and its total
sales of all brands in those SKUs' categories.

Each outlet × SKU is a small simulation: a daily demand with a weekend lift, a reorder when
stock falls below a week of sales, a delivery a few days later. Some pairs are stocked far
beyond demand (overstock) and some are replenished late (stock-outs), so the alerts and the
KPIs have something to show; each customer has its own mark-up and our share of its category
sales, so account managers' KPIs differ.

Deterministic (every draw comes from the `DemoRandom` handed in) and fast: rows go in with
PostgreSQL's COPY (or `executemany` on SQLite), about 1.5 million feed rows at haier scale.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, models

from roots.catalog.models import Sku
from roots.catalog.selectors import prices_for
from roots.customers.models import Customer, CustomerStatus, Outlet
from roots.org.demo.common import AS_OF, DemoRandom
from roots.org.demo.logins import showcase_customers

from .models import FEED_COLUMNS, CategorySales, FeedKind, SellThrough, Upload
from .services import upload_import

# (days of history, SKUs per outlet) per scale.
SHAPE = {"small": (120, 10), "medium": (90, 6), "haier": (60, 4)}
BATCH = 20_000
OVERSTOCK_SHARE = 0.08
LATE_SHARE = 0.08


@dataclass
class _Pair:
    """One outlet × SKU being simulated."""

    outlet_id: int
    customer_id: int
    sku_id: int
    category_id: int
    cost_cents: int
    price_cents: int
    demand: float
    stock: int
    lead_days: int
    pending: dict[int, int]  # day index -> units arriving


def seed_sellthrough(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo feed of a scale; answers counts by table. A feed that exists already
    is kept (nothing is added)."""
    if SellThrough.objects.all_unscoped().exists():
        return {}
    days, per_outlet = SHAPE.get(scale, SHAPE["small"])
    outlets = _outlets()
    skus = list(
        Sku.objects.filter(is_active=True)
        .order_by("code")
        .values_list("pk", "product_model__category_id", "list_price")
    )
    if not outlets or not skus:
        return {}
    start = AS_OF - timedelta(days=days - 1)
    pairs, shares = _plan(rng, outlets, skus, per_outlet)
    feed = _Feed(rng, start, days, shares)
    return {
        "sell-through rows": _copy(SellThrough, FEED_FIELDS, feed.rows(pairs)),
        "category sales rows": _copy(CategorySales, CATEGORY_FIELDS, feed.category_rows()),
        "sell-through uploads": _showcase_uploads(),
    }


def _showcase_uploads() -> int:
    """The README's customer logins each find an upload whose report lists rejected rows:
    the last day's figures of a few outlets and SKUs as they are in the feed (unchanged),
    with the mistakes customers make: a date not in YYYY-MM-DD, another customer's outlet,
    an unknown SKU, negative units. Imported through the real import (`upload_import`), so
    the report is what a customer would get."""
    made = 0
    for customer_id, user_id in showcase_customers().items():
        if Upload.objects.all_unscoped().filter(customer_id=customer_id).exists():
            continue
        good = list(
            SellThrough.objects.all_unscoped()
            .filter(customer_id=customer_id, date=AS_OF)
            .order_by("outlet__code", "sku__code")
            .values_list(
                "outlet__code",
                "sku__code",
                "units_received",
                "units_sold",
                "revenue",
                "stock_units",
            )[:4]
        )
        foreign = (
            Outlet.objects.all_unscoped()
            .exclude(customer_id=customer_id)
            .order_by("code")
            .values_list("code", flat=True)
            .first()
        )
        if not good or foreign is None:
            continue
        day = AS_OF.isoformat()
        outlet, sku = good[0][0], good[0][1]
        rows = [[day, *(str(v) for v in row)] for row in good]
        rows += [
            [AS_OF.strftime("%Y/%m/%d"), outlet, sku, "0", "2", "3998.00", "5"],
            [day, foreign, sku, "0", "1", "1999.00", "4"],
            [day, outlet, "NO-SUCH-SKU", "0", "1", "1999.00", "4"],
            [day, outlet, sku, "0", "-3", "0.00", "5"],
        ]
        lines = [",".join(FEED_COLUMNS[FeedKind.SELLTHROUGH])] + [",".join(r) for r in rows]
        content = ("\r\n".join(lines) + "\r\n").encode()
        upload = Upload(
            customer_id=customer_id,
            kind=FeedKind.SELLTHROUGH,
            original_name=f"sellthrough-{AS_OF:%Y%m%d}.csv",
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            uploaded_by_id=user_id,
        )
        upload.file.save(f"demo-{customer_id}-{AS_OF:%Y%m%d}.csv", ContentFile(content), save=False)
        upload.save()
        upload_import(upload_id=upload.pk)
        made += 1
    return made


FEED_FIELDS = (
    "customer_id",
    "outlet_id",
    "sku_id",
    "date",
    "units_received",
    "units_sold",
    "revenue",
    "stock_units",
    "unit_cost",
)
CATEGORY_FIELDS = ("customer_id", "outlet_id", "category_id", "date", "total_sales")


def _outlets() -> dict[Customer, list[int]]:
    by_customer: dict[int, list[int]] = defaultdict(list)
    for outlet_id, customer_id in (
        Outlet.objects.all_unscoped()
        .filter(is_active=True)
        .order_by("code")
        .values_list("pk", "customer_id")
    ):
        by_customer[customer_id].append(outlet_id)
    customers = Customer.objects.all_unscoped().filter(
        pk__in=by_customer, status=CustomerStatus.ACTIVE
    )
    return {c: by_customer[c.pk] for c in customers.order_by("code")}


def _plan(
    rng: DemoRandom,
    outlets: dict[Customer, list[int]],
    skus: Sequence[tuple[int, int, Decimal]],
    per_outlet: int,
) -> tuple[list[_Pair], dict[tuple[int, int], float]]:
    """The outlet × SKU pairs with their demand and stocking profile, and our share of each
    customer's sales per category."""
    sku_objects = {s.pk: s for s in Sku.objects.filter(pk__in=[s[0] for s in skus])}
    pairs: list[_Pair] = []
    shares: dict[tuple[int, int], float] = {}
    for customer, outlet_ids in outlets.items():
        # The customer carries a range of our SKUs; each outlet some of them.
        carried = rng.sample(skus, min(len(skus), per_outlet * 3))
        costs = prices_for(customer=customer, skus=[sku_objects[s[0]] for s in carried], on=AS_OF)
        markup = 0.08 + rng.rng.random() * 0.27
        size = rng.lognormal(1.0, 0.5)
        for category_id in {s[1] for s in carried}:
            shares[(customer.pk, category_id)] = 0.12 + rng.rng.random() * 0.4
        for outlet_id in outlet_ids:
            for sku_id, category_id, _list_price in rng.sample(carried, per_outlet):
                cost = int(costs[sku_id] * 100)
                demand = max(0.05, rng.lognormal(0.7, 0.7) * size)
                profile = rng.rng.random()
                cover = 14 + rng.rng.random() * 20
                lead = rng.between(2, 4)
                if profile < OVERSTOCK_SHARE:  # bought far more than sells
                    demand *= 0.2
                    cover = 120 + rng.rng.random() * 120
                elif profile < OVERSTOCK_SHARE + LATE_SHARE:  # replenished late
                    lead = rng.between(9, 15)
                    cover = 3 + rng.rng.random() * 4
                pairs.append(
                    _Pair(
                        outlet_id=outlet_id,
                        customer_id=customer.pk,
                        sku_id=sku_id,
                        category_id=category_id,
                        cost_cents=cost,
                        price_cents=int(cost * (1 + markup)),
                        demand=demand,
                        stock=max(0, round(demand * cover)),
                        lead_days=lead,
                        pending={},
                    )
                )
    return pairs, shares


class _Feed:
    """Simulates the pairs day by day into feed rows, noting as it goes each outlet's daily
    revenue per category, from which the all-brands totals follow."""

    def __init__(
        self, rng: DemoRandom, start: date, days: int, shares: dict[tuple[int, int], float]
    ) -> None:
        self.random = rng.rng.random
        self.days = days
        self.dates = [(start + timedelta(days=d)).isoformat() for d in range(days)]
        self.weekend = [(start + timedelta(days=d)).weekday() >= 5 for d in range(days)]
        self.shares = shares
        # (customer, outlet, category) -> our revenue in cents per day index
        self.ours: dict[tuple[int, int, int], list[int]] = {}

    def rows(self, pairs: list[_Pair]) -> Iterator[tuple[Any, ...]]:
        random = self.random
        for pair in pairs:
            key = (pair.customer_id, pair.outlet_id, pair.category_id)
            ours = self.ours.setdefault(key, [0] * self.days)
            cost = _money(pair.cost_cents)
            for day in range(self.days):
                expected = pair.demand * (1.4 if self.weekend[day] else 0.9)
                received = pair.pending.pop(day, 0)
                stock = pair.stock + received
                wanted = int(expected) + (1 if random() < expected - int(expected) else 0)
                sold = min(stock, wanted)
                stock -= sold
                if stock < pair.demand * 7 and not pair.pending:
                    pair.pending[day + pair.lead_days] = max(1, round(pair.demand * 21))
                pair.stock = stock
                revenue = int(sold * pair.price_cents * (1 - random() * 0.05))
                ours[day] += revenue
                yield (
                    pair.customer_id,
                    pair.outlet_id,
                    pair.sku_id,
                    self.dates[day],
                    received,
                    sold,
                    _money(revenue),
                    stock,
                    cost,
                )

    def category_rows(self) -> Iterator[tuple[Any, ...]]:
        """All-brands sales per outlet, category and day: ours divided by our share of the
        customer's category, other brands selling on days we sold nothing too."""
        for (customer_id, outlet_id, category_id), ours in self.ours.items():
            share = self.shares.get((customer_id, category_id), 0.3)
            others = sum(ours) / self.days * (1 / share - 1)
            for day, cents in enumerate(ours):
                total = cents + others * (0.7 + self.random() * 0.6)
                yield (customer_id, outlet_id, category_id, self.dates[day], _money(int(total)))


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _copy(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows fast: COPY on PostgreSQL, executemany in batches elsewhere."""
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f) for f in fields)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3
            with raw.copy(
                f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            target = connection.ops.quote_name(table)
            sql = f"INSERT INTO {target} ({columns}) VALUES ({placeholders})"  # noqa: S608 - quoted identifiers; values are parameters
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
    return written
