"""Background tasks of the service app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from roots.service.services import DeadlineCheck, complaint_check_deadlines


@task()
def check_complaint_deadlines_task() -> DeadlineCheck:
    """Enqueue every 15 minutes (cron: `manage.py check_complaint_deadlines --enqueue`)."""
    return complaint_check_deadlines()
