"""Generated text stored as a message id with its parameters, rendered in the reader's
language when it is read (STYLE.md habit 21; Zulip and Odoo translate at render time).

A sentence the system writes (a timeline event, a daily-board item, a statement line, an
import error, standard payment terms) is declared once, in the app's `texts.py`, as a
`Message`: a stable id and an English format string marked with `gettext_noop`. Calling the
message with its parameters answers a `Text`, whose `data` is what a model stores in a
`GeneratedTextField` (JSON):

    {"id": "orders.allocated", "params": {"places": "济南中心仓库"}}

`render(data)` turns it into a sentence in the active language. Parameters that must be
rendered per language are tagged, never pre-formatted: `money()`, `day()`, `moment()`,
`number()`, `duration()`, `choice()` (an enum's label), `names()` (a name with its English
form); a nested `Text` renders in the same language. A stored `{"join": [...], "sep": ...}`
joins several pieces (message texts or parameters). Anything that is not one of these (an
id that no longer exists, legacy text a migration could not parse) falls back to the
literal text the model keeps beside it, rendered as-is.

The JSON grammar is frozen by data migrations (`roots/*/migrations/*_generated_text*`):
add tags, never change what an existing tag means.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string, module_has_submodule
from django.utils.translation import gettext, gettext_noop, pgettext

logger = logging.getLogger(__name__)

# Separators of `join` (language-neutral; the pieces are translated).
SEPARATORS = {"comma": ", ", "line": "\n", "dot": " · ", "space": " ", "colon": ": ", "": ""}

_REGISTRY: dict[str, Message] = {}
_LOADED = False


# --- declaring ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    """A sentence the system writes: `id` (stable, stored) and the English format string
    (`%(name)s` placeholders), marked with `gettext_noop` where it is declared so that
    `makemessages` extracts it. Calling it answers a `Text`."""

    id: str
    template: str
    context: str = ""

    def __post_init__(self) -> None:
        known = _REGISTRY.get(self.id)
        if known is not None and known != self:
            raise ValueError(f"message id {self.id!r} is declared twice")
        _REGISTRY[self.id] = self

    def __call__(self, **params: Any) -> Text:
        return Text({"id": self.id, "params": {k: _stored(v) for k, v in params.items()}})

    def translated(self) -> str:
        """The format string in the active language."""
        if self.context:
            return pgettext(self.context, self.template)
        return gettext(self.template)


def message(id: str, template: str, context: str = "") -> Message:
    """Declare a message (use with `gettext_noop` on the template)."""
    return Message(id, template, context)


@dataclass(frozen=True)
class Text:
    """A generated sentence as stored (`data`, JSON) that renders in the active language."""

    data: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)


def join(pieces: Iterable[Any], sep: str = "comma") -> Text:
    """Pieces (texts or parameters) joined by a separator (`SEPARATORS`); empty pieces are
    left out."""
    if sep not in SEPARATORS:
        raise ValueError(f"unknown separator {sep!r}")
    items = [_stored(p) for p in pieces if p not in (None, "") and not _is_empty_text(p)]
    return Text({"join": items, "sep": sep})


def _is_empty_text(value: Any) -> bool:
    return isinstance(value, Text) and not value.data


# --- parameters -----------------------------------------------------------------------------
def money(value: Decimal | int | float | str) -> dict[str, Any]:
    """An amount in yuan: `¥1,920.00` (grouped and with the decimal mark of the language)."""
    return {"t": "money", "v": str(Decimal(str(value)).quantize(Decimal("0.01")))}


def day(value: datetime.date, fmt: str = "DATE_FORMAT") -> dict[str, Any]:
    """A date in the language's `fmt` (a Django format name)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return {"t": "date", "v": value.isoformat(), "f": fmt}


def moment(value: datetime.datetime, fmt: str = "SHORT_DATETIME_FORMAT") -> dict[str, Any]:
    """A point in time, shown in the active time zone in the language's `fmt`."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return {"t": "datetime", "v": value.astimezone(datetime.UTC).isoformat(), "f": fmt}


def number(value: Decimal | int | float, decimals: int | None = None) -> dict[str, Any]:
    """A number, grouped, with the decimal mark of the language."""
    stored: Any = value if isinstance(value, int) else str(value)
    data: dict[str, Any] = {"t": "number", "v": stored}
    if decimals is not None:
        data["d"] = decimals
    return data


def duration(delta: datetime.timedelta) -> dict[str, Any]:
    """A length of time: `2 d 5 h`, `5 h`, `40 min` (absolute)."""
    return {"t": "duration", "s": abs(int(delta.total_seconds()))}


def choice(enum: type[models.Choices], value: str) -> dict[str, Any]:
    """The label of an enum's value (`PaymentMethod`, "bank_transfer" -> 银行转账 / Bank
    transfer); stored by the enum's import path and the value."""
    return {"t": "choice", "e": f"{enum.__module__}.{enum.__qualname__}", "v": str(value)}


