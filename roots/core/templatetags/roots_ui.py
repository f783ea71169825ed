"""Template helpers of the shell: Tabler form widgets, badges, record fields, languages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms, template
from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()

# Badge colours of the classifications that appear on lists and headers.
BADGE_COLOURS: dict[str, dict[str, str]] = {
    "tier": {"vip": "purple", "major": "blue", "ordinary": "secondary", "small": "secondary"},
    "priority": {"A+": "red", "A": "orange", "B": "yellow", "C": "secondary"},
    "status": {
        "prospect": "azure",
        "active": "green",
        "suspended": "orange",
        "closed": "secondary",
    },
    "channel_type": {
        "multinational_chain": "indigo",
        "local_chain": "blue",
        "department_store": "teal",
        "franchise_store": "lime",
        "specialty_store": "cyan",
    },
}


@register.filter
def bs_field(field: forms.BoundField) -> SafeString:
    """Render a bound field's widget with Tabler's classes (and `is-invalid` on errors)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    extra = widget.attrs.get("class")
    if extra:
        css = f"{css} {extra}"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def badge(value: str | None, kind: str) -> str:
    """CSS classes of a light badge for a classification value."""
    colour = BADGE_COLOURS.get(kind, {}).get(value or "", "secondary")
    return f"badge bg-{colour}-lt"


def grouped(value: Decimal | int | float, decimal_pos: int | None = None) -> str:
    """A number with thousands grouping in every UI language (Django's Chinese formats have
    no separator, and `1250000.00` is hard to read in a credit column)."""
    if formats.get_format("NUMBER_GROUPING") and formats.get_format("THOUSAND_SEPARATOR"):
        return formats.number_format(
            value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True
        )
    if decimal_pos is None:
        return f"{value:,}"
    return f"{Decimal(value):,.{decimal_pos}f}"


@register.filter
def money(value: Decimal | int | float | None, decimals: int = 2) -> str:
    """An amount with grouping and two decimals (`1,250,000.00`; `|money:0` for whole yuan)."""
    if value is None or value == "":
        return "—"
    return grouped(value, int(decimals))


@register.filter
def num(value: Decimal | int | float | None) -> str:
    """A count with grouping (`6,812`)."""
    if value is None or value == "":
        return "—"
    return grouped(value)


@register.filter
def initials(value: Any) -> str:
    """One or two letters for an avatar: the first character of a Chinese name, or the
    initials of a Latin one."""
    text = str(value or "").strip()
    if not text:
        return "?"
    if text[0].isascii():
        parts = [p for p in text.replace("_", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper()
    return text[0]


def _display(instance: models.Model, field: models.Field[Any, Any]) -> tuple[Any, str]:
    value = getattr(instance, field.name)
    if value is None or value == "":
        return None, "empty"
    if field.choices or hasattr(instance, f"get_{field.name}_display"):
        # A choice's label, or generated text in the reader's language (`i18n_text`).
        return getattr(instance, f"get_{field.name}_display")(), "text"
    if isinstance(field, models.BooleanField):
        return (_("Yes") if value else _("No")), "text"
    if isinstance(field, models.DecimalField):
        return grouped(value, field.decimal_places), "number"
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT"), "text"
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT"), "text"
    if isinstance(field, models.EmailField):
        return value, "email"
    if isinstance(field, models.URLField):
        return value, "url"
    if isinstance(field, models.TextField):
        return value, "longtext"
    if isinstance(field, models.IntegerField):
        if "year" in field.name:
            return str(value), "number"
        return grouped(value), "number"
    return value, "text"


@register.simple_tag
def field_items(instance: models.Model, names: str) -> list[dict[str, Any]]:
    """Label, display value and kind of each named field, for read-only record pages.

    `names` is a space-separated list so that templates decide what a section shows."""
    items = []
    for name in names.split():
        field = instance._meta.get_field(name)
        value, kind = _display(instance, field)  # type: ignore[arg-type]
        label = capfirst(str(getattr(field, "verbose_name", name)))
        items.append({"name": name, "label": label, "value": value, "kind": kind})
    return items


@register.simple_tag
def verbose_name(instance: models.Model | type[models.Model], name: str) -> str:
    """A field's label, capitalised (`credit limit (CNY)` -> `Credit limit (CNY)`)."""
    return capfirst(str(getattr(instance._meta.get_field(name), "verbose_name", name)))


@register.simple_tag(takes_context=True)
def ui_languages(context: template.Context) -> list[tuple[str, str]]:
    """Languages offered by the language switch: staff work in Chinese and English; the
    portals and the sign-in page also offer Spanish."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not user.is_portal_user:
        return [(c, n) for c, n in settings.LANGUAGES if c in settings.STAFF_LANGUAGES]
    return list(settings.LANGUAGES)


@register.filter
def has_nav(nav_items: list[dict[str, Any]], url: str) -> bool:
    """Whether the navigation offers `url` (the shell shows no links to what a role lacks)."""
    return any(item["url"] == url for item in nav_items or [])


@register.filter
def field_col(field: forms.BoundField) -> str:
    """Grid columns of a form field: long text spans the row, the rest share it."""
    if isinstance(field.field.widget, forms.Textarea):
        return "col-12"
    return "col-md-6 col-xl-4"


@register.simple_tag(takes_context=True)
def sort_header(
    context: template.Context, key: str, label: str, target: str = "", numeric: bool = False
) -> SafeString:
    """A sortable column header: the link toggles ascending / descending and keeps filters."""
    request = context["request"]
    current = context.get("sort") or ""
    params = request.GET.copy()
    params.pop("page", None)
    params["sort"] = f"-{key}" if current == key else key
    url = f"?{params.urlencode()}"
    if current == key:
        icon, state = "ti-chevron-up", "ascending"
    elif current == f"-{key}":
        icon, state = "ti-chevron-down", "descending"
    else:
        icon, state = "ti-selector text-secondary opacity-50", "none"
    htmx = ""
    if target:
        htmx = format_html(' hx-get="{}" hx-target="{}" hx-push-url="true"', url, target)
    return format_html(
        '<a class="roots-sort{}" href="{}"{} data-sort="{}" data-sort-state="{}">{} '
        '<i class="ti {}" aria-hidden="true"></i></a>',
        " justify-content-end" if numeric else "",
        url,
        htmx,
        key,
        state,
        label,
        icon,
    )


@register.filter
def history_value(value: str | None) -> str:
    """A value of a history entry as people read it (booleans as yes / no, empty as a dash)."""
    if value is None or value == "":
        return "—"
    if value == "True":
        return _("Yes")
    if value == "False":
        return _("No")
    return value
