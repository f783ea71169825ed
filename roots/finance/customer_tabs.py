"""The customer 360 page's tabs of finance: the balance (credit, invoices, payments) and the
statements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roots.customers.models import Customer
from roots.customers.tabs import CustomerTab, list_url, register
from roots.finance.models import Statement
from roots.finance.selectors import account_summary, invoice_list, payment_list, statement_list

if TYPE_CHECKING:
    from roots.org.models import User

BALANCE_ROWS = 20
STATEMENT_ROWS = 24


def _balance_tab(user: User, customer: Customer) -> dict[str, Any]:
    today = timezone.localdate()
    invoices = list(invoice_list(user=user).filter(customer=customer)[:BALANCE_ROWS])
    for invoice in invoices:
        invoice.link = reverse("invoice-detail", args=[invoice.number])  # type: ignore[attr-defined]
        invoice.overdue = invoice.is_overdue(today)  # type: ignore[attr-defined]
    return {
        "account": account_summary(customer=customer, today=today),
        "invoices": invoices,
        "payments": list(payment_list(user=user).filter(customer=customer)[:BALANCE_ROWS]),
        "invoices_url": list_url("invoice-list", customer),
    }


def _statements_tab(user: User, customer: Customer) -> dict[str, Any]:
    rows = list(statement_list(user=user).filter(customer=customer)[:STATEMENT_ROWS])
    for row in rows:
        row.link = reverse("statement-detail", args=[row.number])  # type: ignore[attr-defined]
    return {"statements": rows, "statements_url": list_url("statement-list", customer)}


register(
    CustomerTab(key="balance", label=_("Balance"), order=60, load=_balance_tab, staff_only=True)
)
register(
    CustomerTab(
        key="statements",
        label=_("Statements"),
        order=70,
        load=_statements_tab,
        staff_only=True,
        counted=lambda user: Statement.objects.visible_to(user),
    )
)
