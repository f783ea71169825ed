"""Draft the monthly statements (by default of last month); run monthly from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from roots.finance.services import month_bounds, previous_month, statements_generate
from roots.finance.tasks import generate_statements_task


class Command(BaseCommand):
    help = (
        "Draft the statement of every customer with a movement or a balance in a month "
        "(default: last month). Drafts are rebuilt; issued statements are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int)
        parser.add_argument("--month", type=int)
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year, month = options["year"], options["month"]
        if (year is None) != (month is None):
            raise CommandError("Give both --year and --month, or neither (last month).")
        if year is None or month is None:
            year, month = previous_month(timezone.localdate())
        try:
            month_bounds(year, month)
        except Exception as exc:
            raise CommandError(f"Not a month: {year}-{month}") from exc
        if options["enqueue"]:
            result = generate_statements_task.enqueue(year=year, month=month)
            self.stdout.write(f"enqueued task {result.id}")
            return
        counts = statements_generate(year=year, month=month).as_dict()
        self.stdout.write(
            f"{year}-{month:02d}: {counts['created']} created, {counts['replaced']} drafts "
            f"rebuilt, {counts['skipped']} issued left alone"
        )
