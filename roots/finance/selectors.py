"""Reads of the finance app. Lists start from `Model.objects.visible_to(user)`; the balance
functions take a customer (the caller has already scoped it) and read its whole ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from roots.finance.models import (
    ZERO,
    Allocation,
    Dispute,
    DisputeMessage,
    DisputeStatus,
    Expense,
    Invoice,
    Payment,
    Statement,
    StatementStatus,
)

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User

_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(qs: QuerySet[Any], field: str = "amount") -> Decimal:
    total = qs.aggregate(total=Coalesce(Sum(field), Value(ZERO), output_field=_MONEY))["total"]
    return Decimal(total).quantize(Decimal("0.01"))


# --- balances ------------------------------------------------------------------------------


def ledger_balance(*, customer_id: int, before: date | None = None) -> Decimal:
    """Signed balance of the account: invoiced − payments − credits (positive: the customer
    owes us; negative: a credit in the customer's favour). With `before`, only movements
    dated strictly before that day (a statement's opening balance)."""
    invoices = Invoice.objects.all_unscoped().filter(customer_id=customer_id)
    payments = Payment.objects.all_unscoped().filter(customer_id=customer_id)
    credits = Expense.objects.all_unscoped().filter(customer_id=customer_id).credits()
    if before is not None:
        invoices = invoices.filter(issue_date__lt=before)
        payments = payments.filter(received_on__lt=before)
        credits = credits.filter(credit_date__lt=before)
    return _sum(invoices) - _sum(payments) - _sum(credits)


def open_balance(*, customer_id: int) -> Decimal:
    """What the customer owes: invoiced amounts − payments − credits (approved rebates and
    expense claims). Never negative: an overpayment is a credit balance (`credit_balance`)."""
    return max(ledger_balance(customer_id=customer_id), ZERO)


def credit_balance(*, customer_id: int) -> Decimal:
    """Money in the customer's favour not yet used by an invoice (never negative)."""
    return max(-ledger_balance(customer_id=customer_id), ZERO)


def overdue_amount(*, customer_id: int, today: date | None = None) -> Decimal:
    """What is still unpaid on invoices past their due date."""
    today = today or timezone.localdate()
    qs = Invoice.objects.all_unscoped().filter(customer_id=customer_id).overdue(today=today)
    return _sum(qs, "amount") - _sum(qs, "paid_amount")


@dataclass(frozen=True)
class AccountSummary:
    """The customer's credit position (the account overview, the portal home, the 360 page).

    available_credit = max(credit_limit − open_balance − open_orders + credit_balance, 0)
    """

    customer_id: int
    credit_limit: Decimal
    open_balance: Decimal
    open_orders: Decimal
    available_credit: Decimal
    overdue: Decimal
    credit_balance: Decimal

    @property
    def used_credit(self) -> Decimal:
        return self.open_balance + self.open_orders

    @property
    def used_percent(self) -> int:
        """Share of the credit limit in use, 0-100 (100 when there is no limit but a debt)."""
        if self.credit_limit <= 0:
            return 100 if self.used_credit > 0 else 0
        return int(min(self.used_credit / self.credit_limit * 100, Decimal(100)))


def account_summary(*, customer: Customer, today: date | None = None) -> AccountSummary:
    """Credit limit, open balance, open orders, available credit, overdue and credit balance
    of one customer (the caller has scoped `customer`)."""
    # The rule the order check applies (one place: `roots.orders.selectors.credit_summary`).
    from roots.orders.selectors import credit_summary

    credit = credit_summary(customer_id=customer.pk, credit_limit=customer.credit_limit)
    return AccountSummary(
        customer_id=customer.pk,
        credit_limit=credit.credit_limit,
        open_balance=credit.open_balance,
        open_orders=credit.open_orders,
        available_credit=max(credit.available, ZERO),
        overdue=overdue_amount(customer_id=customer.pk, today=today),
        credit_balance=credit.credit_balance,
    )


# --- lists and details (filters: roots/finance/filters.py) ---------------------------------


def invoice_list(*, user: User) -> QuerySet[Invoice]:
    """Invoices the user may see, newest first."""
    return (
        Invoice.objects.visible_to(user)
        .select_related("customer", "order")
        .order_by("-issue_date", "-id")
    )


def invoice_detail(*, user: User, number: str) -> Invoice:
    """One invoice by number with its lines and the receipts applied to it
    (Invoice.DoesNotExist when missing or out of scope)."""
    return (
        Invoice.objects.visible_to(user)
        .select_related("customer", "order")
        .prefetch_related(
            "lines",
            Prefetch(
                "allocations",
                queryset=Allocation.objects.all_unscoped().select_related("payment", "expense"),
            ),
        )
        .get(number=number)
    )


def payment_list(*, user: User) -> QuerySet[Payment]:
    """Payments the user may see, newest first."""
    return (
        Payment.objects.visible_to(user)
        .select_related("customer", "recorded_by")
        .order_by("-received_on", "-id")
    )


def expense_list(*, user: User) -> QuerySet[Expense]:
    """Rebates and expense claims the user may see: claims waiting for a decision first,
    then the newest."""
    return (
        Expense.objects.visible_to(user)
        .select_related("customer", "submitted_by", "decided_by")
        .order_by(F("decided_at").desc(nulls_first=True), "-created_at", "-id")
    )


def statement_list(*, user: User) -> QuerySet[Statement]:
    """Statements the user may see (customer users: not drafts), newest period first; each
    carries `open_disputes` (disputes not closed)."""
    return (
        Statement.objects.visible_to(user)
        .select_related("customer", "issued_by", "confirmed_by")
        .annotate(open_disputes=Count("disputes", filter=~Q(disputes__status=DisputeStatus.CLOSED)))
        .order_by("-year", "-month", "customer__code")
    )


def _dispute_thread() -> Prefetch:
    return Prefetch(
        "messages",
        queryset=DisputeMessage.objects.all_unscoped().select_related("author"),
    )


def statement_detail(*, user: User, number: str) -> Statement:
    """One statement with its lines and disputes (with their lines and messages)."""
    return (
        Statement.objects.visible_to(user)
        .select_related("customer", "customer__branch", "issued_by", "confirmed_by")
        .prefetch_related(
            "lines",
            Prefetch(
                "disputes",
                queryset=Dispute.objects.all_unscoped()
                # `customer`: who may take which step (`DISPUTE.actions`) is read from it.
                .select_related("customer", "opened_by", "answered_by", "closed_by")
                .prefetch_related("lines", _dispute_thread())
                .order_by("created_at", "id"),
            ),
        )
        .get(number=number)
    )


def dispute_list(*, user: User) -> QuerySet[Dispute]:
    """Disputes the user may see: open first, then answered, then closed; oldest first
    within each (the account manager's desk)."""
    return (
        Dispute.objects.visible_to(user)
        .select_related("customer", "statement", "opened_by", "answered_by")
        .annotate(
            line_count=Count("lines", distinct=True),
            status_rank=Case(
                When(status=DisputeStatus.OPEN, then=0),
                When(status=DisputeStatus.ANSWERED, then=1),
                default=2,
                output_field=IntegerField(),
            ),
        )
        .order_by("status_rank", "created_at", "id")
    )


def dispute_detail(*, user: User, number: str) -> Dispute:
    """One dispute with its lines and thread (Dispute.DoesNotExist when out of scope)."""
    return (
        Dispute.objects.visible_to(user)
        .select_related("customer", "statement", "opened_by", "answered_by", "closed_by")
        .prefetch_related("lines", _dispute_thread())
        .get(number=number)
    )


def dispute_thread(*, dispute: Dispute) -> QuerySet[DisputeMessage]:
    return (
        DisputeMessage.objects.all_unscoped()
        .filter(dispute=dispute)
        .select_related("author")
        .order_by("created_at", "id")
    )


def latest_statement_to_reconcile(*, user: User, customer: Customer) -> Statement | None:
    """The newest issued, disputed or resolved statement of `customer` (the portal's card)."""
    return (
        Statement.objects.visible_to(user)
        .filter(
            customer=customer,
            status__in=(
                StatementStatus.ISSUED,
                StatementStatus.DISPUTED,
                StatementStatus.RESOLVED,
            ),
        )
        .order_by("-year", "-month")
        .first()
    )


def _outstanding(unpaid: QuerySet[Invoice]) -> Subquery:
    return Subquery(
        unpaid.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(total=Sum(F("amount") - F("paid_amount")))
        .values("total"),
        output_field=_MONEY,
    )


def account_list(
    *, user: User, search: str | None = None, today: date | None = None
) -> QuerySet[Customer]:
    """Customers the user may see with `open_amount` (unpaid on their invoices, which is
    the open balance: receipts are always applied while an invoice is unpaid) and
    `overdue_amount`, largest debt first (one query per page)."""
    from roots.customers.selectors import customer_list

    today = today or timezone.localdate()
    unpaid = Invoice.objects.all_unscoped().unpaid()
    return (
        customer_list(user=user, search=search)
        .annotate(
            open_amount=Coalesce(_outstanding(unpaid), Value(ZERO), output_field=_MONEY),
            overdue_amount=Coalesce(
                _outstanding(unpaid.filter(due_date__lt=today)),
                Value(ZERO),
                output_field=_MONEY,
            ),
        )
        .order_by("-overdue_amount", "-open_amount", "code")
    )


def recent_invoices(*, user: User, customer: Customer, limit: int = 6) -> list[Invoice]:
    return list(
        Invoice.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("order")
        .order_by("-issue_date", "-id")[:limit]
    )


def recent_payments(*, user: User, customer: Customer, limit: int = 6) -> list[Payment]:
    return list(
        Payment.objects.visible_to(user)
        .filter(customer=customer)
        .order_by("-received_on", "-id")[:limit]
    )


def dispute_counts(*, user: User) -> dict[str, int]:
    """Disputes in scope by status (the desk's cards)."""
    rows = Dispute.objects.visible_to(user).values("status").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(DisputeStatus.values, 0)
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts
