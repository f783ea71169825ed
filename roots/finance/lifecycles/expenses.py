"""The life-cycle of a marketing-expense claim, declared once (`roots.core.lifecycle`).

submitted → approved (→ credited, once wholly applied to invoices) or rejected. The staff
who keep the customer's account (its account manager, its branch manager, headquarters)
decide; an approved claim credits the account today and is applied to the oldest open
invoices. A rejection needs a note for the customer.

A claim is created `submitted` (`services.expense_claim_submit`); a rebate is created
`approved` (`services.rebate_grant`). `credited` is reached by the ledger
(`services.apply_receipts`), never by a step.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from roots.core.exceptions import ConflictError
from roots.core.lifecycle import INVALID_TRANSITION, Lifecycle, Refusal, Step, StepContext
from roots.core.text import clean_text
from roots.finance import policies
from roots.finance.models import Expense, ExpenseStatus
from roots.org.models import User

KEEPERS = "the staff who keep the customer's account (account_manager, branch_manager, hq_admin)"


class ExpenseDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Required to reject."
    )


def _may(user: User, expense: Expense, step: Step) -> Refusal:
    if policies.manages(user, expense.customer):
        return None
    return PermissionDenied(_("You may not decide this customer's claims."))


def _when(user: User, expense: Expense, step: Step) -> Refusal:
    if expense.status in step.sources:
        return None
    return ConflictError(
        _("Only a submitted claim can be decided; %(number)s is %(status)s.")
        % {"number": expense.number, "status": expense.get_status_display()},
        code=INVALID_TRANSITION,
    )


def _clean_note(data: dict[str, Any]) -> dict[str, Any]:
    return {"note": clean_text(data.get("note"), field="note", max_length=500)}


def _clean_reason(data: dict[str, Any]) -> dict[str, Any]:
    return {"note": clean_text(data.get("note"), field="note", max_length=500, required=True)}


def _decide(context: StepContext[Expense]) -> None:
    expense = context.obj
    expense.decided_by = context.user
    expense.decision_note = context.data["note"]


def _credit(context: StepContext[Expense]) -> None:
    """An approved claim credits the account from today."""
    _decide(context)
    expense = context.obj
    expense.credit_date = timezone.localdate()
    expense.unapplied_amount = expense.amount


def _apply(context: StepContext[Expense]) -> None:
    """The credit pays the oldest open invoices at once (it may become `credited`)."""
    from roots.finance.services.ledger import apply_receipts  # the services import this

    apply_receipts(customer_id=context.obj.customer_id, user=context.user)
    context.obj.refresh_from_db()


EXPENSE = Lifecycle(
    name="expense",
    model=Expense,
    states=ExpenseStatus,
    initial=ExpenseStatus.SUBMITTED,
    may=_may,
    state_refusal=_when,
    api_basename="expense",
    page_url=lambda expense: reverse("expense-detail", args=[expense.number]),
    steps=[
        Step(
            "approve",
            (ExpenseStatus.SUBMITTED,),
            ExpenseStatus.APPROVED,
            label=gettext_lazy("Approve"),
            who=KEEPERS,
            stamp="decided_at",
            clean=_clean_note,
            effect=_credit,
            after=_apply,
            input=ExpenseDecisionSerializer,
            icon="ti-check",
            css="btn-success",
            description="Approve a submitted claim (409 otherwise): it credits the account today.",
        ),
        Step(
            "reject",
            (ExpenseStatus.SUBMITTED,),
            ExpenseStatus.REJECTED,
            label=gettext_lazy("Reject"),
            who=KEEPERS,
            stamp="decided_at",
            clean=_clean_reason,
            effect=_decide,
            input=ExpenseDecisionSerializer,
            icon="ti-x",
            css="btn-outline-danger",
            needs_form=True,
            description="Reject a submitted claim with a note (409 otherwise).",
        ),
    ],
)
