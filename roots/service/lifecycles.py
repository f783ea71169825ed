"""The life-cycle of a complaint, declared once (`roots.core.lifecycle`).

open → in_progress → resolved → closed; a resolved complaint is reopened (in progress
again) by the customer. Who may take which step (docs/portal.md):

* respond: the staff who handle the complaint (its owner, the customer's account manager,
  the branch manager, headquarters) answer the customer; the first answer stamps the first
  response and moves an open complaint to in progress (a complaint in progress or resolved
  stays where it is). Any step but a closed complaint's;
* resolve: the staff who handle it, while it is open or in progress;
* close: the customer's users (they confirm the resolution) or the staff who handle it,
  once it is resolved;
* reopen: the customer's users, once it is resolved;
* assign: the branch manager of the customer's branch or headquarters hand it to another
  account manager of that branch, until it is closed (the state stays).

Out of turn is 409 (`invalid_transition`) with the step's own sentence; a role without the
right 403. Messages of the customer and internal notes are the thread
(`services.complaint_message_add`), not steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from roots.core.api import CodeRelatedField
from roots.core.exceptions import ConflictError
from roots.core.lifecycle import INVALID_TRANSITION, Lifecycle, Refusal, Step, StepContext
from roots.core.text import clean_text
from roots.notifications import texts as notices
from roots.org.models import Role, User
from roots.service import policies
from roots.service.models import Complaint, ComplaintMessage, ComplaintStatus, MessageKind
from roots.service.thread import TEXT_MAX, customer_users, log, owner_of, save_state, tell

OPEN, IN_PROGRESS = ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS
RESOLVED, CLOSED = ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED


# --- who may, and when ---------------------------------------------------------------------
# Per step: who may take it, and what a role without the right is told (403).
_RULES: dict[str, tuple[Callable[[User, Complaint], bool], Any]] = {
    "respond": (
        policies.can_handle,
        gettext_lazy("Only the staff who handle this complaint answer it."),
    ),
    "resolve": (
        policies.can_handle,
        gettext_lazy("Only the staff who handle this complaint resolve it."),
    ),
    "close": (policies.can_close, gettext_lazy("You may not close this complaint.")),
    "reopen": (policies.can_reopen, gettext_lazy("Only the customer reopens a complaint.")),
    "assign": (
        policies.can_assign,
        gettext_lazy("Only the branch manager or headquarters reassign complaints."),
    ),
}


def _may(user: User, complaint: Complaint, step: Step) -> Refusal:
    rule, refusal = _RULES[step.name]
    return None if rule(user, complaint) else PermissionDenied(str(refusal))


def _out_of_turn(step: str, complaint: Complaint) -> str:
    status = complaint.get_status_display()
    return {
        "respond": lambda: _("This complaint is closed; it takes no more messages."),
        "resolve": lambda: (
            _("Only an open or in-progress complaint can be resolved (this one is %(status)s).")
            % {"status": status}
        ),
        "close": lambda: (
            _("Only a resolved complaint can be closed (this one is %(status)s).")
            % {"status": status}
        ),
        "reopen": lambda: (
            _("Only a resolved complaint can be reopened (this one is %(status)s).")
            % {"status": status}
        ),
        "assign": lambda: _("A closed complaint cannot be reassigned."),
    }[step]()


def _when(user: User, complaint: Complaint, step: Step) -> Refusal:
    if complaint.status in step.sources:
        return None
    return ConflictError(_out_of_turn(step.name, complaint), code=INVALID_TRANSITION)


# --- input ---------------------------------------------------------------------------------
class RespondSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=TEXT_MAX)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class AssignSerializer(serializers.Serializer):
    owner = CodeRelatedField(
        slug_field="username",
        queryset=User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True),
        help_text="Username of an account manager of the customer's branch.",
    )


def _required(field: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def clean(data: dict[str, Any]) -> dict[str, Any]:
        return {field: clean_text(data.get(field), field=field, max_length=TEXT_MAX, required=True)}

    return clean


def _clean_close(data: dict[str, Any]) -> dict[str, Any]:
    return {"note": str(data.get("note") or "").strip()[:TEXT_MAX]}


def _clean_assign(data: dict[str, Any]) -> dict[str, Any]:
    owner = data.get("owner")
    if isinstance(owner, str):  # a username
        owner = User.objects.filter(username=owner[:150]).first()
    return {"owner": owner}


# --- effects -------------------------------------------------------------------------------
def _answer(context: StepContext[Complaint]) -> ComplaintMessage:
    """Our staff's answer: a message the customer reads. The first one stamps the first
    response and moves an open complaint to in progress (a new version); later answers
    change the thread, not the case. The customer's users are told."""
    complaint, user, body = context.obj, context.user, context.data["text"]
    entry = log(complaint=complaint, author=user, text=body, kind=MessageKind.MESSAGE)
    fields = []
    if complaint.first_response_at is None:
        complaint.first_response_at = entry.created_at
        fields.append("first_response_at")
    if complaint.status == OPEN:
        complaint.status = IN_PROGRESS
        fields.append("status")
    if fields:
        save_state(complaint, user=user, fields=fields)
    tell(
        recipients=customer_users(complaint.customer_id),
        actor=user,
        complaint=complaint,
        event="answered",
        entry=entry,
        compose=lambda _u: (
            _("we answered your complaint"),
            _("%(author)s answered your complaint “%(subject)s”:\n\n%(text)s")
            % {"author": user.display_name, "subject": complaint.subject, "text": body},
        ),
        notice=notices.COMPLAINT_ANSWERED(
            author=user.display_name, number=complaint.number, subject=complaint.subject
        ),
    )
    return entry


