"""The portal home of customer and supplier users."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from roots.customers import policies
from roots.customers.selectors import contact_list, customer_detail_queryset, outlet_list
from roots.org.models import Role, User

PORTAL_OUTLETS = 10


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """A customer user sees their company card; a supplier user their supplier record.
    Staff have no portal home: they are sent to their dashboard."""
    user: User = request.user  # type: ignore[assignment]
    if user.role == Role.CUSTOMER_USER:
        customer = customer_detail_queryset(user=user).first()
        if customer is None:
            raise Http404
        return render(
            request,
            "portal/home_customer.html",
            {
                "customer": customer,
                "outlets": list(outlet_list(user=user).filter(customer=customer)[:PORTAL_OUTLETS]),
                "contacts": list(contact_list(user=user).filter(customer=customer)),
                "can_edit": policies.can_edit_customer(user, customer),
            },
        )
    if user.role == Role.SUPPLIER_USER:
        return render(request, "portal/home_supplier.html", {"supplier": user.supplier})
    if user.is_staff_role:
        return redirect("dashboard")
    raise Http404
