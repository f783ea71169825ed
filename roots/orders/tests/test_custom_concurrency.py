"""Acceptances racing each other on PostgreSQL: the same quote is accepted once, and quotes
of one customer never together exceed its credit (the customer row is locked by
`check_credit`, the custom order's row by `lock_for_update`)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from roots.core.exceptions import ConflictError
from roots.customers.models import Customer
from roots.orders.custom import services
from roots.orders.models import CustomOrder, Order
from roots.orders.tests.test_custom_support import quoted

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _race(user, custom_orders: list[CustomOrder]) -> list[str]:
    """Accept each custom order in its own thread, all released at once."""
    barrier = threading.Barrier(len(custom_orders))
    outcomes: list[str] = []

    def accept(custom_order: CustomOrder) -> None:
        try:
            barrier.wait()
            services.accept_quote(user=user, custom_order=custom_order)
            outcomes.append("accepted")
        except ConflictError:
            outcomes.append("conflict")
        except ValidationError:
            outcomes.append("credit")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(co,)) for co in custom_orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_the_same_quote_is_accepted_once(personas):
    custom_order = quoted(personas)
    copies = [CustomOrder.objects.get(pk=custom_order.pk) for _ in range(4)]
    assert _race(personas.cu_a1, copies) == ["accepted", "conflict", "conflict", "conflict"]
    assert Order.objects.count() == 1


def test_parallel_acceptances_never_exceed_the_credit(personas):
    # Each quote is 400 × ¥2,050 = ¥820,000; the credit holds two of them, not three.
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=Decimal("1700000"))
    custom_orders = [quoted(personas) for _ in range(3)]
    outcomes = _race(personas.cu_a1, custom_orders)
    assert outcomes == ["accepted", "accepted", "credit"]
    total = sum(order.total for order in Order.objects.all())
    assert total == Decimal("1640000.00") <= Decimal("1700000")
