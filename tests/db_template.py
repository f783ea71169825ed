"""Test databases cloned from a migrated template instead of migrated one by one.

Applying the migrations takes about 30 s of CPU (Django renders the historical models of
every app for each schema step), and a run of `make test` creates six test databases: two
xdist workers on PostgreSQL, two schema-fuzzing shards, two SQLite workers, plus the
subprocess tests that need a database of their own. Here the first process of a run migrates
a template once; every test database is then a copy of it:

- PostgreSQL: a database `roots_template_<digest>` on the same server, copied with
  `CREATE DATABASE ... TEMPLATE ...` (a file copy on the server, well under a second);
- SQLite: a file `var/test-template-<digest>.sqlite3`, copied into the in-memory test
  database with SQLite's online backup.

The digest covers every migration file, the installed apps and the locked package versions,
so a changed migration makes a new template; older templates are dropped when a new one is
made. Processes that start together wait for the first one's template (an advisory lock on
PostgreSQL, a file lock for SQLite). pytest-django's `--reuse-db` and `--nomigrations` do not
apply to this set-up.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
LOCK_KEY = 71_300_001  # pg_advisory_lock key of the template's creation
PREFIX = "roots_template_"


def digest() -> str:
    """What the migrated schema depends on."""
    sha = hashlib.sha256(repr(settings.INSTALLED_APPS).encode())
    files = sorted(ROOT.glob("roots/*/migrations/*.py")) + sorted(
        ROOT.glob("tests/*/migrations/*.py")
    )
    for path in [*files, ROOT / "uv.lock"]:
        if path.exists():
            sha.update(str(path.relative_to(ROOT)).encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


def _set_name(name: str) -> None:
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.close()


@contextmanager
def _test_name(name: str) -> Iterator[None]:
    """Django's creation code with the test database's name set to `name`."""
    test = connection.settings_dict.setdefault("TEST", {})
    saved_test, saved_name = test.get("NAME"), connection.settings_dict["NAME"]
    test["NAME"] = name
    try:
        yield
    finally:
        test["NAME"] = saved_test
        _set_name(saved_name)


def _migrate(name: str) -> None:
    with _test_name(name):
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


# --- PostgreSQL -------------------------------------------------------------------------------


def _postgres_template(cursor) -> str:
    template = PREFIX + digest()
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"])
    existing = {row[0] for row in cursor.fetchall()}
    if template not in existing:
        for stale in existing:
            cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
        building = template + "_building"
        _migrate(building)
        cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    return template


def postgres_clone(name: str | None) -> None:
    """A fresh migrated database called `name` on the test server (also for tests whose
    subprocesses need a database of their own); with no name, just the template."""
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            template = _postgres_template(cursor)
            if name:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


# --- SQLite -----------------------------------------------------------------------------------


def sqlite_template() -> Path:
    """The migrated template file, made by the first process that needs it."""
    template = ROOT / "var" / f"test-template-{digest()}.sqlite3"
    template.parent.mkdir(exist_ok=True)
    with open(template.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            for stale in template.parent.glob("test-template-*.sqlite3"):
                stale.unlink()
            building = template.with_suffix(f".building-{os.getpid()}")
            _migrate(str(building))
            os.replace(building, template)
    return template


def sqlite_copy(target: str | Path) -> None:
    """A fresh migrated SQLite file at `target`."""
    shutil.copyfile(sqlite_template(), target)


# --- the test run's database ------------------------------------------------------------------


def create_test_database() -> str:
    """Make this process's test database from the template; returns the name to restore."""
    original = connection.settings_dict["NAME"]
    name = connection.creation._get_test_db_name()  # type: ignore[attr-defined]  # not in the stubs
    if connection.vendor == "postgresql":
        postgres_clone(name)
        _set_name(name)
    elif connection.vendor == "sqlite":
        template = sqlite_template()
        _set_name(name)
        if connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite's wrapper only
            connection.ensure_connection()
            with sqlite3.connect(template) as source:
                source.backup(connection.connection)
        else:
            shutil.copyfile(template, name)
    else:  # pragma: no cover - the two databases Roots supports
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return original


def destroy_test_database(original: str) -> None:
    connection.creation.destroy_test_db(original, verbosity=0)


@contextmanager
def fresh_database(name: str, tmp_path: Path, blocker) -> Iterator[str]:
    """The URL of a migrated database of its own for a test whose subprocesses run
    `manage.py` against it: on PostgreSQL a database `name` on the test server (dropped
    after), else a SQLite file under `tmp_path`. `blocker` is pytest-django's
    `django_db_blocker` (making the copy goes through Django's connection)."""
    main = os.environ.get("DATABASE_URL", "")
    if not main.startswith("postgres"):
        path = tmp_path / f"{name}.sqlite3"
        with blocker.unblock():
            sqlite_copy(path)
        yield f"sqlite:///{path}"
        return
    with blocker.unblock():
        postgres_clone(name)
    try:
        yield f"{main.rsplit('/', 1)[0]}/{name}"
    finally:
        with blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    # `python -m tests.db_template`: make the template of the configured database now, so
    # that `make test` builds PostgreSQL's and SQLite's at once, one per core, while no test
    # process waits for them.
    import django

    django.setup()
    if connection.vendor == "postgresql":
        postgres_clone(None)
    else:
        sqlite_template()
