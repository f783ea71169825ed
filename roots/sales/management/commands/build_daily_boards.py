"""Build every active staff user's daily board for a day (cron, early morning)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roots.sales.daily.services import board_today, daily_boards_build
from roots.sales.daily.tasks import build_daily_boards_task


def parse_day(value: str | None) -> datetime.date:
    if not value:
        return board_today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--day must be a date like 2026-03-01, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Build each active staff user's daily board (日清) for a day: copy in the items "
        "carried over from the day before and add what their work asks for. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="The day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it as a background task instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["day"])
        if options["enqueue"]:
            result = build_daily_boards_task.enqueue(day.isoformat())
            self.stdout.write(f"enqueued task {result.id}")
            return
        found = daily_boards_build(day=day)
        self.stdout.write(
            "{day}: built {users} boards, {carried_in} items carried in, {added} added".format(
                day=day.isoformat(), **found
            )
        )
