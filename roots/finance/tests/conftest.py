"""Fixtures of the finance tests: orders built with the ORM (not the orders services)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from roots.customers.models import Customer
from roots.orders.models import Order, OrderLine, OrderStatus


@pytest.fixture
def make_order(personas: Any) -> Callable[..., Order]:
    """`make_order(customer, total, status="shipped")`: an order of one line for the persona
    SKU, with the customer's first outlet."""
    counter = {"n": 0}

    def make(
        customer: Customer | None = None,
        total: Decimal | str | int = "1000.00",
        status: str = OrderStatus.SHIPPED,
        quantity: int = 2,
    ) -> Order:
        customer = customer or personas.cust_a1
        counter["n"] += 1
        total = Decimal(total)
        order = Order.objects.create(
            number=f"SO{counter['n']:08d}",
            customer=customer,
            outlet=customer.outlets.get(),
            status=status,
            subtotal=total,
            total=total,
            submitted_at=timezone.now(),
            shipped_at=timezone.now() if status == OrderStatus.SHIPPED else None,
        )
        OrderLine.objects.create(
            order=order,
            line_no=1,
            sku=personas.sku,
            description=personas.sku.name,
            quantity=quantity,
            list_price=total / quantity,
            unit_price=total / quantity,
            line_total=total,
        )
        return order

    return make


@pytest.fixture
def today() -> date:
    return timezone.localdate()
