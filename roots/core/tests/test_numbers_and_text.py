"""One generator of business numbers, one cleaner of free text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import shared_personas
from roots.core.models import Sequence
from roots.core.numbers import next_number, reserve_numbers
from roots.core.text import clean_text
from roots.customers.models import Customer
from roots.customers.tests.factories import CustomerFactory

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")


def test_numbers_start_past_the_highest_of_their_shape_and_skip_taken_ones(personas):
    CustomerFactory(code="C9999999", branch=personas.branch_a)  # another shape: ignored
    assert next_number(model=Customer, prefix="C", width=6, sequence="t", field="code") == (
        "C100004"
    )
    Sequence.objects.filter(name="t").update(last_value=0)
    CustomerFactory(code="C100005", branch=personas.branch_a)
    assert next_number(model=Customer, prefix="C", width=6, sequence="t", field="code") == (
        "C100006"
    )


def test_reserved_numbers_are_consecutive_and_move_the_counter(personas):
    numbers = reserve_numbers(
        model=Customer, prefix="C", sequence="r", count=3, width=6, field="code"
    )
    assert numbers == ["C100004", "C100005", "C100006"]
    assert Sequence.objects.get(name="r").last_value == 100006
    assert reserve_numbers(model=Customer, prefix="C", sequence="r", count=0, field="code") == []


def test_clean_text_strips_and_checks():
    assert clean_text("  报价  ", field="note", max_length=10) == "报价"
    assert clean_text(None, field="note", max_length=10) == ""
    for value, required in (("", True), ("a\x00b", False), ("x" * 11, False)):
        with pytest.raises(ValidationError) as caught:
            clean_text(value, field="note", max_length=10, required=required)
        assert list(caught.value.message_dict) == ["note"]