def names(**by_language: str) -> dict[str, Any]:
    """A name with its forms per language (`names(zh_hans="冰箱", en="Refrigerators")`):
    the active language's form, else English, else the first given."""
    forms = {k.replace("_", "-").lower(): v for k, v in by_language.items() if v}
    return {"t": "name", "v": forms}


def _stored(value: Any) -> Any:
    """A parameter as JSON."""
    if isinstance(value, Text):
        return value.data
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str | int | dict):
        return value
    if isinstance(value, float | Decimal):
        return number(value)
    if isinstance(value, datetime.datetime):
        return moment(value)
    if isinstance(value, datetime.date):
        return day(value)
    if isinstance(value, datetime.timedelta):
        return duration(value)
    if isinstance(value, models.Choices):
        return choice(type(value), value.value)
    return str(value)


# --- rendering ------------------------------------------------------------------------------
def _load() -> None:
    """Import every Roots app's `texts` module (where messages are declared), once."""
    global _LOADED
    if _LOADED:
        return
    for config in apps.get_app_configs():
        if config.name.startswith("roots.") and module_has_submodule(config.module, "texts"):
            __import__(f"{config.name}.texts")
    _LOADED = True


def lookup(id: str) -> Message | None:
    _load()
    return _REGISTRY.get(id)


def render(data: Any, fallback: str = "") -> str:
    """`data` (stored JSON, a `Text`, or a parameter) in the active language; `fallback`
    (the literal text kept beside it) when there is nothing renderable."""
    if isinstance(data, Text):
        data = data.data
    if not data:
        return fallback
    try:
        text = _value(data)
    except Exception:  # a stored text must never break a page
        logger.exception("could not render generated text %r", data)
        return fallback
    return fallback if text is None else text


