"""Background tasks of the daily board (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

import datetime

from django_tasks import task

from roots.sales.daily.services import BoardsResult, daily_boards_build, daily_boards_close


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@task()
def build_daily_boards_task(day: str | None = None) -> BoardsResult:
    """Build every staff user's board for `day` (ISO date; default today). Enqueue early
    each morning (cron: `manage.py build_daily_boards --enqueue`)."""
    return daily_boards_build(day=_day(day))


@task()
def close_daily_boards_task(day: str | None = None) -> int:
    """Carry every item still open at the end of `day` (ISO date; default today) over.
    Enqueue at 23:59 (cron: `manage.py close_daily_boards --enqueue`)."""
    return daily_boards_close(day=_day(day))