def _resolve(context: StepContext[Complaint]) -> None:
    """Resolving answers too; whether it was within the SLA is stored (the KPI "problems
    resolved within SLA" reads it)."""
    complaint, now = context.obj, timezone.now()
    if complaint.first_response_at is None:
        complaint.first_response_at = now
    complaint.resolved_at = now
    complaint.resolved_within_sla = now <= complaint.resolution_due
    complaint.resolution = context.data["resolution"]


def _resolved(context: StepContext[Complaint]) -> None:
    """The resolution in the thread; the customer's users are asked to confirm."""
    complaint, text = context.obj, context.data["resolution"]
    entry = log(complaint=complaint, author=context.user, kind=MessageKind.RESOLVED, text=text)
    tell(
        recipients=customer_users(complaint.customer_id),
        actor=context.user,
        complaint=complaint,
        event="resolved",
        entry=entry,
        compose=lambda _u: (
            _("your complaint is resolved"),
            _(
                "Your complaint “%(subject)s” is resolved:\n\n%(text)s\n\n"
                "Please confirm to close it, or reopen it if the problem remains."
            )
            % {"subject": complaint.subject, "text": text},
        ),
        notice=notices.COMPLAINT_RESOLVED(number=complaint.number, subject=complaint.subject),
    )


def _closed(context: StepContext[Complaint]) -> None:
    """The customer's confirmation (or our staff's closing) in the thread."""
    complaint = context.obj
    confirmed = policies.is_complainant(context.user, complaint)
    log(
        complaint=complaint,
        author=context.user,
        kind=MessageKind.CONFIRMED if confirmed else MessageKind.CLOSED,
        text=context.data["note"],
    )


def _reopen(context: StepContext[Complaint]) -> None:
    """The resolution's time and verdict are cleared; the deadline alert may come again."""
    complaint = context.obj
    complaint.resolved_at = None
    complaint.resolved_within_sla = None
    complaint.reopened_count += 1
    complaint.deadline_alerted_at = None


def _reopened(context: StepContext[Complaint]) -> None:
    """Why, in the thread; the owner is told."""
    complaint, text = context.obj, context.data["reason"]
    entry = log(complaint=complaint, author=context.user, kind=MessageKind.REOPENED, text=text)
    tell(
        recipients=owner_of(complaint),
        actor=context.user,
        complaint=complaint,
        event="reopened",
        entry=entry,
        compose=lambda _u: (
            _("the customer reopened the complaint"),
            _("%(customer)s reopened “%(subject)s”:\n\n%(text)s")
            % {"customer": complaint.customer.name, "subject": complaint.subject, "text": text},
        ),
        notice=notices.COMPLAINT_REOPENED(
            customer=complaint.customer.name, number=complaint.number, subject=complaint.subject
        ),
    )


