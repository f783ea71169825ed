"""Writes of the service app: complaints and their threads. Each public function is one
business action in one transaction; its e-mails are written to the outbox in it and sent
by the worker once it commits. The steps of a complaint's life-cycle are declared in
`roots.service.lifecycles` (`COMPLAINT`); the functions here that take one are thin
wrappers over `COMPLAINT.take`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError
from roots.core.numbers import next_number
from roots.core.services import lock_for_update, record_history_user
from roots.core.text import clean_text
from roots.customers.models import Customer, Outlet
from roots.notifications import texts as notices
from roots.org.models import Role, User
from roots.service import policies
from roots.service.lifecycles import COMPLAINT
from roots.service.models import (
    ACTIVE_STATUSES,
    AT_RISK_SHARE,
    Complaint,
    ComplaintMessage,
    ComplaintStatus,
    MessageKind,
    Severity,
)
from roots.service.thread import TEXT_MAX, branch_managers, log, owner_of, tell

NUMBER_PREFIX = "CP"
NUMBER_WIDTH = 8


# --- raise -----------------------------------------------------------------------------------
@transaction.atomic
def complaint_raise(*, user: User, data: Mapping[str, Any]) -> Complaint:
    """Raise a complaint: a customer user for its own company (the customer is implied),
    or staff on a customer's behalf. The customer's account manager owns it; its deadlines
    follow from the severity's SLA hours. The owner is told by e-mail."""
    if not policies.may_raise_complaints(user):
        raise PermissionDenied(_("You may not raise complaints."))
    values = dict(data)
    customer = values.get("customer")
    if user.role == Role.CUSTOMER_USER and user.customer_id is not None:
        if customer is not None and customer.pk != user.customer_id:
            raise ValidationError({"customer": [_("You can only complain for your company.")]})
        customer = Customer.objects.select_related("account_manager").get(pk=user.customer_id)
    if not isinstance(customer, Customer):
        raise ValidationError({"customer": [_("This field is required.")]})
    if not policies.can_raise_for(user, customer):
        raise PermissionDenied(_("You may not raise complaints for this customer."))
    outlet = values.get("outlet")
    if outlet is not None and (not isinstance(outlet, Outlet) or outlet.customer_id != customer.pk):
        raise ValidationError({"outlet": [_("Choose one of the customer's outlets.")]})
    severity = values.get("severity") or Severity.NORMAL
    now = timezone.now()
    response_due, resolution_due = Complaint.deadlines(raised_at=now, severity=severity)
    complaint = Complaint(
        customer=customer,
        outlet=outlet,
        raised_by=user,
        category=values.get("category") or "",
        subject=str(values.get("subject") or "").strip(),
        description=str(values.get("description") or "").strip(),
        severity=severity,
        status=ComplaintStatus.OPEN,
        owner=customer.account_manager,
        raised_at=now,
        response_due=response_due,
        resolution_due=resolution_due,
    )
    complaint.full_clean(exclude=["number"])
    # The counter moves only for a valid complaint (and rolls back with a failed one).
    complaint.number = next_number(
        model=Complaint, prefix=NUMBER_PREFIX, width=NUMBER_WIDTH, sequence="complaint"
    )
    complaint.refresh_search_text()
    record_history_user(complaint, user)
    complaint.save()
    tell(
        recipients=owner_of(complaint) or branch_managers(customer.branch_id),
        actor=user,
        complaint=complaint,
        event="raised",
        entry=None,
        compose=lambda _u: (
            _("new complaint from %(customer)s") % {"customer": customer.name},
            _(
                "%(customer)s raised a complaint (%(severity)s, %(category)s): %(subject)s\n\n"
                "%(description)s\n\nPlease answer by %(due)s."
            )
            % {
                "customer": customer.name,
                "severity": complaint.get_severity_display(),
                "category": complaint.get_category_display(),
                "subject": complaint.subject,
                "description": complaint.description,
                "due": timezone.localtime(complaint.response_due).strftime("%Y-%m-%d %H:%M"),
            },
        ),
        notice=notices.COMPLAINT_RAISED(
            number=complaint.number, customer=customer.name, subject=complaint.subject
        ),
    )
    return complaint


