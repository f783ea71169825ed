"""Statement pages: the list, one statement (lines with the running balance, the
customer's confirm and dispute forms, the dispute threads with the staff's answer forms,
PDF and XLSX), and the disputes desk of the account managers.

The steps of a statement and of a dispute post to the one step endpoint of their declared
life-cycle (`Lifecycle.page_view`, `roots.finance.lifecycles`); what the page shows as
possible comes from the same declaration (`Lifecycle.actions`). Opening a dispute (it
creates one) and writing in a thread (not a step) are handled here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from roots.core.lifecycle import Step
from roots.core.pages import page_user, posted_version, run_service
from roots.core.throttling import cost_throttled
from roots.finance import policies, rendering, selectors, services
from roots.finance.filters import DisputeFilter, StatementFilter
from roots.finance.forms import DisputeForm, MessageForm
from roots.finance.lifecycles import DISPUTE, STATEMENT
from roots.finance.models import Dispute, DisputeStatus, Statement, StatementStatus
from roots.finance.views.common import finance_user, list_page, step_refusal_status
from roots.org.models import Role, User


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    user = finance_user(request)
    return list_page(
        request,
        user,
        selectors.statement_list(user=user),
        StatementFilter,
        "statement",
        statuses=[
            (value, label)
            for value, label in StatementStatus.choices
            if user.role != Role.CUSTOMER_USER or value != StatementStatus.DRAFT
        ],
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
    actions = STATEMENT.actions(user, statement)
    for dispute in disputes:
        allowed = DISPUTE.actions(user, dispute)
        dispute.can_answer = "answer" in allowed  # type: ignore[attr-defined]
        # The customer's reply is a message of the thread, not a step (`services`).
        dispute.can_reply = is_customer and dispute.status != DisputeStatus.CLOSED  # type: ignore[attr-defined]
        dispute.can_close = "close" in allowed  # type: ignore[attr-defined]
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
        "can_dispute": "dispute" in actions,
        "can_confirm": "confirm" in actions,
        "can_issue": "issue" in actions,
        "bound": bound,
        "bound_dispute": bound.get("dispute_number"),
    }
    if context["can_dispute"]:
        context["dispute_form"] = bound.get("dispute") or DisputeForm(
            line_ids=[line.pk for line in lines]
        )
    return context


def _statement_page(
    request: HttpRequest, user: User, number: str, bound: dict[str, Any], status: int
) -> HttpResponse:
    """The statement page again, with what was posted and its status."""
    statement = _get_statement(user, number)
    return render(
        request,
        "finance/statement_detail.html",
        _detail_context(user, statement, bound),
        status=status,
    )


def _dispute_lines(request: HttpRequest, statement: Statement) -> HttpResponse:
    """The customer disputes lines (the step opens a `Dispute`). Success goes back to the
    statement; bad input shows the form again with its errors (400); a step that is not
    possible now says why on the form (409)."""
    user = page_user(request)
    form = DisputeForm(request.POST, line_ids=[line.pk for line in statement.lines.all()])
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        result, status = run_service(
            form,
            lambda: services.statement_dispute(
                user=user,
                statement=statement,
                lines=data.get("lines") or [],
                comment=data["comment"],
                expected_version=posted_version(request),
            ),
        )
        if result is not None:
            messages.success(request, _("Dispute sent; your account manager will answer it."))
            return redirect("statement-detail", number=statement.number)
    return _statement_page(request, user, statement.number, {"dispute": form}, status)


def _after_statement_step(
    request: HttpRequest, statement: Statement, ok: bool, action: str
) -> HttpResponse:
    """Back to the statement; a refusal (told as a message) shows the page again with its
    status: 409 not possible now, 412 changed meanwhile, 400 bad input."""
    if ok:
        return redirect("statement-detail", number=statement.number)
    status = step_refusal_status(STATEMENT, request, statement, action)
    return _statement_page(request, page_user(request), statement.number, {}, status)


def _statement_success(statement: Statement, step: Step) -> str:
    if step.name == "confirm":
        return _("Statement confirmed. Thank you.")
    return _("Statement issued to the customer.")


# Issue (staff) or confirm (the customer), or dispute lines (the customer): out of scope
# 404, a role that may not take the step 403.
statement_action = STATEMENT.page_view(
    lookup="number",
    respond=_after_statement_step,
    success=_statement_success,
    extra={"dispute": _dispute_lines},
)


@login_required
def statement_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The statement page. Its dispute form posts here, so that a refused dispute shows
    the page with the errors at the statement's own address."""
    if request.method == "POST":
        return statement_action(request, action="dispute", number=number)
    user = page_user(request)
    statement = _get_statement(user, number)
    return render(request, "finance/statement_detail.html", _detail_context(user, statement))


