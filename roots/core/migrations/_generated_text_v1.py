"""Frozen helpers of the data migrations that read generated text stored as words (in the
language it was written in) back into a message id with parameters, the JSON of
`roots.core.i18n_text` (grammar version 1).

This is migration code: it imports no app code, and it never changes once a migration uses
it (a new grammar gets a new module). The loader skips it (its name starts with `_`).

A `Spec` is one message: its id, its format string in each language it may have been
written in (English, the translations of the time, older wordings such as the demo
data's), and the kind of each parameter. `read(text, specs)` answers the stored JSON of the
first spec that matches the whole text, or None (the text stays literal, shown as written).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

BATCH = 2000
ZONE = ZoneInfo("Asia/Shanghai")  # the project's TIME_ZONE when these texts were written

# A parameter's kind: "str", "int", "number", "money", "duration", "date:<FORMAT>",
# "datetime:<FORMAT>", or ("choice", "<enum import path>", {label: value}).
Kind = Any


@dataclass(frozen=True)
class Spec:
    id: str
    templates: Sequence[tuple[str, str]]  # (language, format string)
    kinds: Mapping[str, Kind] = field(default_factory=dict)


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
_CACHE: dict[str, re.Pattern[str]] = {}


def pattern(template: str) -> re.Pattern[str]:
    found = _CACHE.get(template)
    if found is None:
        parts = []
        position = 0
        for match in _PLACEHOLDER.finditer(template):
            parts.append(re.escape(template[position : match.start()]))
            name = match.group(1)
            parts.append("%" if name is None else rf"(?P<{name}>.+?)")
            position = match.end()
        parts.append(re.escape(template[position:]))
        found = _CACHE[template] = re.compile("".join(parts), re.DOTALL)
    return found


# --- parameters -------------------------------------------------------------------------------
_MONTHS_EN = {
    name: i
    for i, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_MONTHS_ES = {
    name: i
    for i, name in enumerate(
        (
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ),
        start=1,
    )
}


def _date(raw: str, language: str) -> datetime.date | None:
    raw = raw.strip()
    try:
        if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", raw):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw):
            a, b = int(m[1]), int(m[2])
            month, day = (b, a) if language == "es" else (a, b)
            return datetime.date(int(m[3]), month, day)
        if m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4})", raw):
            month = _MONTHS_EN.get(m[1].lower())
            return datetime.date(int(m[3]), month, int(m[2])) if month else None
        if m := re.fullmatch(r"(\d{1,2}) de (\w+) de (\d{4})", raw):
            month = _MONTHS_ES.get(m[2].lower())
            return datetime.date(int(m[3]), month, int(m[1])) if month else None
    except ValueError:
        return None
    return None


def _moment(raw: str, language: str) -> datetime.datetime | None:
    raw = raw.strip()
    m = re.fullmatch(r"(.+?)\s+(\d{1,2}):(\d{2})(?:\s*([ap])\.?m\.?)?", raw, re.IGNORECASE)
    if m is None:
        # English noon and midnight ("12/07/2026 noon", "... midnight").
        m2 = re.fullmatch(r"(.+?)\s+(noon|midnight)", raw)
        if m2 is None:
            return None
        day = _date(m2[1], language)
        if day is None:
            return None
        hour = 12 if m2[2] == "noon" else 0
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
    day = _date(m[1], language)
    if day is None:
        return None
    hour, minute = int(m[2]), int(m[3])
    if m[4]:
        hour = hour % 12 + (12 if m[4].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def _duration(raw: str) -> int | None:
    text = raw.replace(" ", "")
    patterns = (
        (r"(\d+)(?:天|d)(\d+)(?:小时|h)", lambda m: int(m[1]) * 86400 + int(m[2]) * 3600),
        (r"(\d+)(?:小时|h)", lambda m: int(m[1]) * 3600),
        (r"(\d+)(?:分钟|min)", lambda m: int(m[1]) * 60),
    )
    for regex, seconds in patterns:
        if m := re.fullmatch(regex, text):
            return seconds(m)
    return None


def _decimal(raw: str) -> Decimal | None:
    text = raw.strip().replace("¥", "").replace(",", "").replace(" ", "").strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def param(kind: Kind, raw: str, language: str) -> Any:
    """The stored parameter, or None when `raw` cannot be read as `kind`."""
    if kind == "str":
        return raw
    if kind == "int":
        text = raw.replace(",", "").strip()
        return int(text) if text.isdigit() else None
    if kind == "number":
        if raw.strip() in ("—", "-"):
            return "—"
        value = _decimal(raw)
        return None if value is None else {"t": "number", "v": str(value)}
    if kind == "money":
        value = _decimal(raw)
        return None if value is None else {"t": "money", "v": str(value.quantize(Decimal("0.01")))}
    if kind == "duration":
        seconds = _duration(raw)
        return None if seconds is None else {"t": "duration", "s": seconds}
    if isinstance(kind, str) and kind.startswith("date:"):
        if raw.strip() in ("—", "-"):
            return "—"
        day = _date(raw, language)
        return None if day is None else {"t": "date", "v": day.isoformat(), "f": kind[5:]}
    if isinstance(kind, str) and kind.startswith("datetime:"):
        if raw.strip() in ("—", "-"):
            return "—"
        moment = _moment(raw, language)
        if moment is None:
            return None
        utc = moment.astimezone(datetime.UTC).isoformat()
        return {"t": "datetime", "v": utc, "f": kind[9:]}
    if isinstance(kind, tuple) and kind[0] == "choice":
        value = kind[2].get(raw.strip())
        return None if value is None else {"t": "choice", "e": kind[1], "v": value}
    return None


# --- reading ----------------------------------------------------------------------------------
def read(text: str, specs: Iterable[Spec]) -> dict[str, Any] | None:
    """The stored JSON of the first spec whose format string matches all of `text`."""
    if not text:
        return None
    for spec in specs:
        for language, template in spec.templates:
            match = pattern(template).fullmatch(text)
            if match is None:
                continue
            params = {}
            for name, raw in match.groupdict().items():
                value = param(spec.kinds.get(name, "str"), raw, language)
                if value is None:
                    break
                params[name] = value
            else:
                return {"id": spec.id, "params": params}
    return None


def read_join(
    text: str, specs: Iterable[Spec], *, separators: str = r"，|, ", sep: str = "comma"
) -> dict[str, Any] | None:
    """`text` as pieces joined by `separators`, each read by `specs` (all must be read)."""
    if not text:
        return None
    specs = list(specs)
    pieces = []
    for piece in re.split(separators, text):
        found = read(piece.strip(), specs)
        if found is None:
            return None
        pieces.append(found)
    return {"join": pieces, "sep": sep}


def choice(path: str, labels: Mapping[str, str]) -> tuple[str, str, Mapping[str, str]]:
    return ("choice", path, labels)


# --- backfilling ------------------------------------------------------------------------------
def backfill(
    model: Any,
    *,
    read_fields: Sequence[str],
    convert: Callable[[dict[str, Any]], dict[str, Any] | None],
    batch: int = BATCH,
) -> int:
    """Walk `model`'s rows in primary-key batches; `convert(row)` answers the fields to
    update (or None). Answers how many rows changed."""
    manager = model._base_manager
    last = 0
    changed = 0
    while True:
        rows = list(manager.filter(pk__gt=last).order_by("pk").values("pk", *read_fields)[:batch])
        if not rows:
            return changed
        last = rows[-1]["pk"]
        updates: dict[tuple[str, ...], list[Any]] = {}
        for row in rows:
            values = convert(row)
            if not values:
                continue
            obj = model(pk=row["pk"])
            for name, value in values.items():
                setattr(obj, name, value)
            updates.setdefault(tuple(sorted(values)), []).append(obj)
        for fields, objs in updates.items():
            manager.bulk_update(objs, list(fields), batch_size=500)
            changed += len(objs)
