"""The demo finance: deterministic, consistent with the formulas, empty without orders."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import F, Sum

from conftest import shared_personas
from roots.finance.demo import seed_finance
from roots.finance.models import Invoice, Payment, Statement
from roots.finance.selectors import ledger_balance
from roots.orders.models import Order, OrderStatus
from roots.org.demo.common import AS_OF, DemoRandom

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def test_without_orders_nothing_is_invoiced(personas):
    counts = seed_finance(scale="small", rng=DemoRandom(1, "finance"))
    assert counts.get("finance_invoices", 0) == 0
    assert not Invoice.objects.exists()


@pytest.fixture
def shipped(personas, make_order):
    tz = ZoneInfo(settings.TIME_ZONE)
    for n in range(60):
        customer = (personas.cust_a1, personas.cust_a2, personas.cust_b1)[n % 3]
        status = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED)[n % 3]
        order = make_order(customer=customer, total=Decimal(1000 + 37 * n), status=status)
        day = AS_OF - timedelta(days=3 * n)
        Order.objects.filter(pk=order.pk).update(
            shipped_at=datetime.combine(day, time(10), tzinfo=tz)
        )
    make_order(status=OrderStatus.SUBMITTED)  # not shipped: never invoiced


def test_demo_finance_obeys_the_formulas(personas, shipped):
    counts = seed_finance(scale="small", rng=DemoRandom(7, "finance"))
    assert counts["finance_invoices"] == 60
    assert counts["finance_statements"] > 0
    assert seed_finance(scale="small", rng=DemoRandom(7, "finance")) == {}
    for customer in (personas.cust_a1, personas.cust_a2, personas.cust_b1):
        unpaid = Invoice.objects.filter(customer=customer).aggregate(
            t=Sum(F("amount") - F("paid_amount"))
        )["t"]
        unapplied = Payment.objects.filter(customer=customer).aggregate(t=Sum("unapplied_amount"))[
            "t"
        ]
        balance = ledger_balance(customer_id=customer.pk)
        assert balance == max(unpaid, 0) - (unapplied if balance < 0 else 0)
    for st in Statement.objects.all():
        assert st.closing_balance == st.opening_balance + st.total_debit - st.total_credit
        nxt = Statement.objects.filter(
            customer=st.customer, year=st.year + (st.month == 12), month=st.month % 12 + 1
        ).first()
        if nxt is not None:
            assert nxt.opening_balance == st.closing_balance
        assert st.issued_at is not None and st.issued_at.date() <= AS_OF


def test_demo_finance_is_deterministic(personas, shipped):
    seed_finance(scale="small", rng=DemoRandom(7, "finance"))
    first = list(Payment.objects.order_by("number").values_list("number", "amount", "received_on"))
    from roots.finance.models import (
        Allocation,
        Dispute,
        DisputeMessage,
        Expense,
        InvoiceLine,
        StatementLine,
    )

    for model in (DisputeMessage, Dispute, StatementLine, Statement, Allocation, InvoiceLine):
        model.objects.all().delete()
    for model in (Invoice, Payment, Expense):
        model.objects.all().delete()
    seed_finance(scale="small", rng=DemoRandom(7, "finance"))
    second = list(Payment.objects.order_by("number").values_list("number", "amount", "received_on"))
    assert first == second
