"""Builders of finance records for tests (through the services where a rule applies)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from roots.customers.models import Customer
from roots.finance import services
from roots.finance.models import (
    Expense,
    ExpenseKind,
    ExpenseStatus,
    Invoice,
    InvoiceStatus,
    Payment,
)


def _saved(model: type[Any], **values: Any) -> Any:
    """A record saved with its search text (as the services save it)."""
    obj = model(**values)
    obj.refresh_search_text()
    obj.save()
    return obj


def invoice(
    customer: Customer,
    amount: str | Decimal,
    issue_date: date,
    due_date: date | None = None,
    number: str | None = None,
) -> Invoice:
    """An invoice without an order, dated as given (statement arithmetic)."""
    n = Invoice.objects.count() + 1
    inv = _saved(
        Invoice,
        number=number or f"IV9{n:07d}",
        customer=customer,
        issue_date=issue_date,
        due_date=due_date or issue_date,
        amount=Decimal(amount),
        status=InvoiceStatus.OPEN,
    )
    services.apply_receipts(customer_id=customer.pk)
    inv.refresh_from_db()
    return inv


def payment(customer: Customer, amount: str | Decimal, received_on: date, **extra: Any) -> Payment:
    n = Payment.objects.count() + 1
    pay = _saved(
        Payment,
        number=f"PM9{n:07d}",
        customer=customer,
        received_on=received_on,
        amount=Decimal(amount),
        unapplied_amount=Decimal(amount),
        **extra,
    )
    services.apply_receipts(customer_id=customer.pk)
    pay.refresh_from_db()
    return pay


def credit(
    customer: Customer,
    amount: str | Decimal,
    credit_date: date,
    kind: str = ExpenseKind.REBATE,
) -> Expense:
    n = Expense.objects.count() + 1
    exp = _saved(
        Expense,
        number=f"EX9{n:07d}",
        customer=customer,
        kind=kind,
        status=ExpenseStatus.APPROVED,
        activity="Q1 volume rebate",
        period_start=credit_date,
        period_end=credit_date,
        amount=Decimal(amount),
        unapplied_amount=Decimal(amount),
        credit_date=credit_date,
    )
    services.apply_receipts(customer_id=customer.pk)
    exp.refresh_from_db()
    return exp


def claim(customer: Customer, amount: str | Decimal = "500.00", user: Any = None) -> Expense:
    n = Expense.objects.count() + 1
    return _saved(
        Expense,
        number=f"EX8{n:07d}",
        customer=customer,
        kind=ExpenseKind.MARKETING_EXPENSE,
        status=ExpenseStatus.SUBMITTED,
        activity="五一促销堆头",
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        amount=Decimal(amount),
        submitted_by=user,
    )
