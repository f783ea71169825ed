"""Staff UI of the customer master (being built; see the UI helper's brief)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from roots.customers import selectors


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    customers = selectors.customer_list(user=request.user, search=request.GET.get("q"))[:50]
    return render(request, "customers/customer_list.html", {"customers": customers})


@login_required
def customer_detail(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(selectors.customer_detail_queryset(user=request.user), code=code)
    return render(request, "customers/customer_detail.html", {"customer": customer})


customer_create = customer_edit = customer_similar = customer_detail
