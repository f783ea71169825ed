"""Invoice pages: the scoped list (filters, htmx) and one invoice with its lines and the
receipts applied to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from roots.core.pages import page_user
from roots.finance import selectors
from roots.finance.filters import InvoiceFilter
from roots.finance.models import Invoice
from roots.finance.views.common import finance_user, list_page


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    user = finance_user(request)
    return list_page(
        request,
        user,
        selectors.invoice_list(user=user),
        InvoiceFilter,
        "invoice",
        today=timezone.localdate(),
    )


@login_required
def invoice_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = page_user(request)
    try:
        invoice = selectors.invoice_detail(user=user, number=number[:16])
    except Invoice.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "finance/invoice_detail.html",
        {
            "invoice": invoice,
            "today": timezone.localdate(),
            "display_status": invoice.display_status(timezone.localdate()),
        },
    )
