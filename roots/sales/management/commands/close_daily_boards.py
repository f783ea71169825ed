"""The day's end of the daily boards (cron at 23:59): carry every open item over."""

from __future__ import annotations

import datetime

from roots.sales.daily.commands import DailyBoardsCommand
from roots.sales.daily.services import daily_boards_close
from roots.sales.daily.tasks import close_daily_boards_task


class Command(DailyBoardsCommand):
    help = (
        "Close a day's daily boards (日清): every item still open is carried over with the "
        "reason 'Not cleared by the end of the day', so that it counts against the clearing "
        "rate and reappears the next day."
    )
    task = close_daily_boards_task

    def run(self, day: datetime.date) -> str:
        carried = daily_boards_close(day=day)
        return f"{day.isoformat()}: {carried} open items carried over"
