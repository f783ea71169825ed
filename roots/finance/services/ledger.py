"""Writes of the account: numbering, invoices from shipments, payments, rebates and
expense claims, and the application of receipts to invoices (oldest first)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.numbers import next_number
from roots.core.services import record_history_user
from roots.core.text import clean_text
from roots.customers.texts import payment_terms_days
from roots.finance import policies
from roots.finance.lifecycles.common import take_as_service
from roots.finance.lifecycles.expenses import EXPENSE
from roots.finance.models import (
    DEFAULT_PAYMENT_DAYS,
    MAX_AMOUNT,
    ZERO,
    Allocation,
    Expense,
    ExpenseKind,
    ExpenseStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.orders.models import Order
    from roots.org.models import User

_DAYS = re.compile(r"(\d{1,3})")


def payment_days(customer: Customer) -> int:
    """Days to pay an invoice: the days of the customer's standard payment terms, else the
    number in its typed terms ("Net 45", "月结60天"), else DEFAULT_PAYMENT_DAYS; at most a
    year."""
    days = payment_terms_days(customer.payment_terms_text)
    if days is not None:
        return max(0, min(days, 365))
    match = _DAYS.search(customer.payment_terms or "")
    if match:
        return max(0, min(int(match.group(1)), 365))
    return DEFAULT_PAYMENT_DAYS


# --- receipts applied to invoices ----------------------------------------------------------


def _set_invoice_status(invoice: Invoice, paid_on: date) -> None:
    if invoice.paid_amount >= invoice.amount:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = paid_on
    elif invoice.paid_amount > 0:
        invoice.status = InvoiceStatus.PARTIALLY_PAID
        invoice.paid_at = None
    else:
        invoice.status = InvoiceStatus.OPEN
        invoice.paid_at = None


def apply_receipts(*, customer_id: int, user: User | None = None) -> int:
    """Apply unapplied payments and credits, oldest first, to the customer's open invoices,
    oldest first. Returns the number of allocations made. Every service that adds an
    invoice or a receipt calls it inside its own transaction."""
    with transaction.atomic():
        return _apply_receipts(customer_id=customer_id, user=user)


def _apply_receipts(*, customer_id: int, user: User | None) -> int:
    invoices = list(
        Invoice.objects.all_unscoped()
        .select_for_update()
        .filter(customer_id=customer_id)
        .exclude(status=InvoiceStatus.PAID)
        .order_by("issue_date", "id")
    )
    if not invoices:
        return 0
    payments = list(
        Payment.objects.all_unscoped()
        .select_for_update()
        .filter(customer_id=customer_id, unapplied_amount__gt=0)
        .order_by("received_on", "id")
    )
    credits = list(
        Expense.objects.all_unscoped()
        .select_for_update()
        .filter(customer_id=customer_id, status=ExpenseStatus.APPROVED, unapplied_amount__gt=0)
        .order_by("credit_date", "id")
    )
    receipts: list[Payment | Expense] = sorted(
        [*payments, *credits],
        key=lambda r: (
            r.received_on if isinstance(r, Payment) else (r.credit_date or date.min),
            0 if isinstance(r, Payment) else 1,
            r.pk,
        ),
    )
    allocations: list[Allocation] = []
    touched_invoices: set[int] = set()
    touched_receipts: list[Payment | Expense] = []
    inv_iter = iter(invoices)
    invoice = next(inv_iter, None)
    for receipt in receipts:
        while invoice is not None and receipt.unapplied_amount > 0:
            due = invoice.amount - invoice.paid_amount
            if due <= 0:
                invoice = next(inv_iter, None)
                continue
            amount = min(due, receipt.unapplied_amount)
            allocations.append(
                Allocation(
                    invoice=invoice,
                    payment=receipt if isinstance(receipt, Payment) else None,
                    expense=receipt if isinstance(receipt, Expense) else None,
                    amount=amount,
                )
            )
            invoice.paid_amount += amount
            receipt.unapplied_amount -= amount
            receipt_date = (
                receipt.received_on if isinstance(receipt, Payment) else receipt.credit_date
            )
            _set_invoice_status(
                invoice, max(receipt_date or invoice.issue_date, invoice.issue_date)
            )
            touched_invoices.add(invoice.pk)
        if receipt not in touched_receipts:
            touched_receipts.append(receipt)
        if invoice is None:
            break
    if not allocations:
        return 0
    Allocation.objects.bulk_create(allocations)
    for inv in invoices:
        if inv.pk in touched_invoices:
            record_history_user(inv, user)
            inv.version += 1
            inv.save(update_fields=["paid_amount", "status", "paid_at", "version", "updated_at"])
    for receipt in touched_receipts:
        record_history_user(receipt, user)
        fields = ["unapplied_amount", "version", "updated_at"]
        if isinstance(receipt, Expense) and receipt.unapplied_amount == 0:
            receipt.status = ExpenseStatus.CREDITED
            fields.append("status")
        receipt.version += 1
        receipt.save(update_fields=fields)
    return len(allocations)


# --- invoices ------------------------------------------------------------------------------


def invoice_shipment(*, order: Order, user: User | None) -> Invoice:
    """Invoice a shipped order (called by the orders service inside its ship transaction):
    amount = the order's total, issued today, due after the customer's payment days, lines
    copied from the order. Idempotent: an order already invoiced answers its invoice."""
    with transaction.atomic():
        existing = Invoice.objects.all_unscoped().filter(order_id=order.pk).first()
        if existing is not None:
            return existing
        customer = order.customer
        today = timezone.localdate()
        invoice = Invoice(
            number=next_number(model=Invoice, prefix="IV", sequence="invoice"),
            customer=customer,
            order=order,
            issue_date=today,
            due_date=today + timedelta(days=payment_days(customer)),
            amount=Decimal(order.total),
            paid_amount=ZERO,
            status=InvoiceStatus.OPEN if order.total > 0 else InvoiceStatus.PAID,
            paid_at=today if order.total <= 0 else None,
        )
        invoice.refresh_search_text()
        record_history_user(invoice, user)
        invoice.save()
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    line_no=line.line_no,
                    sku_id=line.sku_id,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    line_total=line.line_total,
                )
                for line in order.lines.all()
            ]
        )
        apply_receipts(customer_id=customer.pk, user=user)
        invoice.refresh_from_db()
        return invoice


def _bump(instance: Any, user: User | None) -> None:
    """Prepare a versioned record's save: one more version, `user` named in its history."""
    record_history_user(instance, user)
    instance.version += 1


