"""`manage.py demo_users [--json | --table]`: the demo logins, two per role."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from roots.org.demo import demo_logins


class Command(BaseCommand):
    """List the demo logins: the first two demo users of every role, in the order
    seed_demo created them. `--json` prints a JSON array of
    {"username", "role", "branch", "customer", "supplier"}; `--table` (the default) a
    short table with the shared password."""

    help = "List demo logins (two per role) as JSON or as a table."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--json", action="store_true", help="JSON array (for scripts).")
        group.add_argument("--table", action="store_true", help="A table for people (default).")
        parser.add_argument("--per-role", type=int, default=2, help="Users per role (2).")

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_logins(per_role=options["per_role"])
        if options["json"]:
            self.stdout.write(json.dumps([x.as_json() for x in logins], ensure_ascii=False))
            return
        if not logins:
            self.stdout.write("No demo users: run `manage.py seed_demo` first.")
            return
        rows = [("username", "role", "branch", "customer", "supplier", "name")]
        rows += [
            (x.username, x.role, x.branch or "", x.customer or "", x.supplier or "", x.name)
            for x in logins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        self.stdout.write("Demo logins (every demo user has the same password):")
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[-1]]).rstrip())
        self.stdout.write(f"Password: {settings.DEMO_PASSWORD}")
