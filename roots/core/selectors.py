"""Shared reads: change history of any record kept by django-simple-history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from django.db import models
from django.utils.translation import gettext as _

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
HIDDEN_HISTORY_FIELDS = frozenset({"version", "search_text", "updated_at", "created_at"})


class HistoryChange(TypedDict):
    field: str
    label: str
    old: str | None
    new: str | None


class HistoryEntry(TypedDict):
    history_id: int
    date: Any
    type: str
    user: str | None
    reason: str | None
    changes: list[HistoryChange]


def _display(field: models.Field[Any, Any], value: Any) -> str | None:
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def history_entries(
    *, instance: models.Model, limit: int = 200, hidden: Iterable[str] = ()
) -> list[HistoryEntry]:
    """The history of `instance`, newest first, each entry with its field-level changes.
    `hidden` fields (those the reader's role does not see) are left out, and so are the
    entries that changed only those.

    Diffs are computed in memory from consecutive snapshots (one query for the history, one
    for the users), so a long history does not cost a query per entry.
    """
    history = instance.history  # type: ignore[attr-defined]
    records = list(history.select_related("history_user").order_by("-history_date", "-pk")[:limit])
    fields = [
        f
        for f in instance._meta.concrete_fields
        if f.name not in HIDDEN_HISTORY_FIELDS and f.name != "id" and f.name not in hidden
    ]
    entries: list[HistoryEntry] = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[HistoryChange] = []
        for field in fields:
            new = getattr(record, field.attname, None)
            old = getattr(previous, field.attname, None) if previous is not None else None
            if previous is not None and new == old:
                continue
            if previous is None and (new is None or new == "" or record.history_type != "+"):
                continue
            changes.append(
                {
                    "field": field.name,
                    "label": str(field.verbose_name),
                    "old": _display(field, old),
                    "new": _display(field, new),
                }
            )
        if hidden and not changes and record.history_type == "~":
            continue
        user = record.history_user
        entries.append(
            {
                "history_id": record.history_id,
                "date": record.history_date,
                "type": HISTORY_TYPES.get(record.history_type, "changed"),
                "user": getattr(user, "username", None) if user else None,
                "reason": record.history_change_reason,
                "changes": changes,
            }
        )
    _resolve_foreign_keys(fields, entries)
    return entries


def _resolve_foreign_keys(
    fields: list[models.Field[Any, Any]], entries: list[HistoryEntry]
) -> None:
    """Replace foreign-key ids by the related records' names, one query per related model."""
    fk_fields = {f.name: f for f in fields if f.is_relation and f.many_to_one}
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        for change in entry["changes"]:
            if change["field"] in fk_fields:
                wanted.setdefault(change["field"], set()).update(
                    v for v in (change["old"], change["new"]) if v is not None
                )
    for name, ids in wanted.items():
        related = fk_fields[name].related_model
        if related is None:  # a many-to-one field always has one
            raise AssertionError("related is not None")
        names = {str(pk): str(obj) for pk, obj in related._base_manager.in_bulk(ids).items()}
        for entry in entries:
            for change in entry["changes"]:
                if change["field"] == name:
                    change["old"] = names.get(change["old"] or "", change["old"])
                    change["new"] = names.get(change["new"] or "", change["new"])


__all__ = ["HistoryEntry", "_", "history_entries"]
