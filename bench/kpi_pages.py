"""Benchmark of the KPI reports at `haier` scale on PostgreSQL (not a test: run it by hand).

    createdb -h 127.0.0.1 -U postgres kpis_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kpis_bench \
        .venv/bin/python bench/kpi_pages.py [--days 180] [--repeat 5]

Loads (once, into an empty database) the organisation of DESIGN.md §2 — 42 branches, 630
account managers, 6,300 customers, 7,900 outlets — and, with SQL, one sell-through row and
one category-sales row per outlet and day over `--days` days (180: 1.42 million of each),
two rebates per customer and 4,000 complaints. Then it times, per report, the selector
(the SQL and the Python around it) and the page (Django's test client, no network), with
the number of queries: an account manager's dashboard, a branch manager's ranking and
headquarters' ranking of the 42 branches, each over the last 90 days.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roots.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kpis_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from roots.catalog.tests.factories import CategoryFactory, SkuFactory  # noqa: E402
from roots.customers.models import Customer, Outlet  # noqa: E402
from roots.kpis import selectors  # noqa: E402
from roots.org.models import Branch, Province, Role, User  # noqa: E402

BRANCHES, MANAGERS_PER_BRANCH, CUSTOMERS_PER_MANAGER = 42, 15, 10


def load(days: int) -> None:
    if Customer.objects.all_unscoped().exists():
        return
    started = time.perf_counter()
    province = Province.objects.create(
        code="370000",
        name="山东省",
        short_name="山东",
        name_en="Shandong",
        latitude=36,
        longitude=120,
    )
    branches = Branch.objects.bulk_create(
        Branch(code=f"B{b:02d}", name=f"工贸{b:02d}", province=province, city="青岛")
        for b in range(BRANCHES)
    )
    users = [User(username="hq", role=Role.HQ_ADMIN, password="!")]
    for branch in branches:
        users.append(
            User(username=f"bm{branch.code}", role=Role.BRANCH_MANAGER, branch=branch, password="!")
        )
        users += [
            User(
                username=f"am{branch.code}{m:02d}",
                role=Role.ACCOUNT_MANAGER,
                branch=branch,
                password="!",
            )
            for m in range(MANAGERS_PER_BRANCH)
        ]
    User.objects.bulk_create(users)
    managers = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).order_by("pk"))
    customers = Customer.objects.bulk_create(
        Customer(
            code=f"C{n:06d}",
            name=f"客户{n}",
            channel_type="franchise_store",
            branch_id=cast(int, m.branch_id),
            account_manager=m,
        )
        for n, m in enumerate((m for m in managers for _ in range(CUSTOMERS_PER_MANAGER)), start=1)
    )
    outlets = [
        Outlet(
            code=f"S{n:07d}",
            customer=c,
            name=f"门店{n}",
            format="franchise_shop",
            province=province,
            city="青岛",
        )
        for n, c in enumerate(customers + customers[::4], start=1)
    ]
    Outlet.objects.bulk_create(outlets, batch_size=2000)
    category = CategoryFactory.create(code="FRIDGE")
    skus = [SkuFactory.create(product_model__category=category) for _ in range(20)]
    sku_ids = [s.pk for s in skus]
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    with connection.cursor() as cursor:
        # One row per outlet and day; SKU, units and prices vary with the outlet and day.
        cursor.execute(
            """
            INSERT INTO sellthrough_sellthrough
                (customer_id, outlet_id, sku_id, date, units_received, units_sold, revenue,
                 stock_units, unit_cost)
            SELECT o.customer_id, o.id, (%s::int[])[1 + (o.id + d) %% 20], %s::date + d,
                   (o.id + d) %% 5, (o.id * 7 + d) %% 6,
                   ((o.id * 7 + d) %% 6) * (2500 + o.id %% 900),
                   5 + (o.id + d * 3) %% 40, 1800 + o.id %% 700
            FROM customers_outlet o CROSS JOIN generate_series(0, %s - 1) AS d
            """,
            [sku_ids, first, days],
        )
        cursor.execute(
            """
            INSERT INTO sellthrough_categorysales
                (customer_id, outlet_id, category_id, date, total_sales)
            SELECT o.customer_id, o.id, %s, %s::date + d, 20000 + (o.id * 13 + d) %% 30000
            FROM customers_outlet o CROSS JOIN generate_series(0, %s - 1) AS d
            """,
            [category.pk, first, days],
        )
        cursor.execute(
            """
            INSERT INTO finance_expense
                (number, customer_id, kind, status, activity, period_start, period_end, amount,
                 unapplied_amount, evidence, decision_note, search_text, version, created_at,
                 updated_at)
            SELECT 'EXB' || lpad((c.id * 2 + k)::text, 8, '0'), c.id, 'rebate', 'approved',
                   '返利', %s::date + k * 90, %s::date + k * 90 + 89, 1000 + c.id %% 5000, 0,
                   '', '', '', 1, now(), now()
            FROM customers_customer c CROSS JOIN generate_series(0, 1) AS k
            """,
            [first, first],
        )
        cursor.execute(
            """
            INSERT INTO service_complaint
                (number, customer_id, category, subject, description, severity, status,
                 raised_at, response_due, resolution_due, resolved_at, resolved_within_sla,
                 resolution, reopened_count, search_text, version, created_at, updated_at)
            SELECT 'CPB' || lpad(n::text, 8, '0'), c.id, 'delivery', '送货', 'x', 'normal',
                   'resolved', t, t + interval '24 hours', t + interval '72 hours',
                   t + interval '10 hours', n %% 4 <> 0, '', 0, '', 1, now(), now()
            FROM generate_series(1, 4000) AS n
            JOIN customers_customer c ON c.id = 1 + (n * 37) %% 6300
            CROSS JOIN LATERAL (SELECT now() - (n %% %s) * interval '1 day' AS t) AS s
            """,
            [days],
        )
        cursor.execute("VACUUM ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.0f} s")


def timed(label: str, func: Callable[[], Any], repeat: int) -> None:
    func()  # warm-up
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            func()
            times.append((time.perf_counter() - started) * 1000)
    print(
        f"{label:<44} p50 {statistics.median(times):7.0f} ms   max {max(times):7.0f} ms   "
        f"{len(ctx.captured_queries):3d} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load(args.days)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sellthrough_sellthrough")
        print(f"sell-through rows: {cursor.fetchone()[0]:,}")
    hq = User.objects.get(username="hq")
    bm = User.objects.get(username="bmB07")
    am = User.objects.get(username="amB0707")
    today = timezone.localdate()
    period = selectors.period_from(start=None, end=today, today=today)
    timed(
        "selector: account manager (10 customers)",
        lambda: selectors.account_manager_report(user=am, account_manager=am, period=period),
        args.repeat,
    )
    timed(
        "selector: branch ranking (15 AMs, 150 cust.)",
        lambda: selectors.branch_report(user=bm, branch=bm.branch, period=period),  # type: ignore[arg-type]
        args.repeat,
    )
    timed(
        "selector: hq ranking (42 branches, 6,300)",
        lambda: selectors.overall_report(user=hq, period=period),
        args.repeat,
    )
    for user in (am, bm, hq):
        client = Client()
        client.force_login(user)

        def page(client: Client = client) -> None:
            assert client.get("/kpis/").status_code == 200

        timed(f"page /kpis/ as {user.role}", page, args.repeat)


if __name__ == "__main__":
    main()
