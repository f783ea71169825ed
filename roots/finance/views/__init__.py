"""Browser UI of finance: the account overview, invoices, statements (reconciliation, PDF,
XLSX), the disputes desk, and rebates and expense claims.

Reads go through the selectors, so a record outside the user's scope answers 404; writes go
through the services: bad input shows the form again (400), a step not allowed now says why
(409), a role that may not take it gets 403.
"""

from roots.finance.views.account import finance_home, payment_create
from roots.finance.views.expenses import (
    expense_action,
    expense_create,
    expense_detail,
    expense_list,
    rebate_create,
)
from roots.finance.views.invoices import invoice_detail, invoice_list
from roots.finance.views.statements import (
    dispute_action,
    dispute_detail,
    dispute_list,
    statement_action,
    statement_detail,
    statement_list,
    statement_pdf,
    statement_xlsx,
)

__all__ = [
    "dispute_action",
    "dispute_detail",
    "dispute_list",
    "expense_action",
    "expense_create",
    "expense_detail",
    "expense_list",
    "finance_home",
    "invoice_detail",
    "invoice_list",
    "payment_create",
    "rebate_create",
    "statement_action",
    "statement_detail",
    "statement_list",
    "statement_pdf",
    "statement_xlsx",
]
