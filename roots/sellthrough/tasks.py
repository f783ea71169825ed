"""Background tasks of the sell-through app (django-tasks; run by `manage.py db_worker`).

The services queue an import through `enqueue_import`; a task's body imports the services
when it runs, so that the two modules do not import each other (the services import this
module, never the other way round)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task


@task()
def import_upload_task(upload_id: int) -> dict[str, Any]:
    """Import an uploaded feed file (enqueued by `upload_create` once the upload is
    committed); the result is the import's counts and status."""
    from roots.sellthrough.services import upload_import

    return upload_import(upload_id=upload_id).as_dict()


def enqueue_import(upload_id: int) -> None:
    """Queue the import of an upload once the current transaction commits (at once outside
    one)."""
    transaction.on_commit(partial(import_upload_task.enqueue, upload_id))


@task()
def resume_stale_imports_task() -> list[int]:
    """Start again the imports whose worker died (cron every 15 minutes:
    `manage.py resume_sellthrough_imports --enqueue`)."""
    from roots.sellthrough.services import uploads_resume_stale

    return uploads_resume_stale()
