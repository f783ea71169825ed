"""Credit and stock hold under concurrency (PostgreSQL only: SQLite serialises every write).

Twelve threads, each with its own database connection, submit orders at the same moment:
the customer row lock makes one customer's orders take turns for its credit, the stock row
locks (taken in id order) make every order's reservation see the others'. The tests check
that exactly as many orders were accepted as fit, and that nothing was oversold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import F, Sum

from roots.catalog.models import StockLevel
from roots.customers.models import Customer
from roots.orders import selectors, services
from roots.orders.models import OPEN_ORDER_STATUSES, Order, OrderAllocation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
    ),
]

THREADS = 12


def _race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in parallel threads released together; answer each one's result or the
    exception it raised. Each thread closes its own connection when done."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as exc:  # the test inspects what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (a deadlock?)"
    return results


def _submit(user: Any, outlet: Any, sku: Any, quantity: int) -> Callable[[], Order]:
    def job() -> Order:
        return services.order_submit(
            user=user, data={"outlet": outlet, "lines": [{"sku": sku, "quantity": quantity}]}
        )

    return job


def test_parallel_orders_never_exceed_the_remaining_credit(personas):
    unit = Decimal("2499.00")  # A1's own price
    fits = 5
    Customer.objects.filter(pk=personas.cust_a1.pk).update(credit_limit=unit * fits + 1000)
    results = _race(
        [_submit(personas.cu_a1, personas.outlet_a1, personas.sku, 1) for _ in range(THREADS)]
    )
    accepted = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if not isinstance(r, Order)]
    assert all(isinstance(r, ValidationError) and "credit" in r.message_dict for r in refused), (
        refused
    )
    assert len(accepted) == fits
    total = sum((o.total for o in accepted), Decimal("0"))
    assert total <= unit * fits + 1000
    assert selectors.open_order_value(customer_id=personas.cust_a1.pk) == total
    assert Order.objects.filter(status__in=OPEN_ORDER_STATUSES).count() == fits
    assert len({o.number for o in accepted}) == fits


def test_parallel_orders_never_reserve_more_than_is_on_hand(personas):
    stock = StockLevel.objects.get(sku=personas.sku)
    available = stock.on_hand - stock.reserved  # 90
    per_order = 10
    jobs = [
        _submit(personas.cu_a1, personas.outlet_a1, personas.sku, per_order)
        if n % 2 == 0
        else _submit(personas.cu_b1, personas.outlet_b1, personas.sku, per_order)
        for n in range(THREADS)
    ]
    results = _race(jobs)
    accepted = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if not isinstance(r, Order)]
    assert all(isinstance(r, ValidationError) and "lines" in r.message_dict for r in refused), (
        refused
    )
    assert len(accepted) == available // per_order
    stock.refresh_from_db()
    assert stock.reserved <= stock.on_hand
    assert stock.reserved == 10 + len(accepted) * per_order
    allocated = OrderAllocation.objects.aggregate(units=Sum("quantity"))["units"]
    assert allocated == len(accepted) * per_order
    assert not StockLevel.objects.filter(reserved__gt=F("on_hand")).exists()
