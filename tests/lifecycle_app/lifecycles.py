"""The whole life of a test task: open → started → done, or dropped while open or started.
Account managers may start and finish tasks; only headquarters drop them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from roots.core.lifecycle import Lifecycle, Step, StepContext
from tests.lifecycle_app.models import Task, TaskStatus

WORKERS = frozenset({"hq_admin", "account_manager"})


class FinishInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=200)


def _record_outcome(context: StepContext[Task]) -> None:
    context.obj.outcome = context.data["outcome"]


def _clean_finish(data: dict[str, Any]) -> dict[str, Any]:
    from django.core.exceptions import ValidationError

    outcome = str(data.get("outcome") or "").strip()
    if not outcome:
        raise ValidationError({"outcome": ["Say what came of it."]})
    return {"outcome": outcome}


TASK = Lifecycle(
    name="test-task",
    model=Task,
    states=TaskStatus,
    initial=TaskStatus.OPEN,
    api_basename="test-task",
    page_url=lambda task: f"/test-tasks/{task.pk}/",
    steps=[
        Step("start", (TaskStatus.OPEN,), TaskStatus.STARTED, label="Start",
             stamp="started_at", roles=WORKERS),
        Step("finish", (TaskStatus.STARTED,), TaskStatus.DONE, label="Finish",
             stamp="done_at", roles=WORKERS, input=FinishInput, clean=_clean_finish,
             effect=_record_outcome, needs_form=True),
        Step("drop", (TaskStatus.OPEN, TaskStatus.STARTED), TaskStatus.DROPPED, label="Drop",
             roles=frozenset({"hq_admin"})),
    ],
)  # fmt: skip