@login_required
@cost_throttled
def statement_pdf(request: HttpRequest, number: str) -> HttpResponse:
    user = page_user(request)
    statement = get_object_or_404(Statement.objects.visible_to(user), number=number[:16])
    return rendering.pdf_response(statement=statement)


@login_required
@cost_throttled
def statement_xlsx(request: HttpRequest, number: str) -> HttpResponse:
    user = page_user(request)
    statement = get_object_or_404(Statement.objects.visible_to(user), number=number[:16])
    return rendering.xlsx_response(statement=statement)


# --- disputes ------------------------------------------------------------------------------


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    """The disputes desk: open disputes first, oldest first."""
    user = finance_user(request)
    return list_page(
        request,
        user,
        selectors.dispute_list(user=user),
        DisputeFilter,
        "dispute",
        counts=selectors.dispute_counts(user=user),
    )


def _get_dispute(user: User, number: str) -> Dispute:
    return get_object_or_404(
        Dispute.objects.visible_to(user).select_related("statement", "customer"),
        number=number[:16],
    )


@login_required
def dispute_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A dispute lives on its statement's page."""
    user = page_user(request)
    dispute = _get_dispute(user, number)
    url = reverse("statement-detail", args=[dispute.statement.number])
    return redirect(f"{url}#{dispute.number}")


def _dispute_page(request: HttpRequest, dispute: Dispute, status: int) -> HttpResponse:
    """The dispute's statement page again (the dispute lives there), with `status`."""
    return _statement_page(
        request,
        page_user(request),
        dispute.statement.number,
        {"dispute_number": dispute.number},
        status,
    )


def _dispute_url(dispute: Dispute) -> str:
    return f"{reverse('statement-detail', args=[dispute.statement.number])}#{dispute.number}"


def _write(request: HttpRequest, dispute: Dispute) -> HttpResponse:
    """A message in the thread (not a step): the customer's reply opens an answered dispute
    again; staff's message answers it."""
    user = page_user(request)
    form = MessageForm(request.POST)
    status = 400
    if form.is_valid():
        body = form.cleaned_data["body"]
        result, status = run_service(
            form, lambda: services.dispute_message_add(user=user, dispute=dispute, body=body)
        )
        if result is not None:
            messages.success(request, _("Message sent."))
            return redirect(_dispute_url(dispute))
    _errors_as_messages(request, form)
    return _dispute_page(request, dispute, status)


def _after_dispute_step(
    request: HttpRequest, dispute: Dispute, ok: bool, action: str
) -> HttpResponse:
    if ok:
        return redirect(_dispute_url(dispute))
    return _dispute_page(request, dispute, step_refusal_status(DISPUTE, request, dispute, action))


def _dispute_success(dispute: Dispute, step: Step) -> str:
    if step.name == "answer":
        return _("Answer sent to the customer.")
    return _("Dispute closed.")


# Answer (staff) or close a dispute, or write in its thread.
dispute_action = DISPUTE.page_view(
    lookup="number",
    respond=_after_dispute_step,
    success=_dispute_success,
    extra={"message": _write},
)


def _errors_as_messages(request: HttpRequest, form: forms.Form) -> None:
    """The errors of a small form of the statement page, shown at the top of the page."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
