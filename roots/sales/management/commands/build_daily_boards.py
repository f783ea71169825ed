"""Build every active staff user's daily board for a day (cron, early morning)."""

from __future__ import annotations

import datetime

from roots.sales.daily.commands import DailyBoardsCommand
from roots.sales.daily.services import daily_boards_build
from roots.sales.daily.tasks import build_daily_boards_task


class Command(DailyBoardsCommand):
    help = (
        "Build each active staff user's daily board (日清) for a day: copy in the items "
        "carried over from the day before and add what their work asks for. Idempotent."
    )
    task = build_daily_boards_task

    def run(self, day: datetime.date) -> str:
        found = daily_boards_build(day=day)
        return "{day}: built {users} boards, {carried_in} items carried in, {added} added".format(
            day=day.isoformat(), **found
        )
