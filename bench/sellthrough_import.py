"""Throughput and memory of the sell-through import, against a plain DuckDB and Polars read.

    .venv/bin/python bench/sellthrough_import.py [--rows 1000000] [--database-url URL]

1. Sets up its own database: by default a fresh SQLite file under a temporary directory
   (`--database-url postgres://postgres@127.0.0.1:5432/roots_bench_st` for PostgreSQL: the
   database is dropped and created again), migrates it and adds a minimal catalog and
   customer: one customer with `--outlets` outlets, `--skus` SKUs with list prices, a
   channel price list for half of them and customer prices for a tenth.
2. Writes a CSV of `--rows` valid sell-through rows (distinct outlet x SKU x day keys over
   the last days), streamed to disk.
3. Uploads it (`upload_create`) and imports it (`upload_import`) in this process, timing
   the import and reading the peak resident memory (getrusage) before and after; checks
   that the feed holds every row and that the sums of units and revenue equal the file's;
   imports the same file a second time (every row unchanged) and times that too.
4. Reads the same file with `duckdb.read_csv` (into a DuckDB table) and `polars.read_csv`
   (into a DataFrame), after the import, so that their memory does not count in it, and
   prints the ratios. The figures go to bench/results/sellthrough_import-<time>.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--outlets", type=int, default=100)
    parser.add_argument("--skus", type=int, default=400)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--no-reimport", action="store_true", help="skip the second import")
    parser.add_argument("--profile", action="store_true", help="cProfile the first import")
    return parser.parse_args()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def setup_environment(args: argparse.Namespace, workdir: Path) -> str:
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["ROOTS_VAR_DIR"] = str(workdir / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roots.settings.dev")
    os.environ["DEBUG"] = "false"  # no query log growing with every statement
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def seed(args: argparse.Namespace) -> tuple[Any, list[str], list[str]]:
    """A customer with outlets, SKUs with prices; returns (user, outlet codes, SKU codes)."""
    from datetime import date

    from roots.catalog.models import Category, CustomerPrice, PriceList, PriceListItem, Sku
    from roots.catalog.models import ProductModel as Model
    from roots.customers.models import ChannelType, Customer, Outlet
    from roots.org.models import Branch, Province, Role, User

    province = Province.objects.create(
        code="370000",
        name="山东省",
        short_name="山东",
        name_en="Shandong",
        latitude=36,
        longitude=117,
    )
    branch = Branch.objects.create(code="BA", name="青岛工贸", province=province, city="青岛")
    manager = User.objects.create(username="am_bench", role=Role.ACCOUNT_MANAGER, branch=branch)
    customer = Customer.objects.create(
        code="C900001",
        name="基准连锁",
        channel_type=ChannelType.LOCAL_CHAIN,
        branch=branch,
        account_manager=manager,
    )
    user = User.objects.create(username="cu_bench", role=Role.CUSTOMER_USER, customer=customer)
    outlets = [f"S9{n:06d}" for n in range(args.outlets)]
    Outlet.objects.bulk_create(
        Outlet(
            code=code,
            customer=customer,
            name=f"门店{code}",
            format="flagship",
            province=province,
            city="青岛",
        )
        for code in outlets
    )
    category = Category.objects.create(code="FRIDGE", name="冰箱")
    model = Model.objects.create(code="BCD-BENCH", name="基准冰箱", category=category)
    skus = [f"BENCH-{n:05d}" for n in range(args.skus)]
    Sku.objects.bulk_create(
        Sku(code=code, name=code, product_model=model, list_price=Decimal(1000 + n))
        for n, code in enumerate(skus)
    )
    by_code = dict(Sku.objects.values_list("code", "pk"))
    price_list = PriceList.objects.create(
        code="PL-LC",
        name="区域连锁",
        channel_type=ChannelType.LOCAL_CHAIN,
        valid_from=date(2000, 1, 1),
    )
    PriceListItem.objects.bulk_create(
        PriceListItem(price_list=price_list, sku_id=by_code[code], price=Decimal(900 + n))
        for n, code in enumerate(skus[::2])
    )
    CustomerPrice.objects.bulk_create(
        CustomerPrice(
            customer=customer,
            sku_id=by_code[code],
            price=Decimal(850 + n),
            valid_from=date(2000, 1, 1),
        )
        for n, code in enumerate(skus[::10])
    )
    return user, outlets, skus


def write_csv(path: Path, rows: int, outlets: list[str], skus: list[str]) -> dict[str, Any]:
    """`rows` distinct (outlet, SKU, day) rows, newest day first; the file's own sums."""
    from django.utils import timezone

    rng = random.Random(20260401)
    per_day = len(outlets) * len(skus)
    today = timezone.localdate()
    units = 0
    revenue = Decimal(0)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["date", "outlet", "sku", "units_received", "units_sold", "revenue", "stock_units"]
        )
        for n in range(rows):
            day = (today - timedelta(days=1 + n // per_day)).isoformat()
            rest = n % per_day
            sold = rng.randint(0, 20)
            amount = Decimal(sold * rng.randint(1000, 5000)) / 100
            units += sold
            revenue += amount
            writer.writerow(
                [
                    day,
                    outlets[rest // len(skus)],
                    skus[rest % len(skus)],
                    rng.randint(0, 30),
                    sold,
                    f"{amount:.2f}",
                    rng.randint(0, 60),
                ]
            )
    return {"units_sold": units, "revenue": revenue, "bytes": path.stat().st_size}


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="roots-st-bench-"))
    url = setup_environment(args, workdir)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum

    from roots.sellthrough.models import SellThrough
    from roots.sellthrough.services import upload_create, upload_import

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    user, outlets, skus = seed(args)
    seconds = time.perf_counter() - started
    print(f"database {connection.vendor}: migrated and seeded in {seconds:.1f} s")

    path = workdir / "feed.csv"
    started = time.perf_counter()
    sums = write_csv(path, args.rows, outlets, skus)
    print(
        f"wrote {args.rows:,} rows ({sums['bytes'] / 1e6:.1f} MB) in "
        f"{time.perf_counter() - started:.1f} s"
    )

    with path.open("rb") as handle:
        upload = upload_create(
            user=user, customer=None, kind="sellthrough", file=File(handle, "feed.csv")
        )
    rss_before = rss_mb()
    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(upload_import, upload_id=upload.pk)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    else:
        result = upload_import(upload_id=upload.pk)
    import_seconds = time.perf_counter() - started
    rss_import = rss_mb()
    assert result.status == "succeeded", result
    totals = SellThrough.objects.aggregate(
        n=django.db.models.Count("id"), u=Sum("units_sold"), r=Sum("revenue")
    )
    assert totals["n"] == args.rows and result.rows_created == args.rows, (totals, result)
    assert totals["u"] == sums["units_sold"], (totals, sums)
    assert Decimal(totals["r"]).quantize(Decimal("0.01")) == sums["revenue"], (totals, sums)
    print(
        f"import: {import_seconds:.1f} s, {args.rows / import_seconds:,.0f} rows/s, "
        f"peak RSS {rss_before:.0f} MB before -> {rss_import:.0f} MB after"
    )

    reimport_seconds = None
    if not args.no_reimport:
        with path.open("rb") as handle:
            again = upload_create(
                user=user, customer=None, kind="sellthrough", file=File(handle, "feed.csv")
            )
        started = time.perf_counter()
        second = upload_import(upload_id=again.pk)
        reimport_seconds = time.perf_counter() - started
        assert second.rows_unchanged == args.rows, second
        rate = args.rows / reimport_seconds
        print(
            f"same file again (all unchanged): {reimport_seconds:.1f} s, {rate:,.0f} rows/s, "
            f"peak RSS {rss_mb():.0f} MB"
        )

    readers: dict[str, float] = {}
    try:
        import duckdb

        started = time.perf_counter()
        con = duckdb.connect()
        con.execute("CREATE TABLE feed AS SELECT * FROM read_csv(?)", [str(path)])
        count = con.execute("SELECT count(*) FROM feed").fetchall()[0][0]
        readers["duckdb.read_csv"] = time.perf_counter() - started
        assert count == args.rows
        con.close()
    except ImportError:
        print("duckdb is not installed")
    try:
        import polars

        started = time.perf_counter()
        frame = polars.read_csv(path)
        readers["polars.read_csv"] = time.perf_counter() - started
        assert frame.height == args.rows
        del frame
    except ImportError:
        print("polars is not installed")
    for name, seconds in readers.items():
        print(
            f"{name}: {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s; "
            f"the import takes {import_seconds / seconds:.0f}x as long"
        )

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "database": connection.vendor,
        "database_url": url.split("@")[-1],
        "rows": args.rows,
        "file_mb": round(sums["bytes"] / 1e6, 1),
        "import_seconds": round(import_seconds, 2),
        "rows_per_second": round(args.rows / import_seconds),
        "peak_rss_mb_before": round(rss_before),
        "peak_rss_mb_after_import": round(rss_import),
        "reimport_seconds": round(reimport_seconds, 2) if reimport_seconds else None,
        "readers_seconds": {k: round(v, 3) for k, v in readers.items()},
    }
    out = RESULTS / f"sellthrough_import-{stamp}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
