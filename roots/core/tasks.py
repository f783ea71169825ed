"""Background tasks of the core (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from roots.core.services import idempotency_purge


@task()
def idempotency_purge_task() -> int:
    """Enqueue daily (cron: `manage.py purge_idempotency --enqueue`)."""
    return idempotency_purge()
