"""Shared service helpers: code sequences, validation and optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from roots.core.exceptions import PreconditionFailedError
from roots.core.models import Sequence, VersionedModel

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)


def sequence_next(*, name: str, floor: int = 0) -> int:
    """The next number of a named counter; `floor` lets a counter start past existing codes."""
    with transaction.atomic():
        seq, _created = Sequence.objects.select_for_update().get_or_create(name=name)
        seq.last_value = max(seq.last_value, floor) + 1
        seq.save(update_fields=["last_value"])
        return seq.last_value


def lock_for_update(*, instance: V, expected_version: int | None) -> V:
    """Re-read `instance` under a row lock and check the client's `If-Match` version."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailedError(
            _("This record was changed by someone else (now version %(now)s, yours %(yours)s).")
            % {"now": locked.version, "yours": expected_version}
        )
    return locked


def check_forbidden_fields(
    *, instance: models.Model, data: Mapping[str, Any], forbidden: Iterable[str]
) -> None:
    """Refuse a change to fields the user's role may not set (sending the same value is fine)."""
    for field in forbidden:
        if field not in data:
            continue
        current = getattr(instance, field, None)
        new = data[field]
        if isinstance(new, models.Model):
            new = new.pk
            current = getattr(instance, f"{field}_id", current)
        if instance.pk is None or str(new) != str(current):
            raise PermissionDenied(
                _("You may not change the field “%(field)s”.") % {"field": field}
            )


def apply_and_validate(*, instance: M, data: Mapping[str, Any], exclude: Iterable[str] = ()) -> M:
    """Set attributes from `data`, run the model's `full_clean()` and save."""
    for field, value in data.items():
        setattr(instance, field, value)
    if isinstance(instance, VersionedModel) and instance.pk is not None:
        instance.version += 1
    refresh = getattr(instance, "refresh_search_text", None)
    if refresh is not None:
        refresh()
    instance.full_clean(exclude=list(exclude))
    instance.save()
    return instance


__all__ = [
    "ValidationError",
    "apply_and_validate",
    "check_forbidden_fields",
    "lock_for_update",
    "sequence_next",
]
