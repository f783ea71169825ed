"""The account overview (`/finance/`): a customer's credit limit, open balance, open orders,
available credit, overdue and recent movements; for staff without `?customer=`, the
accounts of the customers they keep. Also the payment form of staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from roots.core.pages import render_page, run_service
from roots.customers.models import Customer
from roots.customers.selectors import customer_filter_choices, customer_list
from roots.finance import policies, selectors, services
from roots.finance.forms import PaymentForm
from roots.finance.views.common import finance_user, paginate
from roots.org.models import Role, User


def _customer_from_query(user: User, code: str | None) -> Customer | None:
    """The customer a page is about: a customer user's own company; for staff, the
    `?customer=` code in their scope (404 outside it)."""
    if user.role == Role.CUSTOMER_USER:
        if code and user.customer is not None and code != user.customer.code:
            raise Http404
        return user.customer
    if not code:
        return None
    found = customer_list(user=user).filter(code=code[:12]).first()
    if found is None:
        raise Http404
    return found


def _chart(summary: selectors.AccountSummary) -> dict[str, Any]:
    return {
        "limit": float(summary.credit_limit),
        "open_balance": float(summary.open_balance),
        "open_orders": float(summary.open_orders),
        "available": float(summary.available_credit),
        "used_percent": summary.used_percent,
        "labels": {
            "title": _("Credit in use"),
            "open_balance": _("Open balance"),
            "open_orders": _("Open orders"),
            "available": _("Available credit"),
        },
    }


@login_required
def finance_home(request: HttpRequest) -> HttpResponse:
    """A customer's account overview; staff without `?customer=` get the accounts list."""
    user = finance_user(request)
    customer = _customer_from_query(user, request.GET.get("customer"))
    if customer is None:
        if user.role == Role.CUSTOMER_USER:
            raise Http404
        q = request.GET.get("q", "")[:100]
        rows = selectors.account_list(user=user, search=q)
        context = {"q": q, **paginate(request, rows)}
        # The account managers named as the customer list names them: with their branch
        # where two share a name.
        labels = {
            m.pk: getattr(m, "label", m.display_name)
            for m in customer_filter_choices(user=user).account_managers
        }
        for row in context["page"].object_list:
            row.manager_label = labels.get(row.account_manager_id)
        return render_page(
            request,
            "finance/account_list.html",
            "finance/_account_table.html",
            context,
        )
    summary = selectors.account_summary(customer=customer)
    context = {
        "customer": customer,
        "summary": summary,
        "chart": _chart(summary),
        "invoices": selectors.recent_invoices(user=user, customer=customer),
        "payments": selectors.recent_payments(user=user, customer=customer),
        "statement": selectors.latest_statement_to_reconcile(user=user, customer=customer),
        "can_manage": policies.manages(user, customer),
        "is_customer": policies.is_customer_of(user, customer),
    }
    return render(request, "finance/account.html", context)


@login_required
def payment_create(request: HttpRequest) -> HttpResponse:
    """Record a payment (account, branch or HQ staff)."""
    user = finance_user(request)
    if not policies.is_finance_staff(user):
        raise PermissionDenied(_("Only account, branch or HQ staff record payments."))
    prefill = _customer_from_query(user, request.GET.get("customer"))
    form = PaymentForm(request.POST or None, user=user, customer=prefill)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            customer = form.resolved_customer()
            if customer is not None:
                data = {**form.cleaned_data, "customer": customer}
                try:
                    payment, status = run_service(
                        form, lambda: services.payment_record(user=user, data=data)
                    )
                except PermissionDenied:
                    form.add_error("customer", _("You may not record payments for this customer."))
                    payment, status = None, 403
                if payment is not None:
                    messages.success(
                        request,
                        _("Payment %(number)s recorded and applied to the oldest invoices.")
                        % {"number": payment.number},
                    )
                    return redirect(f"{reverse('finance-home')}?customer={customer.code}")
    return render(
        request,
        "finance/form.html",
        {
            "form": form,
            "title": _("Record a payment"),
            "subtitle": _("The payment is applied to the customer's oldest open invoices."),
            "submit": _("Record payment"),
            "icon": "ti-cash",
            "back": reverse("finance-home")
            + (f"?customer={prefill.code}" if prefill is not None else ""),
            "testid": "payment-form",
        },
        status=status,
    )
