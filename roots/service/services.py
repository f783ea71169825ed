"""Writes of the service app: complaints and their threads. Each public function is one
business action in one transaction; e-mails go out only when it commits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError
from roots.core.i18n_text import Text
from roots.core.services import lock_for_update, record_history_user, sequence_next
from roots.customers.models import Customer, Outlet
from roots.notifications import texts as notices
from roots.notifications.models import NotificationKind
from roots.notifications.services import notification_create
from roots.org.models import Role, User
from roots.service import policies
from roots.service.models import (
    ACTIVE_STATUSES,
    AT_RISK_SHARE,
    Complaint,
    ComplaintMessage,
    ComplaintStatus,
    MessageKind,
    Severity,
)

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "CP"
NUMBER_WIDTH = 8


# --- numbers and mail ------------------------------------------------------------------------
def _next_number() -> str:
    """`CP` and 8 digits; the counter starts past numbers loaded in bulk (demo data)."""
    numbers = Complaint.objects.all_unscoped()
    highest = (
        numbers.filter(number__regex=rf"^{NUMBER_PREFIX}[0-9]{{{NUMBER_WIDTH}}}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    floor = int(highest[len(NUMBER_PREFIX) :]) if highest else 0
    while True:
        value = sequence_next(name="complaint", floor=floor)
        number = f"{NUMBER_PREFIX}{value:0{NUMBER_WIDTH}d}"
        if not numbers.filter(number=number).exists():
            return number


def _customer_users(customer_id: int) -> list[User]:
    return list(
        User.objects.filter(role=Role.CUSTOMER_USER, customer_id=customer_id, is_active=True)
    )


def _branch_managers(branch_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.BRANCH_MANAGER, branch_id=branch_id, is_active=True))


def _owner(complaint: Complaint) -> list[User]:
    owner = complaint.owner
    return [owner] if owner is not None and owner.is_active else []


def _mail_on_commit(
    *,
    recipients: Iterable[User],
    actor: User | None,
    complaint: Complaint,
    compose: Callable[[User], tuple[str, str]],
    notice: Text,
) -> None:
    """After commit, one e-mail per recipient (with an address, other than the actor), in
    the recipient's language; `compose(user)` answers (subject, body) in that language.
    The same recipients (with an address or not) get `notice` in the app, in this
    transaction."""
    recipients = list(recipients)
    notification_create(
        recipients=recipients,
        kind=NotificationKind.COMPLAINT,
        text=notice,
        url=f"/complaints/{complaint.number}/",
        actor=actor,
    )
    seen: set[int] = set()
    people = []
    for user in recipients:
        if not user.email or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return

    def send() -> None:
        messages = []
        for user in people:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject, body = compose(user)
                link = _("Open the complaint: %(path)s") % {
                    "path": f"/complaints/{complaint.number}/"
                }
            messages.append(
                (
                    f"[Roots] {complaint.number}: {subject}",
                    f"{body}\n\n{link}",
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
            )
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # the case is saved: a mail server's trouble must not undo the answer
            logger.exception("could not e-mail about complaint %s", complaint.number)

    transaction.on_commit(send)


def _log(
    *,
    complaint: Complaint,
    author: User | None,
    kind: str,
    text: str = "",
    internal: bool = False,
) -> ComplaintMessage:
    return ComplaintMessage.objects.create(
        complaint=complaint, author=author, kind=kind, text=text[:5000], internal=internal
    )


def _save_state(complaint: Complaint, *, user: User | None, fields: list[str]) -> Complaint:
    record_history_user(complaint, user)
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])
    return complaint


def _locked(complaint: Complaint, expected_version: int | None) -> Complaint:
    return lock_for_update(instance=complaint, expected_version=expected_version)


def _required_text(value: Any, field: str, *, max_length: int = 5000) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("At most %(n)d characters.") % {"n": max_length}]})
    return text


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
    complaint.number = _next_number()
    complaint.refresh_search_text()
    record_history_user(complaint, user)
    complaint.save()
    _mail_on_commit(
        recipients=_owner(complaint) or _branch_managers(customer.branch_id),
        actor=user,
        complaint=complaint,
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
    """Add a message to the thread. The first answer of our staff that the customer can read
    stamps the first response and moves an open complaint to in progress; the customer's
    users are told by e-mail of staff answers, the owner of the customer's messages.
    Internal notes are for staff only. A closed complaint takes no more messages."""
    if not policies.can_write_message(user, complaint):
        raise PermissionDenied(_("You may not write on this complaint."))
    staff = policies.can_handle(user, complaint)
    if internal and not staff:
        raise PermissionDenied(_("Only our staff write internal notes."))
    body = _required_text(text, "text")
    locked = _locked(complaint, expected_version)
    if locked.status == ComplaintStatus.CLOSED:
        raise ConflictError(_("This complaint is closed; it takes no more messages."))
    message = _log(
        complaint=locked, author=user, text=body, kind=MessageKind.MESSAGE, internal=internal
    )
    if staff and not internal:
        fields = []
        if locked.first_response_at is None:
            locked.first_response_at = message.created_at
            fields.append("first_response_at")
        if locked.status == ComplaintStatus.OPEN:
            locked.status = ComplaintStatus.IN_PROGRESS
            fields.append("status")
        if fields:
            _save_state(locked, user=user, fields=fields)
        _mail_on_commit(
            recipients=_customer_users(locked.customer_id),
            actor=user,
            complaint=locked,
            compose=lambda _u: (
                _("we answered your complaint"),
                _("%(author)s answered your complaint “%(subject)s”:\n\n%(text)s")
                % {"author": user.display_name, "subject": locked.subject, "text": body},
            ),
            notice=notices.COMPLAINT_ANSWERED(
                author=user.display_name, number=locked.number, subject=locked.subject
            ),
        )
    elif not staff:
        _mail_on_commit(
            recipients=_owner(locked),
            actor=user,
            complaint=locked,
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


@transaction.atomic
def complaint_respond(
    *, user: User, complaint: Complaint, text: str, expected_version: int | None = None
) -> Complaint:
    """Our staff's answer to the customer (see `complaint_message_add`)."""
    if not policies.can_handle(user, complaint):
        raise PermissionDenied(_("Only the staff who handle this complaint answer it."))
    complaint_message_add(
        user=user, complaint=complaint, text=text, expected_version=expected_version
    )
    return Complaint.objects.get(pk=complaint.pk)