def _assign(context: StepContext[Complaint]) -> Complaint:
    """Hand the complaint to another account manager of the customer's branch (the same
    owner again changes nothing); an internal entry of the thread, the new owner is told."""
    complaint, user, owner = context.obj, context.user, context.data["owner"]
    if (
        not isinstance(owner, User)
        or owner.role != Role.ACCOUNT_MANAGER
        or not owner.is_active
        or owner.branch_id != complaint.customer.branch_id
    ):
        raise ValidationError({"owner": [_("Choose an account manager of the customer's branch.")]})
    if complaint.owner_id == owner.pk:
        return complaint
    complaint.owner = owner
    save_state(complaint, user=user, fields=["owner"])
    entry = log(
        complaint=complaint,
        author=user,
        kind=MessageKind.ASSIGNED,
        text=owner.display_name,
        internal=True,
    )
    tell(
        recipients=[owner],
        actor=user,
        complaint=complaint,
        event="assigned",
        entry=entry,
        compose=lambda _u: (
            _("a complaint was assigned to you"),
            _("%(user)s assigned you the complaint “%(subject)s” of %(customer)s.")
            % {
                "user": user.display_name,
                "subject": complaint.subject,
                "customer": complaint.customer.name,
            },
        ),
        notice=notices.COMPLAINT_ASSIGNED(
            user=user.display_name,
            number=complaint.number,
            customer=complaint.customer.name,
            subject=complaint.subject,
        ),
    )
    return complaint


# --- the declaration -----------------------------------------------------------------------
HANDLERS = "the complaint's owner, the customer's account manager, its branch manager, hq_admin"

COMPLAINT = Lifecycle(
    name="complaint",
    model=Complaint,
    states=ComplaintStatus,
    initial=OPEN,
    may=_may,
    state_refusal=_when,
    api_basename="complaint",
    page_url=lambda complaint: reverse("complaint-detail", args=[complaint.number]),
    steps=[
        Step(
            "respond",
            (OPEN, IN_PROGRESS, RESOLVED),
            None,
            label=gettext_lazy("Answer"),
            who=f"{HANDLERS} (the first answer moves an open complaint to in_progress)",
            clean=_required("text"),
            handler=_answer,
            input=RespondSerializer,
            needs_form=True,
            description="Our staff answer the customer: the first answer stamps the first response "
            "and\nmoves an open complaint to in progress; the customer's users are e-mailed.",
        ),
        Step(
            "resolve",
            (OPEN, IN_PROGRESS),
            RESOLVED,
            label=gettext_lazy("Resolve"),
            who=HANDLERS,
            clean=_required("resolution"),
            effect=_resolve,
            after=_resolved,
            input=ResolveSerializer,
            needs_form=True,
            description="Our staff resolve an open or in-progress complaint (409 otherwise).",
        ),
        Step(
            "close",
            (RESOLVED,),
            CLOSED,
            label=gettext_lazy("Close"),
            who=f"the customer's users (they confirm); {HANDLERS}",
            stamp="closed_at",
            clean=_clean_close,
            after=_closed,
            input=CloseSerializer,
            needs_form=True,
            description="Close a resolved complaint: the customer confirms, or our staff close it "
            "(409 if\nit is not resolved).",
        ),
        Step(
            "reopen",
            (RESOLVED,),
            IN_PROGRESS,
            label=gettext_lazy("Reopen"),
            who="the customer's users",
            clean=_required("reason"),
            effect=_reopen,
            after=_reopened,
            input=ReopenSerializer,
            needs_form=True,
            description="The customer reopens a resolved complaint (409 otherwise).",
        ),
        Step(
            "assign",
            (OPEN, IN_PROGRESS, RESOLVED),
            None,
            label=gettext_lazy("Assign"),
            who="the branch manager of the customer's branch, hq_admin (the state stays)",
            clean=_clean_assign,
            handler=_assign,
            input=AssignSerializer,
            needs_form=True,
            description="A branch manager or headquarters hands the complaint to another account "
            "manager\nof the customer's branch.",
        ),
    ],
)