def _value(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _grouped(value)
    if isinstance(value, list):
        return ", ".join(_value(v) or "" for v in value)
    if not isinstance(value, Mapping):
        return str(value)
    if "id" in value:
        return _message(value)
    if "join" in value:
        sep = SEPARATORS.get(value.get("sep", "comma"), ", ")
        if sep == ", " and (translation.get_language() or "").startswith("zh"):
            sep = "，"  # Chinese text takes the full-width comma
        return sep.join(t for t in (_value(v) for v in value["join"]) if t)
    if "literal" in value:
        return str(value["literal"])
    kind = value.get("t")
    renderer = _PARAMS.get(kind or "")
    if renderer is None:
        return None
    return renderer(value)


def _message(value: Mapping[str, Any]) -> str | None:
    declared = lookup(str(value["id"]))
    if declared is None:
        return None
    params = {k: _value(v) or "" for k, v in (value.get("params") or {}).items()}
    template = declared.translated()
    try:
        return template % params
    except (KeyError, ValueError, TypeError):
        # A translation that does not fit the parameters: say it in English.
        return declared.template % params


def _grouped(value: Decimal | int | float, decimals: int | None = None) -> str:
    from roots.core.templatetags.roots_ui import grouped

    return grouped(value, decimals)


def _render_money(value: Mapping[str, Any]) -> str:
    return "¥" + _grouped(Decimal(value["v"]), 2)


def _render_date(value: Mapping[str, Any]) -> str:
    return formats.date_format(datetime.date.fromisoformat(value["v"]), value.get("f") or None)


def _render_datetime(value: Mapping[str, Any]) -> str:
    moment_ = timezone.localtime(datetime.datetime.fromisoformat(value["v"]))
    return formats.date_format(moment_, value.get("f") or "SHORT_DATETIME_FORMAT")


def _render_number(value: Mapping[str, Any]) -> str:
    raw = value["v"]
    try:
        number_ = raw if isinstance(raw, int) else Decimal(str(raw))
    except InvalidOperation:
        return str(raw)
    return _grouped(number_, value.get("d"))


def _render_duration(value: Mapping[str, Any]) -> str:
    # The same words as roots.orders.custom.selectors.duration_text.
    seconds = int(value["s"])
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)s h") % {"hours": hours}
    return gettext("%(minutes)s min") % {"minutes": max(rest // 60, 1)}


def _render_choice(value: Mapping[str, Any]) -> str:
    path = str(value["e"])
    if not path.startswith("roots."):
        return str(value["v"])
    try:
        enum = import_string(path)
    except ImportError:
        return str(value["v"])
    if not (isinstance(enum, type) and issubclass(enum, models.Choices)):
        return str(value["v"])
    labels = dict(enum.choices)
    return str(labels.get(value["v"], value["v"]))


def _render_name(value: Mapping[str, Any]) -> str:
    forms: Mapping[str, str] = value.get("v") or {}
    if not forms:
        return ""
    language = (translation.get_language() or "").lower()
    for code in (language, language.split("-")[0], "en"):
        if code in forms:
            return forms[code]
    for code, text in forms.items():
        if code.split("-")[0] == language.split("-")[0]:
            return text
    return next(iter(forms.values()))


_PARAMS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "money": _render_money,
    "date": _render_date,
    "datetime": _render_datetime,
    "number": _render_number,
    "duration": _render_duration,
    "choice": _render_choice,
    "name": _render_name,
}


# --- reading it back ------------------------------------------------------------------------
def parse(
    text: str,
    messages: Iterable[Message],
    *,
    languages: Iterable[str],
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> Text | None:
    """The first of `messages` whose format string (in English, in one of `languages`, or
    one of its `aliases`: other ways people write it) matches `text` exactly, every
    parameter read as text and digits for parameters named `days` or `percent`; None when
    none matches. For input a person types in any language, such as payment terms."""
    text = text.strip()
    if not text:
        return None
    declared_list = list(messages)
    candidates: list[tuple[Message, str]] = []
    for declared in declared_list:
        candidates.append((declared, declared.template))
        candidates.extend((declared, alias) for alias in (aliases or {}).get(declared.id, ()))
    for language in languages:
        with translation.override(language):
            candidates.extend((declared, declared.translated()) for declared in declared_list)
    for declared, template in candidates:
        match = _pattern(template).fullmatch(text)
        if match is not None:
            params = {
                k: int(v) if k in _NUMERIC else v.strip() for k, v in match.groupdict().items()
            }
            return declared(**params)
    return None


_NUMERIC = frozenset({"days", "percent"})
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@functools.lru_cache(maxsize=512)
def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        name = match.group(1)
        if name is None:
            parts.append("%")
        elif name in _NUMERIC:
            parts.append(rf"\s*(?P<{name}>\d{{1,3}})\s*")
        else:
            parts.append(rf"(?P<{name}>.+?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    # Spaces and full-width punctuation vary in what people type.
    pattern = "".join(parts).replace(r"\ ", r"\s*").replace("，", "[，,]\\s*")
    return re.compile(pattern, re.IGNORECASE)


# --- storing --------------------------------------------------------------------------------
class GeneratedTextField(models.JSONField):
    """A generated text as stored: `{"id", "params"}` or `{"join", "sep"}`; `{}` when the
    literal field beside it holds the text (a person's words, or legacy text)."""

    description = "Generated text (message id and parameters)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Text):
            value = value.data
        return super().get_prep_value(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Text):
            return value.data
        return super().to_python(value)


def rendered(literal: str, text: str | None = None) -> Callable[[Any], str]:
    """A model method answering the field `literal` in the reader's language: its generated
    text (`<literal>_text` unless named) when there is one, else the literal text.

        get_description_display = rendered("description")
    """
    text_field = text or f"{literal}_text"

    def display(self: Any) -> str:
        return render(getattr(self, text_field), fallback=getattr(self, literal) or "")

    display.__doc__ = f"`{literal}` in the reader's language."
    return display


def as_stored(value: Text | Mapping[str, Any] | None) -> dict[str, Any]:
    """What a `GeneratedTextField` stores for `value`."""
    if value is None:
        return {}
    if isinstance(value, Text):
        return dict(value.data)
    return dict(value)


__all__ = [
    "GeneratedTextField",
    "Message",
    "Text",
    "as_stored",
    "choice",
    "day",
    "duration",
    "gettext_noop",
    "join",
    "lookup",
    "message",
    "moment",
    "money",
    "names",
    "number",
    "parse",
    "render",
    "rendered",
]
