"""Writes of the finance app. Each public function is one business action in one
transaction; views, the API, the orders app and tasks call these (import them from here).

* `ledger`: invoices from shipments, payments, rebates and expense claims, and
  the application of receipts to invoices;
* `statements`: monthly statements and their reconciliation (disputes).
"""

from roots.finance.services.ledger import (
    apply_receipts,
    expense_approve,
    expense_claim_submit,
    expense_create,
    expense_reject,
    invoice_shipment,
    payment_days,
    payment_record,
    rebate_grant,
)
from roots.finance.services.statements import (
    GenerateResult,
    Movement,
    build_lines,
    dispute_answer,
    dispute_close,
    dispute_message_add,
    month_bounds,
    opening_balances,
    period_movements,
    previous_month,
    statement_confirm,
    statement_dispute,
    statement_issue,
    statement_regenerate,
    statements_generate,
)

__all__ = [
    "GenerateResult",
    "Movement",
    "apply_receipts",
    "build_lines",
    "dispute_answer",
    "dispute_close",
    "dispute_message_add",
    "expense_approve",
    "expense_claim_submit",
    "expense_create",
    "expense_reject",
    "invoice_shipment",
    "month_bounds",
    "opening_balances",
    "payment_days",
    "payment_record",
    "period_movements",
    "previous_month",
    "rebate_grant",
    "statement_confirm",
    "statement_dispute",
    "statement_issue",
    "statement_regenerate",
    "statements_generate",
]
