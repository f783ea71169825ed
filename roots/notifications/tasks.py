"""Background tasks of notifications (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from roots.notifications.services import Delivery, Purge, notifications_purge, outbox_deliver


@task()
def deliver_outbox_task(keys: list[str] | None = None) -> Delivery:
    """Send pending e-mail: the rows of `keys` (enqueued when the transaction that wrote
    them commits), or every due row (cron: `manage.py deliver_outbox --enqueue`)."""
    return outbox_deliver(keys=keys)


@task()
def purge_notifications_task() -> Purge:
    """Enqueue daily (cron: `manage.py purge_notifications --enqueue`)."""
    return notifications_purge()
