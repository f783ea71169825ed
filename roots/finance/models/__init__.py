"""Finance: invoices, payments, rebates and expenses, monthly statements and reconciliation.

The account of a channel customer is a ledger of three kinds of movement:

* debits: invoices, one per shipped order (`Invoice`, dated by `issue_date`);
* credits: payments received (`Payment`, dated by `received_on`) and expenses credited to
  the account (`Expense` approved: a rebate granted by staff or a marketing-expense claim
  approved by the account manager, dated by `credit_date`).

Payments and credits ("receipts") are applied to the oldest open invoices first
(`Allocation`); what a receipt cannot cover yet waits, unapplied, for the next invoice.
docs/finance.md gives the formulas and draws the statement and dispute life-cycles; their
steps are declared in `roots.finance.lifecycles`.

One module per aggregate; everything is imported from here (`from roots.finance.models
import Statement`).
"""

from roots.finance.models.allocations import Allocation, AllocationQuerySet
from roots.finance.models.common import DEFAULT_PAYMENT_DAYS, MAX_AMOUNT, MONEY, ZERO
from roots.finance.models.disputes import (
    Dispute,
    DisputeMessage,
    DisputeMessageQuerySet,
    DisputeQuerySet,
    DisputeStatus,
)
from roots.finance.models.expenses import (
    CREDIT_STATUSES,
    Expense,
    ExpenseKind,
    ExpenseQuerySet,
    ExpenseStatus,
)
from roots.finance.models.invoices import (
    OVERDUE,
    OVERDUE_LABEL,
    Invoice,
    InvoiceLine,
    InvoiceQuerySet,
    InvoiceStatus,
)
from roots.finance.models.payments import Payment, PaymentMethod, PaymentQuerySet
from roots.finance.models.statements import (
    LineKind,
    Statement,
    StatementLine,
    StatementLineQuerySet,
    StatementQuerySet,
    StatementStatus,
)

__all__ = [
    "CREDIT_STATUSES",
    "DEFAULT_PAYMENT_DAYS",
    "MAX_AMOUNT",
    "MONEY",
    "OVERDUE",
    "OVERDUE_LABEL",
    "ZERO",
    "Allocation",
    "AllocationQuerySet",
    "Dispute",
    "DisputeMessage",
    "DisputeMessageQuerySet",
    "DisputeQuerySet",
    "DisputeStatus",
    "Expense",
    "ExpenseKind",
    "ExpenseQuerySet",
    "ExpenseStatus",
    "Invoice",
    "InvoiceLine",
    "InvoiceQuerySet",
    "InvoiceStatus",
    "LineKind",
    "Payment",
    "PaymentMethod",
    "PaymentQuerySet",
    "Statement",
    "StatementLine",
    "StatementLineQuerySet",
    "StatementQuerySet",
    "StatementStatus",
]
