"""The day's end of the daily boards (cron at 23:59): carry every open item over."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roots.sales.daily.services import daily_boards_close
from roots.sales.daily.tasks import close_daily_boards_task
from roots.sales.management.commands.build_daily_boards import parse_day


class Command(BaseCommand):
    help = (
        "Close a day's daily boards (日清): every item still open is carried over with the "
        "reason 'Not cleared by the end of the day', so that it counts against the clearing "
        "rate and reappears the next day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="The day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["day"])
        if options["enqueue"]:
            result = close_daily_boards_task.enqueue(day.isoformat())
            self.stdout.write(f"enqueued task {result.id}")
            return
        carried = daily_boards_close(day=day)
        self.stdout.write(f"{day.isoformat()}: {carried} open items carried over")
