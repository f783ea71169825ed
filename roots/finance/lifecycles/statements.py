"""The life-cycle of a monthly statement, declared once (`roots.core.lifecycle`).

draft → issued → confirmed; issued (or resolved) → disputed; disputed → resolved when its
last dispute is closed (`roots.finance.lifecycles.disputes`, not a step of its own);
resolved → confirmed or disputed again. docs/finance.md draws the whole picture.

* issue: the staff who keep the customer's account, once the month has ended; the draft is
  rebuilt from the ledger first, so that the customer sees it up to date;
* confirm: the customer's own users, when issued or resolved and no dispute is open;
* dispute: the customer's own users, with a comment on some lines; it opens a `Dispute`
  (the step's handler) and the statement becomes (or stays) `disputed`.

Staff asking for the customer's step are out of turn (409); staff who do not keep the
account get 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from roots.core.exceptions import ConflictError
from roots.core.lifecycle import INVALID_TRANSITION, Lifecycle, Refusal, Step, StepContext
from roots.core.numbers import next_number
from roots.core.services import record_history_user
from roots.core.text import clean_text
from roots.finance import policies
from roots.finance.lifecycles.common import statement_pdf_changed
from roots.finance.models import (
    Dispute,
    DisputeMessage,
    DisputeStatus,
    Statement,
    StatementLine,
    StatementStatus,
)
from roots.org.models import User

KEEPERS = "the staff who keep the customer's account (account_manager, branch_manager, hq_admin)"
CUSTOMER = "the customer's own users"


class DisputeRequestSerializer(serializers.Serializer):
    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        max_length=1000,
        required=False,
        default=list,
        help_text="Ids of the statement lines disputed (may be empty for the whole statement).",
    )
    comment = serializers.CharField(max_length=2000)


# --- who may, and when ---------------------------------------------------------------------
def _customer_step_refusal(step: str) -> str:
    """A whole sentence per step, so that each language can word it (a verb slotted into a
    sentence cannot be translated)."""
    if step == "confirm":
        return _("Only the customer's own staff can confirm a statement.")
    return _("Only the customer's own staff can dispute a statement.")


def _may(user: User, statement: Statement, step: Step) -> Refusal:
    """The customer's steps: anyone else is out of turn (409). Staff steps: 403 for those
    who do not keep the account."""
    if step.name in ("confirm", "dispute"):
        if policies.is_customer_of(user, statement.customer):
            return None
        return ConflictError(_customer_step_refusal(step.name))
    if policies.manages(user, statement.customer):
        return None
    return PermissionDenied(_("You may not issue this customer's statements."))


def _when(user: User, statement: Statement, step: Step) -> Refusal:
    if statement.status in step.sources:
        return None
    values = {"number": statement.number, "status": statement.get_status_display()}
    if step.name == "issue":
        message = _("Statement %(number)s is %(status)s; only a draft can be issued.")
    elif step.name == "confirm":
        message = _(
            "Statement %(number)s is %(status)s; it can be confirmed when issued or resolved."
        )
    else:
        message = _("Statement %(number)s is %(status)s; only an issued statement can be disputed.")
    return ConflictError(message % values, code=INVALID_TRANSITION)


def _month_ended(user: User, statement: Statement) -> Refusal:
    if statement.period_end >= timezone.localdate():
        return ConflictError(_("A statement can be issued only after its month has ended."))
    return None


def _has_open_dispute(statement: Statement) -> bool:
    """From the list's `open_disputes` annotation or the page's prefetched disputes when
    there are (no query per row), else from the database."""
    annotated = getattr(statement, "open_disputes", None)
    if annotated is not None:
        return int(annotated) > 0
    prefetched = getattr(statement, "_prefetched_objects_cache", {}).get("disputes")
    if prefetched is not None:
        return any(d.status != DisputeStatus.CLOSED for d in prefetched)
    return Dispute.objects.all_unscoped().filter(statement=statement).unclosed().exists()


def _no_open_dispute(user: User, statement: Statement) -> Refusal:
    if _has_open_dispute(statement):
        return ConflictError(_("Close the open disputes before confirming the statement."))
    return None


# --- input and effects ---------------------------------------------------------------------
def _clean_dispute(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "comment": clean_text(data.get("comment"), field="comment", max_length=2000, required=True),
        "lines": list(dict.fromkeys(data.get("lines") or [])),
    }


def _rebuild(context: StepContext[Statement]) -> None:
    """The draft is rebuilt from the ledger before it is issued."""
    from roots.finance.services.statements import statements_generate  # they import this

    statement = context.obj
    statements_generate(
        year=statement.year,
        month=statement.month,
        customers=[statement.customer],
        user=context.user,
    )
    statement.refresh_from_db()
    statement.issued_by = context.user


def _confirmed_by(context: StepContext[Statement]) -> None:
    context.obj.confirmed_by = context.user


def _pdf(context: StepContext[Statement]) -> None:
    statement_pdf_changed(context.obj.pk)


def _open_dispute(context: StepContext[Statement]) -> Dispute:
    """The customer's dispute of some lines: a `Dispute` with the comment as its first
    message; the statement becomes `disputed` (a disputed one stays so, unchanged)."""
    statement, user = context.obj, context.user
    line_ids = context.data["lines"]
    chosen = list(StatementLine.objects.filter(statement=statement, pk__in=line_ids))
    if len(chosen) != len(line_ids):
        raise ValidationError({"lines": [_("Choose lines of this statement.")]})
    dispute = Dispute(
        number=next_number(model=Dispute, prefix="DP", sequence="dispute"),
        statement=statement,
        customer_id=statement.customer_id,
        opened_by=user,
        comment=context.data["comment"],
    )
    dispute.refresh_search_text()
    record_history_user(dispute, user)
    dispute.save()
    dispute.lines.set(chosen)
    context.data["entry"] = DisputeMessage.objects.create(
        dispute=dispute, author=user, body=dispute.comment
    )
    if statement.status != StatementStatus.DISPUTED:
        record_history_user(statement, user)
        statement.version += 1
        statement.status = StatementStatus.DISPUTED
        statement.resolved_at = None
        statement.save()
    return dispute


def _tell_opened(context: StepContext[Statement]) -> None:
    from roots.finance.services import notices  # the services import this

    notices.dispute_opened(dispute=context.result, entry=context.data["entry"], actor=context.user)


# --- the declaration -----------------------------------------------------------------------
STATEMENT = Lifecycle(
    name="statement",
    model=Statement,
    states=StatementStatus,
    initial=StatementStatus.DRAFT,
    may=_may,
    state_refusal=_when,
    api_basename="statement",
    page_url=lambda statement: reverse("statement-detail", args=[statement.number]),
    steps=[
        Step(
            "issue",
            (StatementStatus.DRAFT,),
            StatementStatus.ISSUED,
            label=gettext_lazy("Issue to the customer"),
            who=KEEPERS + ", once the month has ended",
            stamp="issued_at",
            guard=_month_ended,
            effect=_rebuild,
            after=_pdf,
            icon="ti-send",
            css="btn-primary",
            description="Account, branch or HQ staff issue a draft (rebuilt from the ledger "
            "first).",
        ),
        Step(
            "confirm",
            (StatementStatus.ISSUED, StatementStatus.RESOLVED),
            StatementStatus.CONFIRMED,
            label=gettext_lazy("Confirm statement"),
            who=CUSTOMER + ", with no dispute open",
            stamp="confirmed_at",
            guard=_no_open_dispute,
            effect=_confirmed_by,
            after=_pdf,
            icon="ti-circle-check",
            css="btn-success",
            description="The customer confirms an issued (or resolved) statement with no open "
            "dispute;\nanything else, and staff confirming for the customer, is a 409.",
        ),
        Step(
            "dispute",
            (StatementStatus.ISSUED, StatementStatus.DISPUTED, StatementStatus.RESOLVED),
            StatementStatus.DISPUTED,
            label=gettext_lazy("Raise a dispute"),
            who=CUSTOMER,
            clean=_clean_dispute,
            handler=_open_dispute,
            after=_pdf,
            event=_tell_opened,
            input=DisputeRequestSerializer,
            needs_form=True,
            description="The customer disputes lines of an issued statement with a comment: "
            "the statement\nbecomes `disputed` and answers with the new dispute in `disputes`.",
        ),
    ],
)
