"""Statement pages: the list, one statement (lines with the running balance, the
customer's confirm and dispute forms, the dispute threads with the staff's answer forms,
PDF and XLSX), and the disputes desk of the account managers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.throttling import cost_throttled
from roots.finance import policies, rendering, selectors, services
from roots.finance.filters import DisputeFilter, StatementFilter
from roots.finance.forms import AnswerForm, CloseForm, DisputeForm, MessageForm
from roots.finance.models import Dispute, DisputeStatus, Statement, StatementStatus
from roots.finance.views.common import (
    finance_user,
    list_response,
    paginate,
    posted_version,
    record_user,
    run_service,
)
from roots.org.models import Role, User

DISPUTABLE = (StatementStatus.ISSUED, StatementStatus.DISPUTED, StatementStatus.RESOLVED)


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    user = finance_user(request)
    queryset = selectors.statement_list(user=user)
    params = request.GET.copy()
    if "q" in params:
        params["search"] = request.GET.get("q", "")
    filterset = StatementFilter(params, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    context = {
        **paginate(request, rows),
        "filterset": filterset,
        "q": request.GET.get("q", ""),
        "show_customer": user.role != Role.CUSTOMER_USER,
        "filtered": any(request.GET.get(n) for n in ("q", *filterset.filters)),
        "statuses": [
            (value, label)
            for value, label in StatementStatus.choices
            if user.role != Role.CUSTOMER_USER or value != StatementStatus.DRAFT
        ],
    }
    return list_response(
        request,
        page_template="finance/statement_list.html",
        table_template="finance/_statement_table.html",
        context=context,
    )


def _get_statement(user: User, number: str) -> Statement:
    try:
        return selectors.statement_detail(user=user, number=number[:16])
    except Statement.DoesNotExist:
        raise Http404 from None


def _detail_context(
    user: User, statement: Statement, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    lines = list(statement.lines.all())
    disputes = list(statement.disputes.all())
    is_customer = policies.is_customer_of(user, statement.customer)
    manages = policies.manages(user, statement.customer)
    unclosed = [d for d in disputes if d.status != DisputeStatus.CLOSED]
    disputed_ids = {line.pk for d in unclosed for line in d.lines.all()}
    for dispute in disputes:
        dispute.can_answer = manages and dispute.status != DisputeStatus.CLOSED  # type: ignore[attr-defined]
        dispute.can_reply = is_customer and dispute.status != DisputeStatus.CLOSED  # type: ignore[attr-defined]
        dispute.can_close = dispute.status != DisputeStatus.CLOSED and (  # type: ignore[attr-defined]
            is_customer or (manages and dispute.status == DisputeStatus.ANSWERED)
        )
        for message in dispute.messages.all():
            message.from_customer = (  # type: ignore[attr-defined]
                message.author is not None and message.author.role == Role.CUSTOMER_USER
            )
            message.mine = message.author_id == user.pk  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "statement": statement,
        "lines": lines,
        "disputes": disputes,
        "disputed_ids": disputed_ids,
        "is_customer": is_customer,
        "manages": manages,
        "can_dispute": is_customer and statement.status in DISPUTABLE,
        "can_confirm": is_customer
        and statement.status in (StatementStatus.ISSUED, StatementStatus.RESOLVED)
        and not unclosed,
        "can_issue": manages and statement.status == StatementStatus.DRAFT,
        "bound": bound,
        "bound_dispute": bound.get("dispute_number"),
    }
    if context["can_dispute"]:
        context["dispute_form"] = bound.get("dispute") or DisputeForm(
            line_ids=[line.pk for line in lines]
        )
    return context


@login_required
def statement_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The statement page. Its dispute form posts here, so that a refused dispute shows
    the page with the errors at the statement's own address."""
    if request.method == "POST":
        return statement_action(request, number, "dispute")
    user = record_user(request)
    statement = _get_statement(user, number)
    return render(request, "finance/statement_detail.html", _detail_context(user, statement))


STATEMENT_ACTIONS = ("confirm", "dispute", "issue")


