"""Expense pages: rebates and marketing-expense claims (the list with filters), the claim
form (customers, or staff for them), the rebate form (staff) and one expense with the
approve and reject forms of the staff who keep the account (the steps of
`roots.finance.lifecycles.expenses`, taken through its one step endpoint)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from roots.core.lifecycle import Step
from roots.core.pages import page_user, run_service
from roots.customers.selectors import customer_list
from roots.finance import policies, selectors, services
from roots.finance.filters import ExpenseFilter
from roots.finance.forms import DecisionForm, ExpenseForm
from roots.finance.lifecycles import EXPENSE
from roots.finance.models import Expense
from roots.finance.views.common import finance_user, list_page, step_refusal_status
from roots.org.models import Role, User


@login_required
def expense_list(request: HttpRequest) -> HttpResponse:
    user = finance_user(request)
    return list_page(
        request,
        user,
        selectors.expense_list(user=user),
        ExpenseFilter,
        "expense",
        can_claim=policies.can_create_claims(user),
        can_grant=policies.is_finance_staff(user),
    )


def _prefill(user: User, request: HttpRequest) -> Any:
    code = request.GET.get("customer")
    if not code or user.role == Role.CUSTOMER_USER:
        return None
    return customer_list(user=user).filter(code=code[:12]).first()


def _expense_form_view(request: HttpRequest, *, rebate: bool) -> HttpResponse:
    user = finance_user(request)
    allowed = policies.is_finance_staff(user) if rebate else policies.can_create_claims(user)
    if not allowed:
        raise PermissionDenied(
            _("Only account, branch or HQ staff grant rebates.")
            if rebate
            else _("You may not submit expense claims.")
        )
    form = ExpenseForm(
        request.POST or None, user=user, customer=_prefill(user, request), rebate=rebate
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            customer = form.resolved_customer()
            if customer is not None:
                data = {**form.cleaned_data, "customer": customer}
                service = services.rebate_grant if rebate else services.expense_claim_submit
                try:
                    expense, status = run_service(form, lambda: service(user=user, data=data))
                except PermissionDenied as exc:
                    form.add_error("customer", str(exc))
                    expense, status = None, 403
                if expense is not None:
                    messages.success(
                        request,
                        (
                            _("Rebate %(number)s granted; it credits the account today.")
                            if rebate
                            else _("Claim %(number)s submitted for approval.")
                        )
                        % {"number": expense.number},
                    )
                    return redirect("expense-detail", number=expense.number)
    return render(
        request,
        "finance/form.html",
        {
            "form": form,
            "title": _("Grant a rebate") if rebate else _("Claim a marketing expense"),
            "subtitle": _("An approved rebate credits the customer's account at once.")
            if rebate
            else _(
                "Your account manager approves or rejects the claim; "
                "approved, it credits your account."
            ),
            "submit": _("Grant rebate") if rebate else _("Submit claim"),
            "icon": "ti-discount" if rebate else "ti-receipt",
            "back": reverse("expense-list"),
            "testid": "rebate-form" if rebate else "claim-form",
        },
        status=status,
    )


@login_required
def expense_create(request: HttpRequest) -> HttpResponse:
    return _expense_form_view(request, rebate=False)


@login_required
def rebate_create(request: HttpRequest) -> HttpResponse:
    return _expense_form_view(request, rebate=True)


def _get_expense(user: User, number: str) -> Expense:
    return get_object_or_404(
        selectors.expense_list(user=user).prefetch_related("allocations__invoice"),
        number=number[:16],
    )


def _detail(
    request: HttpRequest,
    user: User,
    expense: Expense,
    form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_decide = bool(EXPENSE.actions(user, expense))
    return render(
        request,
        "finance/expense_detail.html",
        {
            "expense": expense,
            "can_decide": can_decide,
            "decision_form": form or DecisionForm(),
        },
        status=status,
    )


@login_required
def expense_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = page_user(request)
    return _detail(request, user, _get_expense(user, number))


def _after_decision(request: HttpRequest, expense: Expense, ok: bool, action: str) -> HttpResponse:
    """Back to the expense; a refusal (told as a message) shows the page again with its
    status: 409 not possible now, 412 changed meanwhile, 400 bad input (a rejection
    without a note)."""
    if ok:
        return redirect("expense-detail", number=expense.number)
    user = page_user(request)
    status = step_refusal_status(EXPENSE, request, expense, action)
    fresh = _get_expense(user, expense.number)
    return _detail(request, user, fresh, DecisionForm(request.POST), status)


def _decision_success(expense: Expense, step: Step) -> str:
    if step.name == "approve":
        return _("Claim approved; it credits the customer's account.")
    return _("Claim rejected.")


# Approve or reject a submitted claim (the staff who keep the account).
expense_action = EXPENSE.page_view(
    lookup="number", respond=_after_decision, success=_decision_success
)
