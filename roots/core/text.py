"""Free text that services store (titles, notes, reasons, answers): one cleaner for all."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """`value` as text without surrounding white space, or a `ValidationError` on `field`:
    when it holds a NUL character (PostgreSQL refuses one in a text column), when it is
    empty and `required`, or when it is longer than `max_length`. `None` is empty."""
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValidationError({field: [_("Remove the NUL character.")]})
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": max_length}]})
    return text
