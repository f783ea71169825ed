"""Background tasks of finance (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from roots.finance.services import previous_month, statements_generate


@task()
def generate_statements_task(year: int | None = None, month: int | None = None) -> dict[str, int]:
    """Draft the statements of a month (by default last month). Enqueue monthly, e.g. on
    the 1st (cron: `manage.py generate_statements --enqueue`)."""
    if year is None or month is None:
        year, month = previous_month(timezone.localdate())
    return statements_generate(year=year, month=month).as_dict()
