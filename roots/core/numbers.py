"""Business numbers and codes (`SO00001234`, `C100004`, `PR000001`): one generator for all.

Each kind has a named counter (`core.Sequence`) advanced under a row lock. The counter
starts past the highest number of the same shape already in the table (rows loaded in bulk:
demo data, imports) and skips a number that is taken, so a generated number never collides
with one that did not come from the counter. Numbers of another shape (`C9999999` beside
`C100001`) are ignored.
"""

from __future__ import annotations

import re

from django.db import models, transaction

from roots.core.models import Sequence


def sequence_next(*, name: str, floor: int = 0, count: int = 1) -> int:
    """Advance the named counter by `count` (past `floor` at least) and return the first of
    the values it moved over: the next value when `count` is 1."""
    with transaction.atomic():
        seq, _created = Sequence.objects.select_for_update().get_or_create(name=name)
        seq.last_value = max(seq.last_value, floor) + count
        seq.save(update_fields=["last_value"])
        return seq.last_value - count + 1


def _rows(model: type[models.Model]) -> models.QuerySet[models.Model]:
    # Every row of the table, whoever asks: a number is unique across all scopes.
    return model._default_manager.all()


def _highest(*, model: type[models.Model], field: str, prefix: str, width: int) -> int:
    """The highest number of the shape `<prefix><width digits>` in `model.<field>`."""
    highest = (
        _rows(model)
        .filter(**{f"{field}__regex": rf"^{re.escape(prefix)}[0-9]{{{width}}}$"})
        .order_by(f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    return int(str(highest)[len(prefix) :]) if highest else 0


def next_number(
    *,
    model: type[models.Model],
    prefix: str,
    sequence: str,
    width: int = 8,
    field: str = "number",
) -> str:
    """The next free business number `<prefix><width digits>` for `model.<field>`, from the
    counter `sequence`. Call it inside the transaction that saves the record, so that a
    failed save gives the number back."""
    floor = _highest(model=model, field=field, prefix=prefix, width=width)
    rows = _rows(model)
    while True:
        number = f"{prefix}{sequence_next(name=sequence, floor=floor):0{width}d}"
        if not rows.filter(**{field: number}).exists():
            return number


def reserve_numbers(
    *,
    model: type[models.Model],
    prefix: str,
    sequence: str,
    count: int,
    width: int = 8,
    field: str = "number",
) -> list[str]:
    """`count` consecutive new numbers `<prefix><width digits>` in one row lock (a batch
    run that creates many records at once)."""
    if count <= 0:
        return []
    floor = _highest(model=model, field=field, prefix=prefix, width=width)
    first = sequence_next(name=sequence, floor=floor, count=count)
    return [f"{prefix}{n:0{width}d}" for n in range(first, first + count)]
