"""Template side of `roots.core.i18n_text`: render a stored generated text in the reader's
language, `{{ line.description_text|generated:line.description }}` (the literal text is the
fallback). Models usually offer `get_<field>_display` for the same."""

from __future__ import annotations

from typing import Any

from django import template

from roots.core.i18n_text import render

register = template.Library()


@register.filter
def generated(value: Any, fallback: Any = "") -> str:
    return render(value, fallback=str(fallback or ""))
