"""Background tasks of the orders app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from roots.orders.custom.services import run_production_clock


@task()
def production_clock_task() -> dict[str, int]:
    """Expire stale custom-order quotes and alert on production at risk. Enqueue it every
    hour (cron: `manage.py check_production_clock --enqueue`)."""
    return run_production_clock()