# --- the life-cycle (declared in roots/service/lifecycles.py) -------------------------------
def _take(
    step: str,
    *,
    user: User,
    complaint: Complaint,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> Any:
    """Take a step of `COMPLAINT`; the caller's instance is brought up to date. Who may is
    checked first, so that a role without the right is refused (403) even where the
    complaint is outside its scope."""
    refusal = COMPLAINT.role_refusal(user, complaint, COMPLAINT.step(step))
    if refusal is not None:
        raise refusal
    result = COMPLAINT.take(
        user=user, obj=complaint, step=step, data=data, expected_version=expected_version
    )
    fresh = result.complaint if isinstance(result, ComplaintMessage) else result
    _sync(complaint, fresh)
    return result


def _step(
    step: str,
    user: User,
    complaint: Complaint,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> Complaint:
    """A state change of `COMPLAINT`: the caller's complaint, brought up to date."""
    _take(step, user=user, complaint=complaint, data=data, expected_version=expected_version)
    return complaint


def _sync(target: Complaint, source: Complaint) -> None:
    """Copy a re-read (locked) complaint's state back into the caller's instance."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def complaint_actions(*, user: User, complaint: Complaint) -> list[str]:
    """The steps the user may take on the complaint now (its page's forms,
    `allowed_actions`)."""
    return COMPLAINT.actions(user, complaint)


# --- the thread ------------------------------------------------------------------------------
@transaction.atomic
def complaint_message_add(
    *,
    user: User,
    complaint: Complaint,
    text: str,
    internal: bool = False,
    expected_version: int | None = None,
) -> ComplaintMessage:
    """Add a message to the thread. Our staff's answers that the customer can read are the
    step `respond` (the first one stamps the first response and moves an open complaint to
    in progress; the customer's users are told); the owner is told of the customer's
    messages. Internal notes are for staff only. A closed complaint takes no more messages."""
    if not policies.can_write_message(user, complaint):
        raise PermissionDenied(_("You may not write on this complaint."))
    staff = policies.can_handle(user, complaint)
    if internal and not staff:
        raise PermissionDenied(_("Only our staff write internal notes."))
    if staff and not internal:
        entry: ComplaintMessage = _take(
            "respond",
            user=user,
            complaint=complaint,
            data={"text": text},
            expected_version=expected_version,
        )
        return entry
    body = clean_text(text, field="text", max_length=TEXT_MAX, required=True)
    locked = lock_for_update(instance=complaint, expected_version=expected_version)
    if locked.status == ComplaintStatus.CLOSED:
        raise ConflictError(_("This complaint is closed; it takes no more messages."))
    message = log(
        complaint=locked, author=user, text=body, kind=MessageKind.MESSAGE, internal=internal
    )
    if not staff:
        tell(
            recipients=owner_of(locked),
            actor=user,
            complaint=locked,
            event="customer_wrote",
            entry=message,
            compose=lambda _u: (
                _("the customer wrote"),
                _("%(author)s (%(customer)s) wrote on “%(subject)s”:\n\n%(text)s")
                % {
                    "author": user.display_name,
                    "customer": locked.customer.name,
                    "subject": locked.subject,
                    "text": body,
                },
            ),
            notice=notices.COMPLAINT_CUSTOMER_WROTE(
                author=user.display_name,
                customer=locked.customer.name,
                number=locked.number,
                subject=locked.subject,
            ),
        )
    _sync(complaint, locked)
    return message


def complaint_respond(
    *, user: User, complaint: Complaint, text: str, expected_version: int | None = None
) -> Complaint:
    """Our staff's answer to the customer (the step `respond`)."""
    _take(
        "respond",
        user=user,
        complaint=complaint,
        data={"text": text},
        expected_version=expected_version,
    )
    return Complaint.objects.get(pk=complaint.pk)


# --- state changes ---------------------------------------------------------------------------
def complaint_resolve(
    *, user: User, complaint: Complaint, resolution: str, expected_version: int | None = None
) -> Complaint:
    """Our staff resolve an open or in-progress complaint with what was done; whether it was
    resolved within the SLA is stored (the KPI "problems resolved within SLA" reads it).
    The customer's users are told and asked to confirm."""
    return _step("resolve", user, complaint, {"resolution": resolution}, expected_version)


def complaint_close(
    *, user: User, complaint: Complaint, note: str = "", expected_version: int | None = None
) -> Complaint:
    """Close a resolved complaint: the customer confirms the resolution, or our staff close
    it after resolving."""
    return _step("close", user, complaint, {"note": note}, expected_version)


def complaint_reopen(
    *, user: User, complaint: Complaint, reason: str, expected_version: int | None = None
) -> Complaint:
    """The customer reopens a resolved complaint (the problem remains): it is in progress
    again, and the owner is told."""
    return _step("reopen", user, complaint, {"reason": reason}, expected_version)


def complaint_assign(
    *, user: User, complaint: Complaint, owner: User, expected_version: int | None = None
) -> Complaint:
    """A branch manager (or headquarters) hands the complaint to another account manager of
    the customer's branch; the new owner is told."""
    return _step("assign", user, complaint, {"owner": owner}, expected_version)


# --- deadlines -------------------------------------------------------------------------------
class DeadlineCheck(TypedDict):
    checked: int
    at_risk: int
    overdue: int
    alerted: int


def complaint_check_deadlines(*, now: datetime | None = None) -> DeadlineCheck:
    """Alert, once per complaint, the owner and the branch manager of every active complaint
    whose running deadline (the response deadline until the first answer, then the
    resolution deadline) is near (less than a quarter of the window left) or past. The alert
    is written into the thread as an internal entry and e-mailed after commit.

    Runs over every customer: a background job, so it says so (`all_unscoped`)."""
    now = now or timezone.now()
    result = DeadlineCheck(checked=0, at_risk=0, overdue=0, alerted=0)
    candidates = (
        Complaint.objects.all_unscoped()
        .active()
        .filter(deadline_alerted_at__isnull=True)
        .select_related("customer", "owner")
        .order_by("response_due")
    )
    for complaint in candidates.iterator(chunk_size=500):
        result["checked"] += 1
        due = complaint.due_at
        window = (due - complaint.raised_at).total_seconds()
        left = (due - now).total_seconds()
        if left < 0:
            state = "overdue"
        elif left < window * AT_RISK_SHARE:
            state = "at_risk"
        else:
            continue
        result[state] += 1  # type: ignore[literal-required]
        if _alert(complaint, now=now, overdue=state == "overdue"):
            result["alerted"] += 1
    return result


@transaction.atomic
def _alert(complaint: Complaint, *, now: datetime, overdue: bool) -> bool:
    """Mark one complaint alerted (under a row lock, so that two runs alert once)."""
    locked = (
        Complaint.objects.all_unscoped()
        .select_for_update(of=("self",))
        .select_related("customer", "owner")
        .get(pk=complaint.pk)
    )
    if locked.deadline_alerted_at is not None or locked.status not in ACTIVE_STATUSES:
        return False
    locked.deadline_alerted_at = now
    locked.save(update_fields=["deadline_alerted_at"])  # a mark, not an edit: no new version
    entry = log(
        complaint=locked,
        author=None,
        kind=MessageKind.DEADLINE_PASSED if overdue else MessageKind.DEADLINE_NEAR,
        text=timezone.localtime(locked.due_at).strftime("%Y-%m-%d %H:%M"),
        internal=True,
    )

    def compose(_user: User) -> tuple[str, str]:
        kind = _("response") if locked.first_response_at is None else _("resolution")
        when = timezone.localtime(locked.due_at).strftime("%Y-%m-%d %H:%M")
        if overdue:
            subject = _("deadline passed")
            body = _("The %(what)s of “%(subject)s” (%(customer)s) was due %(due)s.")
        else:
            subject = _("deadline near")
            body = _("The %(what)s of “%(subject)s” (%(customer)s) is due %(due)s.")
        return subject, body % {
            "what": kind,
            "subject": locked.subject,
            "customer": locked.customer.name,
            "due": when,
        }

    tell(
        recipients=[*owner_of(locked), *branch_managers(locked.customer.branch_id)],
        actor=None,
        complaint=locked,
        event="deadline",
        entry=entry,
        compose=compose,
        notice=(notices.COMPLAINT_DEADLINE_PASSED if overdue else notices.COMPLAINT_DEADLINE_NEAR)(
            number=locked.number,
            customer=locked.customer.name,
            due=locked.due_at,
            subject=locked.subject,
        ),
    )
    return True
