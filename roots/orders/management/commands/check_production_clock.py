"""Run the made-to-order clock: expire stale quotes, alert on production at risk (run it
hourly from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roots.orders.custom.services import run_production_clock
from roots.orders.tasks import production_clock_task


class Command(BaseCommand):
    help = (
        "Mark custom-order quotes past their validity as expired, and alert the account and "
        "product managers once on accepted custom orders whose production must start within "
        "two days or is overdue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = production_clock_task.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        counts = run_production_clock()
        self.stdout.write(
            f"expired {counts['expired']} quotes, alerted on {counts['alerted']} custom orders"
        )
