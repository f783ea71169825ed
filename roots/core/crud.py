"""Generic create, update and delete services for plain records.

Many records are written the same way: check that the user may write, optionally validate
the submitted values, refuse a change to the fields that never change (a code, the parent
record), lock the row against the client's version (`If-Match`), then set, `full_clean()`
and save with the user as the history author. This module writes that cycle once; an app
declares its services from it and keeps only its own rules::

    sku_create, sku_update = crud.record_services(
        Sku,
        "sku",
        check=_check_writer,
        fixed=("code",),
        create_doc="Add a SKU to a product model.",
        update_doc="Change a SKU's attributes; its code stays.",
    )
    sku_update(user=user, sku=sku, data={"name": "..."}, expected_version=3)

The generated functions keep the app's conventions: keyword-only, `<noun>_<verb>` named by
the app, one transaction each, the record passed under its own name (what the API's
`ServiceWriteMixin.instance_kwarg` names). Records with a richer life (numbers, targets,
state steps) keep hand-written services, which may still call `record_update` and
`record_delete`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from roots.core.models import VersionedModel
from roots.core.services import apply_and_validate, lock_for_update, record_history_user

if TYPE_CHECKING:
    from roots.org.models import User

V = TypeVar("V", bound=VersionedModel)
V_co = TypeVar("V_co", bound=VersionedModel, covariant=True)

# Who may write (raises PermissionDenied otherwise).
WriterCheck = Callable[["User"], None]
# Extra validation of the submitted values against the record (None on create).
Validator = Callable[[Mapping[str, Any], Any], None]


class CreateService(Protocol[V_co]):
    def __call__(self, *, user: User, data: Mapping[str, Any]) -> V_co: ...


class UpdateService(Protocol[V_co]):
    def __call__(
        self,
        *,
        user: User,
        data: Mapping[str, Any],
        expected_version: int | None = None,
        **record: Any,
    ) -> V_co: ...


def record_update(
    *,
    user: User,
    instance: V,
    data: Mapping[str, Any],
    expected_version: int | None,
    fixed: tuple[str, ...] = (),
) -> V:
    """Change a record under a row lock; the fields in `fixed` (its code, its parent
    record) cannot change (sending their current value is fine: a PUT sends every field)."""
    locked = lock_for_update(instance=instance, expected_version=expected_version)
    values = dict(data)
    for name in fixed:
        if name not in values:
            continue
        new = values.pop(name)
        current = getattr(locked, name)
        if getattr(new, "pk", new) != getattr(current, "pk", current):
            raise ValidationError({name: [_("This field cannot change.")]})
    return apply_and_validate(instance=locked, data=values, user=user)


def record_delete(*, user: User, instance: V, expected_version: int | None) -> None:
    """Delete a record under a row lock, `user` named as the author of its last history
    entry (the history stays)."""
    locked = lock_for_update(instance=instance, expected_version=expected_version)
    record_history_user(locked, user)
    locked.delete()


def record_services(
    model: type[V],
    kwarg: str,
    *,
    check: WriterCheck,
    fixed: tuple[str, ...] = (),
    validate: Validator | None = None,
    create_doc: str = "",
    update_doc: str = "",
) -> tuple[CreateService[V], UpdateService[V]]:
    """The `create(user=, data=)` and `update(user=, <kwarg>=, data=, expected_version=)`
    services of `model`: `check(user)` first, then `validate(data, record or None)`, then the
    write in one transaction (an update under a row lock, `fixed` fields unchanged)."""

    @transaction.atomic
    def create(*, user: User, data: Mapping[str, Any]) -> V:
        check(user)
        if validate is not None:
            validate(data, None)
        return apply_and_validate(instance=model(), data=dict(data), user=user)

    @transaction.atomic
    def update(
        *,
        user: User,
        data: Mapping[str, Any],
        expected_version: int | None = None,
        **record: Any,
    ) -> V:
        instance: V = record.pop(kwarg)
        if record:
            raise TypeError(f"unexpected arguments: {', '.join(record)}")
        check(user)
        if validate is not None:
            validate(data, instance)
        return record_update(
            user=user, instance=instance, data=data, expected_version=expected_version, fixed=fixed
        )

    create.__name__, create.__doc__ = f"{kwarg}_create", create_doc or None
    update.__name__, update.__doc__ = f"{kwarg}_update", update_doc or None
    return create, update
