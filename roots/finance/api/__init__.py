"""API of the finance app, one module per resource: invoices, payments, expenses (rebates
and claims), statements (with confirm, dispute, issue, PDF and XLSX) and disputes (answer,
close, messages). The steps come from the declared life-cycles (`roots.finance.lifecycles`).
`ROUTES` lists (prefix, viewset, basename) for `roots/api_urls.py`."""

from __future__ import annotations

from typing import Any

from roots.finance.api.disputes import DisputeViewSet
from roots.finance.api.expenses import ExpenseSerializer, ExpenseViewSet
from roots.finance.api.invoices import (
    AllocationSerializer,
    InvoiceDetailSerializer,
    InvoiceLineSerializer,
    InvoiceSerializer,
    InvoiceViewSet,
)
from roots.finance.api.payments import PaymentSerializer, PaymentViewSet
from roots.finance.api.statements import (
    DisputeDetailSerializer,
    DisputeMessageSerializer,
    DisputeSerializer,
    StatementDetailSerializer,
    StatementLineSerializer,
    StatementSerializer,
    StatementViewSet,
)

ROUTES: list[tuple[str, Any, str]] = [
    ("invoices", InvoiceViewSet, "invoice"),
    ("payments", PaymentViewSet, "payment"),
    ("expenses", ExpenseViewSet, "expense"),
    ("statements", StatementViewSet, "statement"),
    ("disputes", DisputeViewSet, "dispute"),
]

__all__ = [
    "ROUTES",
    "AllocationSerializer",
    "DisputeDetailSerializer",
    "DisputeMessageSerializer",
    "DisputeSerializer",
    "DisputeViewSet",
    "ExpenseSerializer",
    "ExpenseViewSet",
    "InvoiceDetailSerializer",
    "InvoiceLineSerializer",
    "InvoiceSerializer",
    "InvoiceViewSet",
    "PaymentSerializer",
    "PaymentViewSet",
    "StatementDetailSerializer",
    "StatementLineSerializer",
    "StatementSerializer",
    "StatementViewSet",
]
