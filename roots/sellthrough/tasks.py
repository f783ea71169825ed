"""Background tasks of the sell-through app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from roots.sellthrough.services import upload_import, uploads_resume_stale


@task()
def import_upload_task(upload_id: int) -> dict[str, Any]:
    """Import an uploaded feed file (enqueued by `upload_create` once the upload is
    committed); the result is the import's counts and status."""
    return upload_import(upload_id=upload_id).as_dict()


@task()
def resume_stale_imports_task() -> list[int]:
    """Start again the imports whose worker died (cron every 15 minutes:
    `manage.py resume_sellthrough_imports --enqueue`)."""
    return uploads_resume_stale()