@login_required
@require_POST
def statement_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Confirm (the customer), dispute lines (the customer) or issue (staff). Success goes
    back to the statement; bad input shows the form again (400); a step that is not
    allowed now says why (409); a role that may not take it gets 403."""
    user = record_user(request)
    statement = _get_statement(user, number)
    if action not in STATEMENT_ACTIONS:
        raise Http404
    form: forms.Form
    if action == "dispute":
        form = DisputeForm(request.POST, line_ids=[line.pk for line in statement.lines.all()])
    else:
        form = forms.Form(request.POST)
    status = 400
    if form.is_valid():
        version = posted_version(request)
        data = form.cleaned_data

        def call() -> Any:
            if action == "confirm":
                return services.statement_confirm(
                    user=user, statement=statement, expected_version=version
                )
            if action == "issue":
                return services.statement_issue(
                    user=user, statement=statement, expected_version=version
                )
            return services.statement_dispute(
                user=user,
                statement=statement,
                lines=data.get("lines") or [],
                comment=data["comment"],
                expected_version=version,
            )

        result, status = run_service(form, call)
        if result is not None:
            messages.success(request, _STATEMENT_SUCCESS[action]())
            return redirect("statement-detail", number=statement.number)
    if action != "dispute":
        _errors_as_messages(request, form)
    statement = _get_statement(user, number)
    return render(
        request,
        "finance/statement_detail.html",
        _detail_context(user, statement, {action: form}),
        status=status,
    )


_STATEMENT_SUCCESS = {
    "confirm": lambda: _("Statement confirmed. Thank you."),
    "dispute": lambda: _("Dispute sent; your account manager will answer it."),
    "issue": lambda: _("Statement issued to the customer."),
}


@login_required
@cost_throttled
def statement_pdf(request: HttpRequest, number: str) -> HttpResponse:
    user = record_user(request)
    statement = get_object_or_404(Statement.objects.visible_to(user), number=number[:16])
    return rendering.pdf_response(statement=statement)


@login_required
@cost_throttled
def statement_xlsx(request: HttpRequest, number: str) -> HttpResponse:
    user = record_user(request)
    statement = get_object_or_404(Statement.objects.visible_to(user), number=number[:16])
    return rendering.xlsx_response(statement=statement)


# --- disputes ------------------------------------------------------------------------------


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    """The disputes desk: open disputes first, oldest first."""
    user = finance_user(request)
    queryset = selectors.dispute_list(user=user)
    params = request.GET.copy()
    if "q" in params:
        params["search"] = request.GET.get("q", "")
    filterset = DisputeFilter(params, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    context = {
        **paginate(request, rows),
        "filterset": filterset,
        "q": request.GET.get("q", ""),
        "counts": selectors.dispute_counts(user=user),
        "show_customer": user.role != Role.CUSTOMER_USER,
        "filtered": any(request.GET.get(n) for n in ("q", *filterset.filters)),
    }
    return list_response(
        request,
        page_template="finance/dispute_list.html",
        table_template="finance/_dispute_table.html",
        context=context,
    )


def _get_dispute(user: User, number: str) -> Dispute:
    return get_object_or_404(
        Dispute.objects.visible_to(user).select_related("statement", "customer"),
        number=number[:16],
    )


@login_required
def dispute_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A dispute lives on its statement's page."""
    user = record_user(request)
    dispute = _get_dispute(user, number)
    url = reverse("statement-detail", args=[dispute.statement.number])
    return redirect(f"{url}#{dispute.number}")


DISPUTE_ACTIONS = {"answer": AnswerForm, "close": CloseForm, "message": MessageForm}


@login_required
@require_POST
def dispute_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Answer (staff), reply (the customer; staff's message answers) or close a dispute."""
    user = record_user(request)
    dispute = _get_dispute(user, number)
    if action not in DISPUTE_ACTIONS:
        raise Http404
    form = DISPUTE_ACTIONS[action](request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        version = posted_version(request)

        def call() -> Any:
            if action == "answer":
                return services.dispute_answer(
                    user=user, dispute=dispute, answer=data["answer"], expected_version=version
                )
            if action == "close":
                return services.dispute_close(
                    user=user, dispute=dispute, note=data.get("note", ""), expected_version=version
                )
            return services.dispute_message_add(user=user, dispute=dispute, body=data["body"])

        result, status = run_service(form, call)
        if result is not None:
            messages.success(request, _DISPUTE_SUCCESS[action]())
            url = reverse("statement-detail", args=[dispute.statement.number])
            return redirect(f"{url}#{dispute.number}")
    _errors_as_messages(request, form)
    statement = _get_statement(user, dispute.statement.number)
    return render(
        request,
        "finance/statement_detail.html",
        _detail_context(user, statement, {"dispute_number": dispute.number}),
        status=status,
    )


def _errors_as_messages(request: HttpRequest, form: forms.Form) -> None:
    """The errors of a small form of the statement page, shown at the top of the page."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


_DISPUTE_SUCCESS = {
    "answer": lambda: _("Answer sent to the customer."),
    "close": lambda: _("Dispute closed."),
    "message": lambda: _("Message sent."),
}
