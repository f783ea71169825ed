"""The life-cycle of a sell-through upload, declared once (`roots.core.lifecycle`).

queued → running → succeeded or failed. Every step is the import worker's, none a person's:

* start: the import begins (the upload's task, or `manage.py import_sellthrough`); an upload
  in any state can be imported again, which starts clean (a killed worker's staging rows
  are deleted; a finished file imported again changes nothing);
* succeed: the staged rows are merged into the feed, in one transaction;
* fail: the file cannot be read or the import stopped on an error; nothing was imported;
* requeue: an import silent for `services.STALE_AFTER` (its worker was killed) is queued
  again by `services.uploads_resume_stale` (after `services.MAX_ATTEMPTS` it fails instead).

So `allowed_actions` of an upload is always empty, and there is no step endpoint. The worker
takes its steps with `advance()`: one UPDATE from the step's source states (the import also
writes its progress with plain updates, chunk by chunk, outside the life-cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from roots.core.lifecycle import Lifecycle, Step
from roots.sellthrough.models import Upload, UploadStatus

QUEUED, RUNNING = UploadStatus.QUEUED, UploadStatus.RUNNING
SUCCEEDED, FAILED = UploadStatus.SUCCEEDED, UploadStatus.FAILED

WORKER = "the import worker"
NOBODY: frozenset[str] = frozenset()  # no role takes these steps by request


def _worker_step(
    name: str,
    sources: tuple[str, ...],
    target: str,
    label: Any,
    who: str,
    stamp: str | None = None,
) -> Step:
    """A step only the import worker or the resumer takes: no role takes it by request."""
    return Step(name, sources, target, label=label, roles=NOBODY, who=who, stamp=stamp)


UPLOAD = Lifecycle(
    name="sellthrough_upload",
    model=Upload,
    states=UploadStatus,
    initial=QUEUED,
    versioned=False,
    steps=[
        _worker_step(
            "start",
            (QUEUED, RUNNING, SUCCEEDED, FAILED),
            RUNNING,
            gettext_lazy("Importing"),
            f"{WORKER} (again: `manage.py import_sellthrough`)",
            "started_at",
        ),
        _worker_step(
            "succeed", (RUNNING,), SUCCEEDED, gettext_lazy("Imported"), WORKER, "finished_at"
        ),
        _worker_step(
            "fail",
            (RUNNING,),
            FAILED,
            gettext_lazy("Failed"),
            f"{WORKER}; the resumer after the last attempt",
            "finished_at",
        ),
        _worker_step(
            "requeue",
            (RUNNING,),
            QUEUED,
            gettext_lazy("Queued"),
            "the resumer (`manage.py resume_sellthrough_imports`)",
        ),
    ],
)


def advance(
    upload_id: int, step: str, *, where: Mapping[str, Any] | None = None, **changes: Any
) -> bool:
    """Take a worker's `step` on one upload, in the caller's transaction: one UPDATE that
    moves it from one of the step's source states (and `where`) to its target, stamped and
    with `changes`. Answers whether it moved (False: it was in no source state, e.g. a resumer
    queued it again meanwhile)."""
    declared = UPLOAD.steps[step]
    if declared.target is None:
        raise AssertionError("declared.target is not None")
    if declared.stamp:
        changes.setdefault(declared.stamp, timezone.now())
    moved = (
        Upload.objects.all_unscoped()
        .filter(pk=upload_id, status__in=declared.sources, **dict(where or {}))
        .update(status=declared.target, **changes)
    )
    return bool(moved)
