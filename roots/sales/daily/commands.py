"""What the two cron commands of the daily boards share: a `--day` (default today) and
`--enqueue` to run the work as a background task instead
(`roots/sales/management/commands/build_daily_boards.py`, `close_daily_boards.py`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roots.sales.daily.services import board_today


def parse_day(value: str | None) -> datetime.date:
    if not value:
        return board_today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--day must be a date like 2026-03-01, not {value!r}") from exc


class DailyBoardsCommand(BaseCommand):
    """`task` runs the work in the background; `run(day)` does it now and answers the line
    to print."""

    task: Any

    def run(self, day: datetime.date) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="The day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["day"])
        if options["enqueue"]:
            result = self.task.enqueue(day.isoformat())
            self.stdout.write(f"enqueued task {result.id}")
            return
        self.stdout.write(self.run(day))
