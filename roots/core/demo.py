"""What the apps' demo builders share: one way to write a batch of demo rows."""

from __future__ import annotations

from typing import Any

from django.db import models
from simple_history.utils import bulk_create_with_history

HISTORY_REASON = "seed_demo"


def save_rows(model: type[models.Model], objs: list[Any], *, batch_size: int) -> list[Any]:
    """bulk_create, with a "created" history row per object when the model keeps history."""
    if not objs:
        return objs
    if getattr(model, "history", None) is not None:
        created: list[Any] = bulk_create_with_history(
            objs, model, batch_size=batch_size, default_change_reason=HISTORY_REASON
        )
        return created
    return list(model._default_manager.bulk_create(objs, batch_size=batch_size))