def _require_manager(user: User, customer: Customer, message: str) -> None:
    if not policies.manages(user, customer):
        raise PermissionDenied(message)


def _money(value: Any, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("Enter an amount.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: [_("Enter an amount greater than zero.")]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: [_("The amount is too large.")]})
    return amount


# --- payments ------------------------------------------------------------------------------


def payment_record(*, user: User, data: Mapping[str, Any]) -> Payment:
    """Record money received from a customer (account, branch or HQ staff) and apply it to
    the customer's oldest open invoices."""
    customer: Customer | None = data.get("customer")
    if customer is None:
        raise ValidationError({"customer": [_("This field is required.")]})
    _require_manager(user, customer, _("You may not record payments for this customer."))
    received_on = data.get("received_on") or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": [_("A payment cannot be received in the future.")]})
    method = data.get("method") or PaymentMethod.BANK_TRANSFER
    if method not in PaymentMethod.values:
        raise ValidationError({"method": [_("Choose a valid payment method.")]})
    with transaction.atomic():
        amount = _money(data.get("amount"), field="amount")
        payment = Payment(
            number=next_number(model=Payment, prefix="PM", sequence="payment"),
            customer=customer,
            received_on=received_on,
            amount=amount,
            unapplied_amount=amount,
            method=method,
            reference=clean_text(data.get("reference"), field="reference", max_length=100),
            note=clean_text(data.get("note"), field="note", max_length=500),
            recorded_by=user,
        )
        payment.refresh_search_text()
        payment.full_clean()
        record_history_user(payment, user)
        payment.save()
        apply_receipts(customer_id=customer.pk, user=user)
        payment.refresh_from_db()
        return payment


# --- rebates and expense claims ------------------------------------------------------------


def _expense_values(data: Mapping[str, Any]) -> dict[str, Any]:
    start, end = data.get("period_start"), data.get("period_end")
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["period_start"] = [_("This field is required.")]
    if end is None:
        errors["period_end"] = [_("This field is required.")]
    if start is not None and end is not None and end < start:
        errors["period_end"] = [_("The period ends before it starts.")]
    if errors:
        raise ValidationError(errors)
    return {
        "activity": clean_text(
            data.get("activity"), field="activity", max_length=200, required=True
        ),
        "period_start": start,
        "period_end": end,
        "amount": _money(data.get("amount"), field="amount"),
        "evidence": clean_text(data.get("evidence"), field="evidence", max_length=2000),
    }


def expense_claim_submit(*, user: User, data: Mapping[str, Any]) -> Expense:
    """A marketing-expense claim (activity, period, amount, evidence) submitted by the
    customer's staff, or by its account staff on its behalf; it waits for a decision."""
    customer: Customer | None = data.get("customer")
    if user.has_role(Role.CUSTOMER_USER) and customer is None and user.customer is not None:
        customer = user.customer
    if customer is None:
        raise ValidationError({"customer": [_("This field is required.")]})
    if not policies.can_submit_claim(user, customer):
        raise PermissionDenied(_("You may not submit expense claims for this customer."))
    values = _expense_values(data)
    with transaction.atomic():
        expense = Expense(
            number=next_number(model=Expense, prefix="EX", sequence="expense"),
            customer=customer,
            kind=ExpenseKind.MARKETING_EXPENSE,
            status=ExpenseStatus.SUBMITTED,
            submitted_by=user,
            submitted_at=timezone.now(),
            unapplied_amount=ZERO,
            **values,
        )
        expense.refresh_search_text()
        expense.full_clean()
        record_history_user(expense, user)
        expense.save()
        return expense


def rebate_grant(*, user: User, data: Mapping[str, Any]) -> Expense:
    """A rebate granted by account, branch or HQ staff (e.g. a quarter's volume rebate):
    approved at once, it credits the account today."""
    customer: Customer | None = data.get("customer")
    if customer is None:
        raise ValidationError({"customer": [_("This field is required.")]})
    _require_manager(user, customer, _("You may not grant rebates to this customer."))
    values = _expense_values(data)
    now = timezone.now()
    with transaction.atomic():
        expense = Expense(
            number=next_number(model=Expense, prefix="EX", sequence="expense"),
            customer=customer,
            kind=ExpenseKind.REBATE,
            status=ExpenseStatus.APPROVED,
            submitted_by=user,
            submitted_at=now,
            decided_by=user,
            decided_at=now,
            credit_date=timezone.localdate(),
            unapplied_amount=values["amount"],
            **values,
        )
        expense.refresh_search_text()
        expense.full_clean()
        record_history_user(expense, user)
        expense.save()
        apply_receipts(customer_id=customer.pk, user=user)
        expense.refresh_from_db()
        return expense


def expense_create(*, user: User, data: Mapping[str, Any]) -> Expense:
    """`POST /expenses/`: a claim (`kind` marketing_expense, the default) or, for staff, a
    rebate (`kind` rebate)."""
    if data.get("kind") == ExpenseKind.REBATE:
        if not policies.is_finance_staff(user):
            raise PermissionDenied(_("Only account, branch or HQ staff grant rebates."))
        return rebate_grant(user=user, data=data)
    return expense_claim_submit(user=user, data=data)


# --- decisions on claims (the steps of `roots.finance.lifecycles.expenses`) -----------------


def expense_approve(
    *, user: User, expense: Expense, note: str = "", expected_version: int | None = None
) -> Expense:
    """Approve a submitted claim (account, branch or HQ staff): it credits the account
    today and is applied to open invoices."""
    result: Expense = take_as_service(
        EXPENSE,
        user=user,
        obj=expense,
        step="approve",
        data={"note": note},
        expected_version=expected_version,
    )
    return result


def expense_reject(
    *, user: User, expense: Expense, note: str, expected_version: int | None = None
) -> Expense:
    """Reject a submitted claim, saying why (the customer reads the note)."""
    result: Expense = take_as_service(
        EXPENSE,
        user=user,
        obj=expense,
        step="reject",
        data={"note": note},
        expected_version=expected_version,
    )
    return result
