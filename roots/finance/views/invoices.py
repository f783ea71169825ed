"""Invoice pages: the scoped list (filters, htmx) and one invoice with its lines and the
receipts applied to it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from roots.core.pages import page_user, render_page
from roots.finance import selectors
from roots.finance.filters import InvoiceFilter
from roots.finance.models import Invoice
from roots.finance.views.common import finance_user, paginate
from roots.org.models import Role


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    user = finance_user(request)
    queryset = selectors.invoice_list(user=user)
    params = request.GET.copy()
    if "q" in params:
        params["search"] = request.GET.get("q", "")
    filterset = InvoiceFilter(params, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    context = {
        **paginate(request, rows),
        "filterset": filterset,
        "q": request.GET.get("q", ""),
        "today": timezone.localdate(),
        "show_customer": user.role != Role.CUSTOMER_USER,
        "filtered": any(request.GET.get(n) for n in ("q", *filterset.filters)),
    }
    return render_page(
        request,
        "finance/invoice_list.html",
        "finance/_invoice_table.html",
        context,
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
