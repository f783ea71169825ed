"""Shared pieces of the demo generator: the seeded random source, people, phones, codes."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from roots.org.data import words
from roots.org.data.provinces import CityRef, ProvinceRef

T = TypeVar("T")


def _as_of() -> date:
    pinned = os.environ.get("DEMO_AS_OF", "")
    return date.fromisoformat(pinned) if pinned else timezone.localdate()


AS_OF = _as_of()
"""The demo's "today": the day of seeding, so that open orders, due dates, statements and
clocks look current (a fixed date made every demo invoice overdue months later). A seed
gives the same data on the same day; `DEMO_AS_OF=2026-06-30` pins the day."""


@functools.cache
def seeding_moment() -> datetime:
    """The moment of seeding: the present rounded down to the hour, then kept for the
    process, so that every generator of a run agrees and a seed gives the same data within
    the hour. No demo event that has happened is dated after it."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def happened(moment: datetime) -> bool:
    """Whether a demo event planned for `moment` has happened by the moment of seeding. The
    demo's "today" is a whole day: an event laid out later that day has not happened yet
    (a statement "confirmed at 16:25" seen at 07:50 was a confirmation in the future)."""
    return moment <= seeding_moment()


def not_after_now(moment: datetime) -> datetime:
    """`moment`, or the moment of seeding when `moment` would be later: for an event that
    must have happened (an order submitted, a statement issued, news published)."""
    return min(moment, seeding_moment())


DEMO_EMAIL_DOMAIN = "demo.example.com"
"""Every demo user's e-mail ends with this; `demo_users` lists those users."""

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
_MOBILE_PREFIXES: tuple[str, ...] = tuple(
    str(n) for n in (*range(130, 140), *range(150, 160), 166, 177, *range(180, 190), 199)
)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True, slots=True)
class Address:
    """A generated street address and its parts."""

    text: str
    district: str
    road: str


@dataclass(frozen=True, slots=True)
class Person:
    """A generated person: Chinese name, its pinyin and gender."""

    surname: str
    given: str
    surname_pinyin: str
    given_pinyin: str
    gender: str

    @property
    def name(self) -> str:
        return f"{self.surname}{self.given}"

    @property
    def name_en(self) -> str:
        return f"{self.surname_pinyin} {self.given_pinyin}"


def pinyin_title(text: str) -> str:
    """`华通` -> `Huatong` (the way Chinese trade names are romanised in English names)."""
    return "".join(lazy_pinyin(text, style=Style.NORMAL)).replace("ü", "v").capitalize()


class DemoRandom:
    """A `random.Random` with the helpers the generator needs; one per generated section,
    seeded from the run's seed and the section's name so that sections are independent."""

    def __init__(self, seed: int, section: str) -> None:
        self.rng = random.Random(f"roots-demo:{seed}:{section}")
        self._surname_weights = [weight for _s, _p, weight in words.SURNAMES]

    # -- generic draws
    def choice(self, items: Sequence[T]) -> T:
        return self.rng.choice(items)

    def weighted(self, items: Sequence[T], weights: Sequence[float]) -> T:
        return self.rng.choices(items, weights=weights, k=1)[0]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        return self.rng.sample(list(items), k=min(k, len(items)))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(self.rng.gauss(0.0, sigma))

    def date_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def digits(self, n: int) -> str:
        return "".join(str(self.rng.randint(0, 9)) for _ in range(n))

    # -- people and contact details
    def person(self, gender: str | None = None) -> Person:
        surname, surname_pinyin, _w = self.rng.choices(
            words.SURNAMES, weights=self._surname_weights, k=1
        )[0]
        if gender is None:
            gender = "male" if self.rng.random() < 0.62 else "female"
        pool = words.GIVEN_MALE if gender == "male" else words.GIVEN_FEMALE
        given = self.rng.choice(pool)
        if len(given) == 1 and self.rng.random() < 0.45:
            given += self.rng.choice(pool)[0]  # 2-character names from two single characters
        given_pinyin = "".join(lazy_pinyin(given, style=Style.NORMAL)).capitalize()
        return Person(surname, given, surname_pinyin, given_pinyin, gender)

    def mobile(self) -> str:
        return self.rng.choice(_MOBILE_PREFIXES) + self.digits(8)

    def landline(self, city: CityRef) -> str:
        if city.area_code.startswith("+"):
            return f"{city.area_code} {self.digits(4)} {self.digits(4)}"
        first = self.rng.choice("568")
        return f"{city.area_code}-{first}{self.digits(7)}"

    def street_address(self, province: ProvinceRef, city: CityRef) -> Address:
        """A street address in the city (the district may be "")."""
        district = self.rng.choice(city.districts) if city.districts else ""
        streets = words.SHOPPING_STREETS.get(city.name)
        road = (
            self.rng.choice(streets)
            if streets and self.rng.random() < 0.3
            else self.rng.choice(words.ROADS)
        )
        number = self.rng.choice((self.rng.randint(1, 99), self.rng.randint(100, 999)))
        if province.code in MUNICIPALITIES:
            prefix = province.name
        elif province.code in {"810000", "820000"}:
            prefix = province.short_name
        else:
            prefix = f"{province.name}{city.full_name}"
        return Address(f"{prefix}{district}{road}{number}号", district, road)

    def credit_code(self, province: ProvinceRef, city_number: int) -> str:
        """A unified social credit code (GB 32100) with valid check characters, registered
        in the `city_number`-th city of the province."""
        body = "".join(self.rng.choice(_USCC_CHARS) for _ in range(8))
        # GB 11714 organisation code: digits count as themselves, letters A=10 .. Z=35.
        total = sum(
            (int(c) if c.isdigit() else ord(c) - 55) * w
            for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)
        )
        check = 11 - total % 11
        org_code = body + ("X" if check == 10 else "0" if check == 11 else str(check))
        region = f"{province.code[:2]}{city_number:02d}{self.rng.randint(2, 12):02d}"
        head = "91" + region + org_code
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(head, _USCC_WEIGHTS, strict=True))
        return head + _USCC_CHARS[(31 - total % 31) % 31]


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder), each at
    least `minimum` when the total allows."""
    n = len(weights)
    if n == 0:
        return []
    base = min(minimum, total // n)
    rest = total - base * n
    weight_sum = float(sum(weights)) or 1.0
    raw = [rest * w / weight_sum for w in weights]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(n), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [base + c for c in counts]


def money(value: float) -> Decimal:
    """A float as a 2-decimal Decimal."""
    return Decimal(f"{value:.2f}")


def coordinate(value: float) -> Decimal:
    """A coordinate with the 6 decimals the models store."""
    return Decimal(f"{value:.6f}")


@contextlib.contextmanager
def own_timestamps(*models_: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the `created_at`/`updated_at` the generator set (months of
    history), instead of stamping every row with the moment of seeding."""
    changed = []
    for model in models_:
        for name in ("created_at", "updated_at"):
            with contextlib.suppress(FieldDoesNotExist):
                field_: Any = model._meta.get_field(name)
                changed.append((field_, field_.auto_now, field_.auto_now_add))
                field_.auto_now = field_.auto_now_add = False
    try:
        yield
    finally:
        for field_, auto_now, auto_now_add in changed:
            field_.auto_now, field_.auto_now_add = auto_now, auto_now_add
