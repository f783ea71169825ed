"""The business-date rule (`roots.core.dates`) is on every date a user can write: every
editable date of every model, every date of every serializer, form and filter set in
`roots`, so that a far date (year 1, year 9999) cannot come back through a new field.

Review 2026-12, finding L2: a delivery in 9999, a payment received in 0001 and an expense
claim for 0001–9999 were accepted."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from rest_framework import serializers

import roots
from conftest import shared_personas
from roots.core import dates
from roots.core.api import BusinessDateField, BusinessDateTimeField

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

FAR = ("0001-01-01", "9999-12-31")
FAR_TIMES = ("0001-01-01T00:00:00", "9999-12-31T12:00:00")


def _import_all() -> None:
    """Import every module of the project (not tests, migrations or demo builders), so that
    `__subclasses__()` sees every serializer, form and filter set."""
    skip = (".tests", ".migrations", ".management")
    for info in pkgutil.walk_packages(roots.__path__, "roots."):
        if any(part in info.name for part in skip) or info.name.startswith("roots.settings"):
            continue
        importlib.import_module(info.name)


def _subclasses(base: type) -> Iterator[type]:
    seen: set[type] = set()
    todo = [base]
    while todo:
        cls: type
        for cls in todo.pop().__subclasses__():
            if cls not in seen:
                seen.add(cls)
                todo.append(cls)
                if cls.__module__.startswith("roots.") and ".tests" not in cls.__module__:
                    yield cls


def _is_date(field: Any) -> bool:
    return isinstance(field, serializers.DateField | serializers.DateTimeField | forms.DateField)


# --- the rule itself --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1969, 12, 31),
        datetime.date(2101, 1, 1),
        datetime.date(1, 1, 1),
        datetime.date(9999, 12, 31),
        datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.UTC),
    ],
)
def test_the_rule_refuses_far_dates_with_its_code(value):
    with pytest.raises(ValidationError) as caught:
        dates.validate_business_date(value)
    assert caught.value.code == dates.OUT_OF_RANGE


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1970, 1, 1),
        datetime.date(2100, 12, 31),
        datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC),
        None,
        "not a date",
    ],
)
def test_the_rule_accepts_business_dates(value):
    dates.validate_business_date(value)


def test_a_field_with_other_years_still_carries_the_rule():
    from roots.customers.models import Contact

    birthday = Contact._meta.get_field("birthday")
    assert dates.has_business_date_rule(birthday)
    birthday.run_validators(datetime.date(1962, 5, 1))
    with pytest.raises(ValidationError):
        birthday.run_validators(datetime.date(1899, 12, 31))
    date_input = forms.DateInput(attrs={"type": "date"})
    assert birthday.formfield(widget=date_input).widget.attrs["min"] == "1900-01-01"


# --- models -----------------------------------------------------------------------------------
def _model_date_fields() -> Iterator[tuple[str, models.Field]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("roots."):
            continue
        for model in config.get_models():
            if hasattr(model, "instance_type"):
                continue  # simple-history's copy: written by the history, not by users
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateField) and field.editable:
                    yield f"{model._meta.label}.{field.name}", field


def test_every_editable_model_date_carries_the_rule():
    found = dict(_model_date_fields())
    assert len(found) > 40  # the walk reached the apps
    missing = [name for name, field in found.items() if not dates.has_business_date_rule(field)]
    assert missing == [], f"model dates without the business-date rule: {missing}"


def test_every_editable_model_date_refuses_far_dates():
    for name, field in _model_date_fields():
        if isinstance(field, models.DateTimeField):
            far: list[Any] = [
                datetime.datetime(1, 1, 2, tzinfo=datetime.UTC),
                datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC),
            ]
        else:
            far = [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]
        for value in far:
            with pytest.raises(ValidationError):
                field.run_validators(value)
                pytest.fail(f"{name} accepts {value}")
        # ... and its form field too (ModelForms, the admin).
        formfield = field.formfield()
        assert dates.has_business_date_rule(formfield), name


# --- serializers ------------------------------------------------------------------------------
def _serializer_date_fields(serializer: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    for name, field in serializer.fields.items():
        if getattr(field, "read_only", False):
            continue
        where = f"{path}.{name}"
        if isinstance(field, serializers.ListSerializer | serializers.Serializer):
            yield from _serializer_date_fields(field, where)
        elif isinstance(field, serializers.ListField | serializers.DictField):
            child = field.child
            if _is_date(child):
                yield f"{where}[]", child
        elif _is_date(field):
            yield where, field


def _all_serializer_date_fields() -> Iterator[tuple[str, Any]]:
    _import_all()
    for cls in _subclasses(serializers.Serializer):
        try:
            serializer = cls(context={"request": None})
            fields = list(_serializer_date_fields(serializer, cls.__qualname__))
        except Exception as exc:  # reported, with the serializer's name
            pytest.fail(f"{cls.__module__}.{cls.__qualname__} cannot be walked: {exc!r}")
        yield from ((f"{cls.__module__}.{name}", field) for name, field in fields)


@pytest.mark.django_db
def test_every_serializer_date_refuses_year_1_and_9999():
    found = dict(_all_serializer_date_fields())
    assert len(found) > 30  # the walk reached the apps
    accepting = []
    for name, field in found.items():
        values = FAR_TIMES if isinstance(field, serializers.DateTimeField) else FAR
        for value in values:
            try:
                field.run_validation(value)
            except serializers.ValidationError:
                continue
            except Exception as exc:  # a 500 in the API
                accepting.append(f"{name}={value} raises {exc!r}")
                continue
            accepting.append(f"{name}={value}")
        if not dates.has_business_date_rule(field):
            accepting.append(f"{name} (no rule)")
    assert accepting == [], f"serializer dates that accept far dates: {accepting}"


def test_model_serializers_copy_the_rule_from_the_model():
    from roots.finance.api import ExpenseSerializer

    field = ExpenseSerializer().fields["period_start"]
    assert dates.has_business_date_rule(field)
    with pytest.raises(serializers.ValidationError) as caught:
        field.run_validation("0001-01-01")
    assert caught.value.get_codes() == [dates.OUT_OF_RANGE]


def test_the_api_fields_keep_the_rule_beside_their_own_validators():
    def weekday(value: datetime.date) -> None:
        if value.weekday() > 4:
            raise serializers.ValidationError("A weekday.")

    field = BusinessDateField(validators=[weekday])
    with pytest.raises(serializers.ValidationError):
        field.run_validation("9999-12-31")
    with pytest.raises(serializers.ValidationError):
        field.run_validation("2026-12-06")  # a Sunday
    assert field.run_validation("2026-12-07") == datetime.date(2026, 12, 7)
    stamp = BusinessDateTimeField()
    assert stamp.run_validation("2026-12-07T09:00:00").year == 2026
    with pytest.raises(serializers.ValidationError):
        stamp.run_validation("2101-01-01T00:00:00")


# --- forms ------------------------------------------------------------------------------------
def _form_date_fields(cls: type[forms.BaseForm]) -> Iterator[tuple[str, forms.Field]]:
    fields: dict[str, forms.Field] = dict(cls.base_fields)  # type: ignore[attr-defined]
    # Fields a form adds in __init__; a form that needs arguments (its user) keeps its base
    # fields, which are checked all the same.
    with contextlib.suppress(Exception):
        fields.update(cls().fields)
    for name, field in fields.items():
        if isinstance(field, forms.DateField | forms.DateTimeField) and not field.disabled:
            yield f"{cls.__module__}.{cls.__qualname__}.{name}", field


@pytest.mark.django_db
def test_every_form_date_refuses_year_1_and_9999():
    _import_all()
    found = {
        name: field
        for cls in _subclasses(forms.BaseForm)
        if "Historical" not in cls.__name__
        for name, field in _form_date_fields(cls)
    }
    assert len(found) > 10  # the walk reached the apps
    accepting = []
    for name, field in found.items():
        values = FAR_TIMES if isinstance(field, forms.DateTimeField) else FAR
        for value in values:
            try:
                field.clean(value)
            except ValidationError:
                continue
            accepting.append(f"{name}={value}")
    assert accepting == [], f"form dates that accept far dates: {accepting}"


# --- filter sets ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_date_filter_refuses_year_1_and_9999():
    _import_all()
    found = {}
    for cls in _subclasses(django_filters.FilterSet):
        if cls._meta.model is None:
            continue  # a mixin
        for name, field in cls(data={}).form.fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                found[f"{cls.__module__}.{cls.__qualname__}.{name}"] = field
    assert len(found) > 5
    accepting = [
        f"{name}={value}"
        for name, field in found.items()
        for value in FAR
        if not _refuses(field, value)
    ]
    assert accepting == [], f"date filters that accept far dates: {accepting}"


def _refuses(field: forms.Field, value: str) -> bool:
    try:
        field.clean(value)
    except ValidationError:
        return True
    return False


# --- query parameters: 400, never 500 ---------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/orders/", "submitted_from"),
        ("/api/v1/orders/", "submitted_to"),
        ("/api/v1/payments/", "date_from"),
        ("/api/v1/invoices/", "date_to"),
        ("/api/v1/promotions/", "valid_on"),
        ("/api/v1/activities/", "planned_from"),
        ("/api/v1/sellthrough/rows/", "date_from"),
    ],
)
@pytest.mark.parametrize("value", FAR)
def test_list_filters_answer_400_to_far_dates(api, personas, url, param, value):
    response = api.as_(personas.hq).get(url, {param: value})
    assert response.status_code == 400, (url, param, response.content[:300])
    assert param in response.json()["errors"]


@pytest.mark.django_db
def test_list_filters_still_take_business_dates(api, personas):
    today = timezone.localdate().isoformat()
    response = api.as_(personas.hq).get("/api/v1/orders/", {"submitted_from": today})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/orders/?submitted_from=9999-12-31",
        "/invoices/?date_from=0001-01-01",
        "/kpis/?from=0001-01-01&to=9999-12-31",
    ],
)
def test_pages_with_far_dates_in_filters_do_not_fail(client, personas, url):
    client.force_login(personas.hq)
    response = client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
