"""The Django admin's bases: business records are shown read-only.

Every write of a business record is a service (versions, search text, history author,
stock, credit, events): an admin form saving the model directly would go around them. So
the admin of a business record derives from `ReadOnlyAdmin` (or `ReadOnlyHistoryAdmin`
when the model keeps a history): its list and its records show, nothing is added, changed,
deleted or reverted there. Only what has no service stays editable in the admin (provinces,
branches, call centres, suppliers, users), and an admin that edits a record with a service
calls that service (the portal's news).
"""

from __future__ import annotations

from typing import Any, TypeVar

import django_stubs_ext
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from roots.core.models import IdempotencyRecord, Sequence

# `ModelAdmin[...]` at run time, as django-stubs types it (django-tasks patches it too).
django_stubs_ext.monkeypatch()

_M = TypeVar("_M", bound=models.Model)
_P = TypeVar("_P", bound=models.Model)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """A business record's admin: the list and each record show; no add, change or delete
    (a POST to the change form, or the add page, answers 403)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdmin[_M], SimpleHistoryAdmin):  # type: ignore[misc]  # untyped base
    """`ReadOnlyAdmin` with the record's history (django-simple-history), whose "revert"
    form would otherwise save an old version around the services: a POST to it is a 403."""

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response


class ReadOnlyInline(admin.TabularInline[_M, _P]):
    """The lines of a read-only record (no add, change or delete)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin[IdempotencyRecord]):
    list_display = ["key", "user", "method", "path", "status_code", "created_at"]
    search_fields = ["key", "path"]
    raw_id_fields = ["user"]


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin[Sequence]):
    """The counters of business numbers (`roots.core.numbers`): moved only by it."""

    list_display = ["name", "last_value"]
