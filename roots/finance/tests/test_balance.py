"""The balance formulas: open balance, allocation of receipts, account summary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import shared_personas
from roots.finance.models import InvoiceStatus
from roots.finance.selectors import account_summary, open_balance
from roots.finance.services import invoice_shipment

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def test_invoice_shipment_bills_the_order_once(personas, make_order):
    order = make_order(total="1234.50")
    invoice = invoice_shipment(order=order, user=personas.am_a)
    again = invoice_shipment(order=order, user=personas.am_a)
    assert again.pk == invoice.pk
    assert invoice.number.startswith("IV") and len(invoice.number) == 10
    assert invoice.amount == Decimal("1234.50")
    assert invoice.status == InvoiceStatus.OPEN
    assert (invoice.due_date - invoice.issue_date).days == 30
    assert [(line.line_no, line.quantity) for line in invoice.lines.all()] == [(1, 2)]
    assert open_balance(customer_id=personas.cust_a1.pk) == Decimal("1234.50")


def test_account_summary_counts_open_orders(personas, make_order):
    personas.cust_a1.credit_limit = Decimal("10000.00")
    personas.cust_a1.save()
    invoice_shipment(order=make_order(total="3000"), user=None)
    make_order(total="2000", status="confirmed")
    summary = account_summary(customer=personas.cust_a1)
    assert summary.open_balance == Decimal("3000.00")
    assert summary.open_orders == Decimal("2000.00")
    assert summary.available_credit == Decimal("5000.00")
    assert summary.overdue == 0
