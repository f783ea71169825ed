"""The life-cycle of a statement dispute, declared once (`roots.core.lifecycle`).

open → answered → closed; the customer closes at any time (satisfied, or withdrawing), our
staff once it is answered. A dispute is opened by the statement's `dispute` step
(`roots.finance.lifecycles.statements`). Each step tells the other side, in the app and by
mail (`roots.finance.services.notices`, its event), never the person who took it.

* answer: the staff who keep the customer's account, while it is not closed (answering
  again replaces the answer); the answer joins the thread;
* close: the customer, or those staff once it is answered; closing the last open dispute
  of a statement makes the statement `resolved`, ready for the customer to confirm.

The thread's messages are not steps (`POST disputes/<number>/messages/`): our staff's
message is an answer, and the customer's reply to an answered dispute opens it again
(`REPLY`, taken through the same transition service but no action of its own).
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
from roots.core.services import record_history_user
from roots.core.text import clean_text
from roots.finance import policies
from roots.finance.lifecycles.common import statement_pdf_changed
from roots.finance.models import (
    Dispute,
    DisputeMessage,
    DisputeStatus,
    Statement,
    StatementStatus,
)
from roots.org.models import User


class DisputeAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class DisputeCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# --- who may, and when ---------------------------------------------------------------------
def _may(user: User, dispute: Dispute, step: Step) -> Refusal:
    customer = dispute.customer
    if step.name == "answer":
        if policies.manages(user, customer):
            return None
        return PermissionDenied(_("You may not answer this customer's disputes."))
    if step.name == "reply":
        if policies.is_customer_of(user, customer):
            return None
        return PermissionDenied(_("You may not write in this dispute."))
    if policies.is_customer_of(user, customer) or policies.manages(user, customer):
        return None
    return PermissionDenied(_("You may not close this dispute."))


def _when(user: User, dispute: Dispute, step: Step) -> Refusal:
    values = {"number": dispute.number}
    if dispute.status == DisputeStatus.CLOSED:
        if step.name == "answer":
            message = _("Dispute %(number)s is closed; it cannot be answered.")
        elif step.name == "reply":
            message = _(
                "Dispute %(number)s is closed; open a new dispute on the statement instead."
            )
        else:
            message = _("Dispute %(number)s is already closed.")
        return ConflictError(message % values, code=INVALID_TRANSITION)
    if (
        step.name == "close"
        and dispute.status != DisputeStatus.ANSWERED
        and not policies.is_customer_of(user, dispute.customer)
    ):
        return ConflictError(_("Answer the dispute before closing it."), code=INVALID_TRANSITION)
    return None


# --- input and effects ---------------------------------------------------------------------
def _clean_answer(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "answer": clean_text(data.get("answer"), field="answer", max_length=2000, required=True)
    }


def _clean_note(data: dict[str, Any]) -> dict[str, Any]:
    return {"note": clean_text(data.get("note"), field="note", max_length=2000)}


def _clean_body(data: dict[str, Any]) -> dict[str, Any]:
    return {"body": clean_text(data.get("body"), field="body", max_length=2000, required=True)}


def _write(context: StepContext[Dispute], body: str) -> DisputeMessage:
    """A message of the thread, kept for the step's event."""
    entry = DisputeMessage.objects.create(dispute=context.obj, author=context.user, body=body)
    context.data["entry"] = entry
    return entry


def _set_answer(context: StepContext[Dispute]) -> None:
    context.obj.answer = context.data["answer"]
    context.obj.answered_by = context.user


def _answer_joins_thread(context: StepContext[Dispute]) -> None:
    _write(context, context.data["answer"])
    statement_pdf_changed(context.obj.statement_id)


def _closed_by(context: StepContext[Dispute]) -> None:
    context.obj.closed_by = context.user


