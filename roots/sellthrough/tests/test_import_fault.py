"""The real thing: `manage.py import_sellthrough` killed with SIGKILL mid-file, then run
again, must leave the feed holding exactly the file (row count, Σ units, Σ revenue).

It runs outside the test database, in processes of its own against a fresh database: a
SQLite file in a temporary directory, or, when the tests run on PostgreSQL, a database of
its own on the same server, both copies of the test run's migrated template
(tests/db_template.py). The processes it starts make it slow.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.db_template import fresh_database

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
ROWS = 50_000
CHUNK = 2_000

SEED = """
import json, random
from datetime import date, timedelta
from decimal import Decimal
from django.core.files import File
from django.utils import timezone
from roots.catalog.models import Category, ProductModel, Sku
from roots.customers.models import ChannelType, Customer, Outlet
from roots.org.models import Branch, Province, Role, User
from roots.sellthrough.services import upload_create

province = Province.objects.create(code="370000", name="山东省", short_name="山东",
                                   name_en="Shandong", latitude=36, longitude=117)
branch = Branch.objects.create(code="BA", name="青岛工贸", province=province, city="青岛")
customer = Customer.objects.create(code="C900001", name="故障连锁", branch=branch,
                                   channel_type=ChannelType.LOCAL_CHAIN)
user = User.objects.create(username="cu_fault", role=Role.CUSTOMER_USER, customer=customer)
outlets = [f"S9{n:06d}" for n in range(50)]
Outlet.objects.bulk_create(Outlet(code=c, customer=customer, name=c, format="flagship",
                                  province=province, city="青岛") for c in outlets)
model = ProductModel.objects.create(code="BCD-F", name="冰箱",
                                    category=Category.objects.create(code="FRIDGE", name="冰箱"))
skus = [f"F-{n:04d}" for n in range(100)]
Sku.objects.bulk_create(Sku(code=c, name=c, product_model=model, list_price=Decimal(999 + n))
                        for n, c in enumerate(skus))
rng = random.Random(7)
today = timezone.localdate()
units = 0
revenue = Decimal(0)
path = "@PATH@"
with open(path, "w", encoding="utf-8") as f:
    f.write("date,outlet,sku,units_received,units_sold,revenue,stock_units\\n")
    for n in range(@ROWS@):
        sold = rng.randint(0, 20)
        amount = Decimal(sold * rng.randint(100, 900)) / 100
        units += sold
        revenue += amount
        when = today - timedelta(days=1 + n // 5000)
        rest = n % 5000
        f.write(f"{when},{outlets[rest // 100]},{skus[rest % 100]},1,{sold},{amount:.2f},3\\n")
with open(path, "rb") as handle:
    upload = upload_create(user=user, customer=None, kind="sellthrough",
                           file=File(handle, "fault.csv"))
print(json.dumps({"upload": upload.pk, "units": units, "revenue": str(revenue)}))
"""


class Database:
    """Plain SQL on the fault test's own database, from this process."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    def one(self, sql: str) -> Any:
        return self.rows(sql)[0][0]


@pytest.fixture
def database(tmp_path, django_db_blocker) -> Iterator[Database]:
    """A migrated database of this test's own, copied from the test run's template."""
    with fresh_database("roots_st_fault", tmp_path, django_db_blocker) as url:
        yield Database(url)


def _env(database: Database, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database.url,
            "ROOTS_VAR_DIR": str(tmp_path / "var"),
            # The database task backend: the upload's task is queued, not run inline.
            "DJANGO_SETTINGS_MODULE": "roots.settings.dev",
            "DEBUG": "false",
            "SECRET_KEY": "fault-test-only",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        **kwargs,
    )


def test_sigkill_mid_file_then_rerun_imports_the_file_exactly(database, tmp_path):
    env = _env(database, tmp_path)
    migrated = _manage(env, "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    code = SEED.replace("@PATH@", str(tmp_path / "fault.csv")).replace("@ROWS@", str(ROWS))
    seeded = _manage(env, "shell", "-c", code)
    assert seeded.returncode == 0, seeded.stderr
    facts = json.loads(seeded.stdout.strip().splitlines()[-1])
    upload_id = facts["upload"]
    feed = "sellthrough_sellthrough"
    staged = "sellthrough_stagedsellthrough"
    upload_row = f"FROM sellthrough_upload WHERE id = {upload_id}"

    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_sellthrough",
            str(upload_id),
            "--chunk-rows",
            str(CHUNK),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    read = 0
    try:
        while time.monotonic() < deadline and worker.poll() is None:
            read = database.one(f"SELECT rows_read {upload_row}")
            if read > 0:
                worker.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    assert 0 < read < ROWS
    # Killed mid-file: the upload still says running, some rows are staged, none in the feed.
    assert database.one(f"SELECT status {upload_row}") == "running"
    assert database.one(f"SELECT COUNT(*) FROM {staged} WHERE upload_id = {upload_id}") > 0
    assert database.one(f"SELECT COUNT(*) FROM {feed}") == 0

    rerun = _manage(env, "import_sellthrough", str(upload_id))
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    status, attempts, created, rejected = database.rows(
        f"SELECT status, attempts, rows_created, rows_rejected {upload_row}"
    )[0]
    assert (status, attempts, created, rejected) == ("succeeded", 2, ROWS, 0)
    count, units, revenue = database.rows(
        f"SELECT COUNT(*), SUM(units_sold), SUM(CAST(revenue AS NUMERIC)) FROM {feed}"
    )[0]
    assert count == ROWS
    assert units == facts["units"]
    # SQLite sums NUMERIC as floating point: compare to the cent.
    assert Decimal(str(revenue)).quantize(Decimal("0.01")) == Decimal(facts["revenue"])
    assert database.one(f"SELECT COUNT(*) FROM {staged}") == 0
    # Σ revenue exactly, row by row (no floating point): the file's cents, summed as integers.
    cents = database.one(f"SELECT SUM(CAST(ROUND(revenue * 100) AS INTEGER)) FROM {feed}")
    assert int(cents) == int(Decimal(facts["revenue"]) * 100)
