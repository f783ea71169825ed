"""Helpers of the inventory tests: feed rows written directly."""

from __future__ import annotations

import datetime
from decimal import Decimal

from roots.sellthrough.models import SellThrough


def feed_row(
    outlet,
    sku,
    date: datetime.date,
    *,
    received: int = 0,
    sold: int = 0,
    stock: int = 0,
    cost: Decimal | str = "1999.00",
    price: int = 2500,
    revenue: Decimal | None = None,
) -> SellThrough:
    """One row of the outlet's customer; its revenue is units sold × `price` unless given."""
    return SellThrough.objects.create(
        customer=outlet.customer,
        outlet=outlet,
        sku=sku,
        date=date,
        units_received=received,
        units_sold=sold,
        revenue=Decimal(sold) * price if revenue is None else revenue,
        stock_units=stock,
        unit_cost=Decimal(cost),
    )
