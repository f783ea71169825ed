"""Forget old Idempotency-Key answers and abandoned reservations (run daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roots.core.services import idempotency_purge
from roots.core.tasks import idempotency_purge_task


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than a day and abandoned reservations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep-hours", type=int, default=24)
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = idempotency_purge_task.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        deleted = idempotency_purge(keep_hours=options["keep_hours"])
        self.stdout.write(f"deleted {deleted} idempotency records")
