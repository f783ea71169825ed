"""The real thing: the task worker killed with SIGKILL after it claimed mail of the outbox
but before it sent any, then run again: every recipient gets its mail exactly once, and
a further run sends nothing more.

The mail comes from real business steps (a complaint raised by a customer user, answered by
its account manager: three recipients), committed in a process of its own; `db_worker`
runs the tasks their commits enqueued, `deliver_outbox` sweeps what is left, and the file
mail backend writes what is sent. It runs against a fresh database: a SQLite file in a
temporary directory, or, when the tests run on PostgreSQL, a database of its own on the
same server, both copies of the test run's migrated template (tests/db_template.py). The
processes it starts make it slow.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.db_template import fresh_database

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
LEASE_SECONDS = 1

SEED = """
import json
from roots.customers.models import ChannelType, Customer
from roots.org.models import Branch, Province, Role, User
from roots.service.services import complaint_raise, complaint_respond

province = Province.objects.create(code="370000", name="山东省", short_name="山东",
                                   name_en="Shandong", latitude=36, longitude=117)
branch = Branch.objects.create(code="BA", name="青岛工贸", province=province, city="青岛")
manager = User.objects.create(username="am_kill", role=Role.ACCOUNT_MANAGER, branch=branch,
                              email="am@example.com")
customer = Customer.objects.create(code="C900001", name="故障连锁", branch=branch,
                                   channel_type=ChannelType.LOCAL_CHAIN, account_manager=manager)
buyers = [User.objects.create(username=f"cu_kill{n}", role=Role.CUSTOMER_USER,
                              customer=customer, email=f"cu{n}@example.com") for n in (1, 2)]
data = {"category": "delivery", "subject": "送货延迟", "description": "三天未到货"}
complaint = complaint_raise(user=buyers[0], data=data)
complaint_respond(user=manager, complaint=complaint, text="明天补货")
print(json.dumps([manager.email] + [buyer.email for buyer in buyers]))
"""


class Database:
    """Plain SQL on the test's own database, from this process."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture
def database(tmp_path, django_db_blocker) -> Iterator[Database]:
    """A migrated database of this test's own, copied from the test run's template."""
    with fresh_database("roots_outbox_kill", tmp_path, django_db_blocker) as url:
        yield Database(url)


def _env(database: Database, tmp_path: Path, mail_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database.url,
            "ROOTS_VAR_DIR": str(tmp_path / "var"),
            # The database task backend: a commit enqueues `deliver_outbox`, nothing is sent.
            "DJANGO_SETTINGS_MODULE": "roots.settings.dev",
            "DEBUG": "false",
            "SECRET_KEY": "outbox-kill-test-only",
            "ALLOWED_HOSTS": "testserver",
            "EMAIL_URL": f"file:///{mail_dir}",  # dj-email-url drops one leading slash
            "OUTBOX_CLAIM_SECONDS": str(LEASE_SECONDS),
            **extra,
        }
    )
    env.pop("OUTBOX_DELIVER_ON_COMMIT", None)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _mailed(mail_dir: Path) -> Counter[str]:
    """How many messages the file backend wrote to each address."""
    found: Counter[str] = Counter()
    for path in mail_dir.iterdir():
        found.update(re.findall(r"^To: (.+)$", path.read_text(), flags=re.MULTILINE))
    return found


def test_a_worker_killed_between_claim_and_send_mails_each_recipient_once(database, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = _env(database, tmp_path, mail_dir)
    migrated = _manage(env, "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    seeded = _manage(env, "shell", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr
    recipients = json.loads(seeded.stdout.strip().splitlines()[-1])
    outbox = "SELECT status, COUNT(*) FROM notifications_outboxmessage GROUP BY status"
    assert database.rows(outbox) == [("pending", 3)]
    queued = "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
    assert database.rows(queued) == [(2,)]  # one `deliver_outbox` per committed step

    crashing = _env(database, tmp_path, mail_dir, OUTBOX_TEST_CRASH_BEFORE_SEND="1")
    killed = _manage(crashing, "db_worker", "--batch", "--no-startup-delay")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # Killed after its claim, before any send: nothing went out, every row is pending.
    assert list(mail_dir.iterdir()) == []
    assert database.rows(outbox) == [("pending", 3)]

    time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's claim runs out
    worker = _manage(env, "db_worker", "--batch", "--no-startup-delay")  # the other step's task
    assert worker.returncode == 0, worker.stderr
    swept = _manage(env, "deliver_outbox")  # cron: what the dead worker had claimed
    assert swept.returncode == 0, swept.stderr
    assert _mailed(mail_dir) == Counter(recipients)  # each exactly once
    assert database.rows(outbox) == [("sent", 3)]

    again = _manage(env, "deliver_outbox")
    assert again.returncode == 0, again.stderr
    assert "sent 0" in again.stdout
    assert _mailed(mail_dir) == Counter(recipients)
