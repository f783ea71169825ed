"""Field allow-lists: what each role may write on a record, declared once per model.

Each app's `policies.py` declares, per editable model, a map `{role: frozenset(field names)}`
of the fields that role may change (a role that is not in the map may change none). Both the
API and the HTML pages derive from it, so that they cannot differ:

* `AllowListSerializerMixin` marks every other field of a serializer read-only for the
  caller when it edits a record, and refuses (403, "You may not change the field …") a
  request that would change one; sending the value the record already has is fine (forms
  and PUT send every field).
* `AllowListFormMixin` drops from a `ModelForm` the fields the user may not write.
* `check_allowed_fields` is the same rule for services called from elsewhere.

An allow-list and not a deny-list: a field added to a model later is nobody's to write
until a policy names it (security review 2026-12, M1/M2).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from rest_framework.fields import empty

from roots.core.services import _same_value

# role -> the fields that role may write
FieldAllowList = Mapping[str, frozenset[str]]


def writable_fields(user: Any, allow: FieldAllowList) -> frozenset[str]:
    """The fields `user` may write under `allow` (none for an anonymous or inactive user)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    return allow.get(getattr(user, "role", ""), frozenset())


def refuse_field(name: str) -> PermissionDenied:
    return PermissionDenied(_("You may not change the field “%(field)s”.") % {"field": name})


def is_unchanged(instance: models.Model, name: str, value: Any) -> bool:
    """Whether `value` is what the field `name` of `instance` holds already."""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    if field.many_to_many:
        if instance.pk is None:
            return not value
        current = set(getattr(instance, name).values_list("pk", flat=True))
        return {getattr(item, "pk", item) for item in value or ()} == current
    if not field.concrete:
        return False
    return _same_value(field, value, getattr(instance, field.attname))


def check_allowed_fields(
    *,
    user: Any,
    instance: models.Model,
    data: Mapping[str, Any],
    allow: FieldAllowList,
    fixed: FieldAllowList | None = None,
) -> None:
    """Refuse (PermissionDenied) a change to a field `user` may not write. `fixed` names,
    per role, the fields the caller checks itself: set on create, never changed (a change
    of a code answers 400 there, to the roles that create such records)."""
    allowed = writable_fields(user, allow) | writable_fields(user, fixed or {})
    for name, value in data.items():
        if name not in allowed and not is_unchanged(instance, name, value):
            raise refuse_field(name)


class AllowListSerializerMixin:
    """For a `ModelSerializer` editing a record: the fields the caller's role may not write
    (by `field_allow_list`) are read-only, and a request that would change one is refused
    with 403. `fixed_fields` (`{role: fields}`) are set on create and never changed; for
    those roles the service answers a change (400). `hidden_fields` (`{role: fields}`) are
    left out of the answer for that role, and are refused like the others when written.

    Creation is not affected: each create service enforces who creates what."""

    field_allow_list: ClassVar[FieldAllowList] = {}
    fixed_fields: ClassVar[FieldAllowList] = {}
    hidden_fields: ClassVar[FieldAllowList] = {}

    instance: Any
    context: dict[str, Any]

    def _caller(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()  # type: ignore[misc]
        self._guarded: dict[str, Any] = {}
        user = self._caller()
        hidden = self.hidden_fields.get(getattr(user, "role", ""), frozenset())
        for name in hidden & fields.keys():
            field = fields.pop(name)
            if not field.read_only:
                self._guarded[name] = field
        if self.instance is None or isinstance(self.instance, list | tuple):
            return fields
        allowed = writable_fields(user, self.field_allow_list) | writable_fields(
            user, self.fixed_fields
        )
        for name, field in fields.items():
            if field.read_only or name in allowed:
                continue
            self._guarded[name] = copy.deepcopy(field)
            field.read_only = True
            field.required = False
        return fields

    def to_internal_value(self, data: Any) -> Any:
        attrs = super().to_internal_value(data)  # type: ignore[misc]
        self.fields  # type: ignore[attr-defined]  # noqa: B018 (builds the guarded fields)
        if self.instance is None or not isinstance(data, Mapping):
            if self.instance is None:
                self._refuse_hidden(data)
            return attrs
        for name, original in self._guarded.items():
            guard = copy.deepcopy(original)
            guard.bind(field_name=name, parent=self)
            primitive = guard.get_value(data)
            if primitive is empty:
                continue
            try:
                value = guard.run_validation(primitive)
            except Exception as exc:  # an invalid value is not the current one either
                raise refuse_field(name) from exc
            if not is_unchanged(self.instance, guard.source, value):
                raise refuse_field(name)
        return attrs

    def _refuse_hidden(self, data: Any) -> None:
        """On create, a hidden field is not offered: refuse it (403) rather than drop it."""
        if not isinstance(data, Mapping):
            return
        for name in self._guarded:
            if name in data:
                raise refuse_field(name)


class AllowListFormMixin:
    """For a `ModelForm` with a `user`: the fields the user may not write are not on the
    form at all. Call `limit_to_allowed(user)` at the end of `__init__`."""

    field_allow_list: ClassVar[FieldAllowList] = {}
    # Form fields that are not model fields the allow-list names (a posted version ...).
    always_fields: ClassVar[frozenset[str]] = frozenset()

    fields: dict[str, Any]

    def limit_to_allowed(self, user: Any, *, allow: FieldAllowList | None = None) -> None:
        allowed = writable_fields(user, self.field_allow_list if allow is None else allow)
        for name in list(self.fields):
            if name not in allowed and name not in self.always_fields:
                del self.fields[name]
