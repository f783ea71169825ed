"""The portal home of customer and supplier users."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from roots.customers.selectors import customer_detail_queryset
from roots.org.models import Role


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.CUSTOMER_USER:  # type: ignore[union-attr]
        customer = customer_detail_queryset(user=user).first()  # type: ignore[arg-type]
        return render(request, "portal/home_customer.html", {"customer": customer})
    if user.role == Role.SUPPLIER_USER:  # type: ignore[union-attr]
        return render(request, "portal/home_supplier.html", {"supplier": user.supplier})  # type: ignore[union-attr]
    raise Http404