def _resolve_statement(context: StepContext[Dispute]) -> None:
    """The closing note joins the thread; with no dispute left open, the statement is
    `resolved` and the customer can confirm it."""
    dispute, user = context.obj, context.user
    context.data["entry"] = None
    if context.data["note"]:
        _write(context, context.data["note"])
    statement = Statement.objects.all_unscoped().select_for_update().get(pk=dispute.statement_id)
    still_open = Dispute.objects.all_unscoped().filter(statement=statement).unclosed().exists()
    if statement.status == StatementStatus.DISPUTED and not still_open:
        record_history_user(statement, user)
        statement.version += 1
        statement.status = StatementStatus.RESOLVED
        statement.resolved_at = timezone.now()
        statement.save()
    statement_pdf_changed(statement.pk)


def _reply(context: StepContext[Dispute]) -> DisputeMessage:
    """The customer's message; it opens an answered dispute again."""
    dispute = context.obj
    if dispute.status == DisputeStatus.ANSWERED:
        record_history_user(dispute, context.user)
        dispute.version += 1
        dispute.status = DisputeStatus.OPEN
        dispute.save()
        statement_pdf_changed(dispute.statement_id)
    return _write(context, context.data["body"])


# --- events: the other side is told --------------------------------------------------------
def _tell_answered(context: StepContext[Dispute]) -> None:
    from roots.finance.services import notices  # the services import this

    notices.dispute_answered(dispute=context.obj, entry=context.data["entry"], actor=context.user)


def _tell_closed(context: StepContext[Dispute]) -> None:
    from roots.finance.services import notices

    notices.dispute_closed(
        dispute=context.obj,
        entry=context.data["entry"],
        actor=context.user,
        by_customer=policies.is_customer_of(context.user, context.obj.customer),
    )


def _tell_customer_wrote(context: StepContext[Dispute]) -> None:
    from roots.finance.services import notices

    notices.dispute_customer_wrote(
        dispute=context.obj, entry=context.data["entry"], actor=context.user
    )


# --- the declaration -----------------------------------------------------------------------
DISPUTE = Lifecycle(
    name="dispute",
    model=Dispute,
    states=DisputeStatus,
    initial=DisputeStatus.OPEN,
    may=_may,
    state_refusal=_when,
    api_basename="dispute",
    page_url=lambda dispute: (
        f"{reverse('statement-detail', args=[dispute.statement.number])}#{dispute.number}"
    ),
    steps=[
        Step(
            "answer",
            (DisputeStatus.OPEN, DisputeStatus.ANSWERED),
            DisputeStatus.ANSWERED,
            label=gettext_lazy("Answer"),
            who="the staff who keep the customer's account "
            "(account_manager, branch_manager, hq_admin)",
            stamp="answered_at",
            clean=_clean_answer,
            effect=_set_answer,
            after=_answer_joins_thread,
            event=_tell_answered,
            input=DisputeAnswerSerializer,
            needs_form=True,
            description="Account, branch or HQ staff answer a dispute that is not closed.",
        ),
        Step(
            "close",
            (DisputeStatus.OPEN, DisputeStatus.ANSWERED),
            DisputeStatus.CLOSED,
            label=gettext_lazy("Close dispute"),
            who="the customer's own users; the staff who keep its account once answered",
            stamp="closed_at",
            clean=_clean_note,
            effect=_closed_by,
            after=_resolve_statement,
            event=_tell_closed,
            input=DisputeCloseSerializer,
            icon="ti-check",
            css="btn-outline-success",
            description="Close the dispute: the customer at any time, staff once it is "
            "answered. With no\ndispute left open the statement becomes `resolved`.",
        ),
    ],
)

# The customer's reply in the thread: not a step of its own (it is a message, `POST
# disputes/<number>/messages/`), but it opens an answered dispute again, so it is taken
# through the same transition service (scope, lock, state, history, event).
REPLY = Step(
    "reply",
    (DisputeStatus.OPEN, DisputeStatus.ANSWERED),
    DisputeStatus.OPEN,
    label=gettext_lazy("Reply"),
    who="the customer's own users",
    clean=_clean_body,
    handler=_reply,
    event=_tell_customer_wrote,
)
