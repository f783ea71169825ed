"""The business-date rule: every date (and date-time) a user can write lies in 1970–2100.

A delivery in 9999 or a payment received in 0001 is a typo, and it would sit in the ledger,
the statements and every report that groups by month. The rule is declared once here and
reaches every entry point:

- models: `BusinessDateField` / `BusinessDateTimeField` carry `BusinessDateValidator`, which
  `full_clean()`, `ModelForm`s and DRF's `ModelSerializer` (it copies model validators) run;
- forms: `BusinessDateFormField` / `BusinessDateTimeFormField` (what the model fields' form
  fields are, and what hand-written forms declare); date inputs get `min`/`max`;
- API: `roots.core.api.BusinessDateField` / `BusinessDateTimeField` for hand-written
  serializers and query parameters;
- filters: `BusinessDateFilter` for `django-filter` (a bad date is a 400, not a 500).

A field's own bounds ("today or later", "not before the start") stay in its service or
form; they come on top of this one. A field that needs other years (a person's birthday)
passes `first_year` / `last_year`, and still carries the same validator.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
import django_stubs_ext
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 1970
LAST_YEAR = 2100
FIRST_DAY = datetime.date(FIRST_YEAR, 1, 1)
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)
# The error code of a date outside the bounds (in DRF's `ErrorDetail.code` and in Django's
# `ValidationError.code`).
OUT_OF_RANGE = "date_out_of_range"


def _year(value: datetime.date) -> int | None:
    """The year of a date, or of a date-time in the current time zone (None when the
    conversion overflows: year 1 or 9999 near the ends of the calendar)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        try:
            return timezone.localtime(value).year
        except (OverflowError, ValueError):
            return None
    return value.year


@deconstructible
class BusinessDateValidator:
    """Refuse a date or date-time outside `first_year`–`last_year` (1970–2100 by default)."""

    code = OUT_OF_RANGE

    def __init__(self, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> None:
        self.first_year = first_year
        self.last_year = last_year

    def __call__(self, value: Any) -> None:
        if not isinstance(value, datetime.date):
            return  # parsing is the field's job
        year = _year(value)
        if year is None or not self.first_year <= year <= self.last_year:
            raise ValidationError(
                _("Choose a date between %(first)s and %(last)s."),
                code=self.code,
                params={"first": self.first_year, "last": self.last_year},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BusinessDateValidator) and (self.first_year, self.last_year) == (
            other.first_year,
            other.last_year,
        )

    def __hash__(self) -> int:
        return hash((self.first_year, self.last_year))


validate_business_date = BusinessDateValidator()


def has_business_date_rule(field: Any) -> bool:
    """Whether a model, form or serializer field carries the rule (the walking test)."""
    return any(isinstance(v, BusinessDateValidator) for v in getattr(field, "validators", []))


# --- forms ----------------------------------------------------------------------------------
class _BoundsMixin(forms.Field):
    """A form field with the rule's validator; a browser date input gets `min` and `max`."""

    def __init__(
        self, *args: Any, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR, **kwargs: Any
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        super().__init__(*args, **kwargs)
        self.validators.insert(0, BusinessDateValidator(first_year, last_year))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        kind = widget.attrs.get("type") or getattr(widget, "input_type", "")
        if kind == "date":
            attrs.setdefault("min", f"{self.first_year:04d}-01-01")
            attrs.setdefault("max", f"{self.last_year:04d}-12-31")
        elif kind == "datetime-local":
            attrs.setdefault("min", f"{self.first_year:04d}-01-01T00:00")
            attrs.setdefault("max", f"{self.last_year:04d}-12-31T23:59")
        return attrs


class BusinessDateFormField(_BoundsMixin, forms.DateField):
    """`forms.DateField` with the business-date rule."""


class BusinessDateTimeFormField(_BoundsMixin, forms.DateTimeField):
    """`forms.DateTimeField` with the business-date rule."""


# `models.Field[...]` at run time, as django-stubs types it (django-tasks patches it too).
django_stubs_ext.monkeypatch()


# --- models ---------------------------------------------------------------------------------
class _ModelBoundsMixin(models.Field[Any, Any]):
    form_class: type[forms.Field]

    def __init__(
        self, *args: Any, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR, **kwargs: Any
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        super().__init__(*args, **kwargs)
        self.default_validators = [BusinessDateValidator(first_year, last_year)]

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.first_year != FIRST_YEAR:
            kwargs["first_year"] = self.first_year
        if self.last_year != LAST_YEAR:
            kwargs["last_year"] = self.last_year
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        defaults: dict[str, Any] = {"form_class": self.form_class}
        if issubclass(kwargs.get("form_class") or self.form_class, _BoundsMixin):
            defaults.update(first_year=self.first_year, last_year=self.last_year)
        return super().formfield(**{**defaults, **kwargs})


class BusinessDateField(
    _ModelBoundsMixin, models.DateField[str | datetime.date | Combinable, datetime.date]
):
    """`models.DateField` with the business-date rule (years 1970–2100 unless told)."""

    form_class = BusinessDateFormField


class BusinessDateTimeField(
    _ModelBoundsMixin, models.DateTimeField[str | datetime.datetime | Combinable, datetime.datetime]
):
    """`models.DateTimeField` with the business-date rule (years 1970–2100 unless told)."""

    form_class = BusinessDateTimeFormField


# --- filters --------------------------------------------------------------------------------
class BusinessDateFilter(django_filters.DateFilter):  # type: ignore[misc]  # django-filter is untyped
    """A date query parameter (`?date_from=`): outside 1970–2100 it is a 400 in the API
    (and ignored by a page's filter form, which shows the message)."""

    field_class = BusinessDateFormField
