"""A read-only field that answers `null` when its record is missing (`default=None`) must
say so in the schema (`allow_null=True`): the schema fuzzing found `account_manager_name`
answered as null for a customer without an account manager while the schema promised a
string. This walks every serializer of the project, so the same slip cannot come back."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from roots.core.tests.test_business_dates import _import_all, _subclasses


@pytest.mark.django_db
def test_every_read_only_field_that_defaults_to_null_is_nullable():
    _import_all()
    walked, slips = 0, []
    for cls in _subclasses(serializers.Serializer):
        if not hasattr(cls, "Meta") and issubclass(cls, serializers.ModelSerializer):
            continue  # a base without a model
        for name, field in cls(context={"request": None}).fields.items():
            walked += 1
            if field.read_only and field.default is None and not field.allow_null:
                slips.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert walked > 300  # the walk reached the apps
    assert not slips, slips
