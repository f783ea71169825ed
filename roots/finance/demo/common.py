"""What the demo finance's parts share (`roots.finance.demo`): batches, money, and the
writer's state."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from roots.core.demo import save_rows as core_save_rows
from roots.customers.models import Customer
from roots.org.demo.common import DemoRandom, not_after_now
from roots.org.demo.logins import showcase_customers
from roots.org.models import Role, User

BATCH = 1000
CENT = Decimal("0.01")


def money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def save_rows(model: type[models.Model], objs: list[Any]) -> list[Any]:
    return core_save_rows(model, objs, batch_size=BATCH)


class WriterBase:
    """What the parts of the demo finance share: the draws, the customers and their portal
    users, the counts by table, and the moments things happened."""

    def __init__(self, rng: DemoRandom) -> None:
        self.rng = rng
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.counts: dict[str, int] = defaultdict(int)
        self.customers = {
            c.pk: c
            for c in Customer.objects.all_unscoped().only(
                "pk",
                "code",
                "name",
                "payment_terms",
                "payment_terms_text",
                "account_manager_id",
                "branch_id",
            )
        }
        self.portal_user: dict[int, int] = {}
        for pk, customer_id in (
            User.objects.filter(role=Role.CUSTOMER_USER, is_active=True, customer__isnull=False)
            .order_by("username")
            .values_list("pk", "customer_id")
        ):
            self.portal_user.setdefault(customer_id, pk)
        # The customers of the README's logins: their latest statement waits to be reconciled
        # and the one before has a dispute their account manager has still to answer.
        self.showcase = showcase_customers()
        for customer_id, pk in self.showcase.items():
            self.portal_user[customer_id] = pk

    def moment(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time(hour, self.rng.between(0, 59)), tzinfo=self.tz)

    def at(self, day: date, hour: int = 10) -> datetime:
        """A moment of `day` that has happened (never after the moment of seeding)."""
        return not_after_now(self.moment(day, hour))
