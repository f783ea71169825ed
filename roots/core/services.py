"""Shared service helpers: validation and optimistic locking (business numbers are made by
`roots.core.numbers`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.exceptions import PreconditionFailedError
from roots.core.models import IdempotencyRecord, VersionedModel
from roots.core.numbers import sequence_next  # business numbers: roots.core.numbers

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)


def lock_for_update(*, instance: V, expected_version: int | None) -> V:
    """Re-read `instance` under a row lock and check the client's `If-Match` version."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailedError(
            _("This record was changed by someone else (now version %(now)s, yours %(yours)s).")
            % {"now": locked.version, "yours": expected_version}
        )
    return locked


def _same_value(field: models.Field[Any, Any], a: Any, b: Any) -> bool:
    """Whether two values of `field` mean the same (`Decimal("5")` is `"5.00"`, a related
    record is its primary key)."""
    if isinstance(a, models.Model):
        a = a.pk
    if isinstance(b, models.Model):
        b = b.pk
    if a is None or b is None:
        return a is None and b is None
    # (`target_field`: only on relations, which `Field` does not say)
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    try:
        return bool(target.to_python(a) == target.to_python(b))
    except ValidationError:
        return str(a) == str(b)


def _current_value(instance: models.Model, field: models.Field[Any, Any]) -> Any:
    return getattr(instance, field.attname)


def check_forbidden_fields(
    *, instance: models.Model, data: Mapping[str, Any], forbidden: Iterable[str]
) -> None:
    """Refuse a change to fields the user's role may not set. Sending the value the record
    has (or, for a new record, the field's default) is fine: forms and PUT send every field."""
    for name in forbidden:
        if name not in data:
            continue
        field = instance._meta.get_field(name)
        if not _same_value(field, data[name], _current_value(instance, field)):  # type: ignore[arg-type]
            raise PermissionDenied(_("You may not change the field “%(field)s”.") % {"field": name})


def _has_changes(instance: models.Model, data: Mapping[str, Any]) -> bool:
    for name, value in data.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        if not field.concrete or not _same_value(field, value, _current_value(instance, field)):
            return True
    return False


def record_history_user(instance: models.Model, user: Any) -> None:
    """Name `user` as the author of the history entry the next save or delete writes (the
    request middleware does it for web requests; services do it for every caller)."""
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user  # type: ignore[attr-defined]


def apply_and_validate(
    *, instance: M, data: Mapping[str, Any], exclude: Iterable[str] = (), user: Any = None
) -> M:
    """Set attributes from `data`, run the model's `full_clean()` and save; `user` is named
    as the author in the record's history.

    An edit that changes nothing saves nothing: the version (the ETag) stays and no empty
    history entry is written.
    """
    if instance.pk is not None and not _has_changes(instance, data):
        return instance
    record_history_user(instance, user)
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
    "record_history_user",
    "sequence_next",
]


def idempotency_purge(
    *, now: datetime | None = None, keep_hours: int = 24, pending_minutes: int = 10
) -> int:
    """Forget stored answers older than `keep_hours`, and reservations whose request died
    before answering (older than `pending_minutes`), so that their keys are free again."""
    now = now or timezone.now()
    answered = Q(created_at__lt=now - timedelta(hours=keep_hours))
    abandoned = Q(status_code=0, created_at__lt=now - timedelta(minutes=pending_minutes))
    deleted, _per_model = IdempotencyRecord.objects.filter(answered | abandoned).delete()
    return deleted