def _sync(target: Complaint, source: Complaint) -> None:
    """Copy a re-read (locked) complaint's state back into the caller's instance."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# --- state changes ---------------------------------------------------------------------------
@transaction.atomic
def complaint_resolve(
    *, user: User, complaint: Complaint, resolution: str, expected_version: int | None = None
) -> Complaint:
    """Our staff resolve an open or in-progress complaint with what was done; whether it was
    resolved within the SLA is stored (the KPI "problems resolved within SLA" reads it).
    The customer's users are told and asked to confirm."""
    if not policies.can_handle(user, complaint):
        raise PermissionDenied(_("Only the staff who handle this complaint resolve it."))
    text = _required_text(resolution, "resolution")
    locked = _locked(complaint, expected_version)
    if locked.status not in ACTIVE_STATUSES:
        raise ConflictError(
            _("Only an open or in-progress complaint can be resolved (this one is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    now = timezone.now()
    if locked.first_response_at is None:
        locked.first_response_at = now
    locked.status = ComplaintStatus.RESOLVED
    locked.resolved_at = now
    locked.resolved_within_sla = now <= locked.resolution_due
    locked.resolution = text
    _save_state(
        locked,
        user=user,
        fields=["first_response_at", "status", "resolved_at", "resolved_within_sla", "resolution"],
    )
    _log(complaint=locked, author=user, kind=MessageKind.RESOLVED, text=text)
    _mail_on_commit(
        recipients=_customer_users(locked.customer_id),
        actor=user,
        complaint=locked,
        compose=lambda _u: (
            _("your complaint is resolved"),
            _(
                "Your complaint “%(subject)s” is resolved:\n\n%(text)s\n\n"
                "Please confirm to close it, or reopen it if the problem remains."
            )
            % {"subject": locked.subject, "text": text},
        ),
        notice=notices.COMPLAINT_RESOLVED(number=locked.number, subject=locked.subject),
    )
    _sync(complaint, locked)
    return complaint


@transaction.atomic
def complaint_close(
    *, user: User, complaint: Complaint, note: str = "", expected_version: int | None = None
) -> Complaint:
    """Close a resolved complaint: the customer confirms the resolution, or our staff close
    it after resolving."""
    if not policies.can_close(user, complaint):
        raise PermissionDenied(_("You may not close this complaint."))
    note = str(note or "").strip()[:5000]
    locked = _locked(complaint, expected_version)
    if locked.status != ComplaintStatus.RESOLVED:
        raise ConflictError(
            _("Only a resolved complaint can be closed (this one is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    locked.status = ComplaintStatus.CLOSED
    locked.closed_at = timezone.now()
    _save_state(locked, user=user, fields=["status", "closed_at"])
    confirmed = policies.is_complainant(user, locked)
    _log(
        complaint=locked,
        author=user,
        kind=MessageKind.CONFIRMED if confirmed else MessageKind.CLOSED,
        text=note,
    )
    _sync(complaint, locked)
    return complaint


@transaction.atomic
def complaint_reopen(
    *, user: User, complaint: Complaint, reason: str, expected_version: int | None = None
) -> Complaint:
    """The customer reopens a resolved complaint (the problem remains): it is in progress
    again, the resolution is cleared, and the owner is told."""
    if not policies.can_reopen(user, complaint):
        raise PermissionDenied(_("Only the customer reopens a complaint."))
    text = _required_text(reason, "reason")
    locked = _locked(complaint, expected_version)
    if locked.status != ComplaintStatus.RESOLVED:
        raise ConflictError(
            _("Only a resolved complaint can be reopened (this one is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    locked.status = ComplaintStatus.IN_PROGRESS
    locked.resolved_at = None
    locked.resolved_within_sla = None
    locked.reopened_count += 1
    locked.deadline_alerted_at = None
    _save_state(
        locked,
        user=user,
        fields=[
            "status",
            "resolved_at",
            "resolved_within_sla",
            "reopened_count",
            "deadline_alerted_at",
        ],
    )
    _log(complaint=locked, author=user, kind=MessageKind.REOPENED, text=text)
    _mail_on_commit(
        recipients=_owner(locked),
        actor=user,
        complaint=locked,
        compose=lambda _u: (
            _("the customer reopened the complaint"),
            _("%(customer)s reopened “%(subject)s”:\n\n%(text)s")
            % {"customer": locked.customer.name, "subject": locked.subject, "text": text},
        ),
        notice=notices.COMPLAINT_REOPENED(
            customer=locked.customer.name, number=locked.number, subject=locked.subject
        ),
    )
    _sync(complaint, locked)
    return complaint


@transaction.atomic
def complaint_assign(
    *, user: User, complaint: Complaint, owner: User, expected_version: int | None = None
) -> Complaint:
    """A branch manager (or headquarters) hands the complaint to another account manager of
    the customer's branch; the new owner is told."""
    if not policies.can_assign(user, complaint):
        raise PermissionDenied(_("Only the branch manager or headquarters reassign complaints."))
    if (
        not isinstance(owner, User)
        or owner.role != Role.ACCOUNT_MANAGER
        or not owner.is_active
        or owner.branch_id != complaint.customer.branch_id
    ):
        raise ValidationError({"owner": [_("Choose an account manager of the customer's branch.")]})
    locked = _locked(complaint, expected_version)
    if locked.status == ComplaintStatus.CLOSED:
        raise ConflictError(_("A closed complaint cannot be reassigned."))
    if locked.owner_id == owner.pk:
        _sync(complaint, locked)
        return complaint
    locked.owner = owner
    _save_state(locked, user=user, fields=["owner"])
    _log(
        complaint=locked,
        author=user,
        kind=MessageKind.ASSIGNED,
        text=owner.display_name,
        internal=True,
    )
    _mail_on_commit(
        recipients=[owner],
        actor=user,
        complaint=locked,
        compose=lambda _u: (
            _("a complaint was assigned to you"),
            _("%(user)s assigned you the complaint “%(subject)s” of %(customer)s.")
            % {
                "user": user.display_name,
                "subject": locked.subject,
                "customer": locked.customer.name,
            },
        ),
        notice=notices.COMPLAINT_ASSIGNED(
            user=user.display_name,
            number=locked.number,
            customer=locked.customer.name,
            subject=locked.subject,
        ),
    )
    _sync(complaint, locked)
    return complaint


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
    _log(
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

    _mail_on_commit(
        recipients=[*_owner(locked), *_branch_managers(locked.customer.branch_id)],
        actor=None,
        complaint=locked,
        compose=compose,
        notice=(notices.COMPLAINT_DEADLINE_PASSED if overdue else notices.COMPLAINT_DEADLINE_NEAR)(
            number=locked.number,
            customer=locked.customer.name,
            due=locked.due_at,
            subject=locked.subject,
        ),
    )
    return True
