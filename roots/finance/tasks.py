"""Background tasks of finance (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from roots.finance import rendering
from roots.finance.models import Statement
from roots.finance.services import previous_month, statements_generate


@task()
def generate_statements_task(year: int | None = None, month: int | None = None) -> dict[str, int]:
    """Draft the statements of a month (by default last month). Enqueue monthly, e.g. on
    the 1st (cron: `manage.py generate_statements --enqueue`)."""
    if year is None or month is None:
        year, month = previous_month(timezone.localdate())
    return statements_generate(year=year, month=month).as_dict()


@task()
def render_statement_pdfs_task(statement_id: int) -> int:
    """Render and keep the statement's current PDF in the languages of its readers, so that
    a download is served from the store (the statement services enqueue it after a change).
    Answers how many PDFs were rendered."""
    statement = (
        Statement.objects.all_unscoped().select_related("customer").filter(pk=statement_id).first()
    )
    if statement is None:  # deleted meanwhile
        return 0
    return rendering.store_statement_pdfs(statement=statement)
