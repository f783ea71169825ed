"""Service: the cases of channel customers (complaints) with response deadlines.

Life-cycle of a complaint (docs/portal.md draws it):

    open -> in_progress -> resolved -> closed
                 ^             |
                 +-- reopened -+   (by the customer)

The first answer of our staff that the customer can read moves an open complaint to
`in_progress` and stamps `first_response_at`; the response deadline (`response_due`) and
the resolution deadline (`resolution_due`) are set when the complaint is raised, from the
SLA hours of its severity (`sla_hours`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateTimeField
from roots.core.models import ScopedQuerySet, SearchableMixin, TimeStampedModel, VersionedModel
from roots.customers.models import customer_scope
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User


class ComplaintCategory(models.TextChoices):
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    DELIVERY = "delivery", _("Delivery")
    BILLING = "billing", _("Billing")
    SERVICE = "service", _("Service")
    SALES_POLICY = "sales_policy", _("Sales policy")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Complaints whose clock still runs (the owner has something to do).
ACTIVE_STATUSES = (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)

# Hours to the first answer and to the resolution, by severity. `settings.COMPLAINT_SLA_HOURS`
# (same shape) overrides them.
DEFAULT_SLA_HOURS: dict[str, dict[str, int]] = {
    Severity.URGENT: {"response": 4, "resolution": 24},
    Severity.NORMAL: {"response": 24, "resolution": 72},
}
# A clock turns amber (and the owner and branch manager are alerted once) when less than
# this share of its window is left.
AT_RISK_SHARE = 0.25


def sla_hours(severity: str) -> dict[str, int]:
    """The response and resolution hours of a severity (settings override the defaults)."""
    table = getattr(settings, "COMPLAINT_SLA_HOURS", None) or DEFAULT_SLA_HOURS
    return dict(table.get(severity) or DEFAULT_SLA_HOURS[Severity.NORMAL])


class ClockState(models.TextChoices):
    """The colour of a complaint's SLA clock."""

    ON_TIME = "on_time", _("On time")
    AT_RISK = "at_risk", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Within SLA")
    MISSED = "missed", _("SLA missed")


def clock_state(*, start: datetime, due: datetime, done_at: datetime | None, now: datetime) -> str:
    """Green while more than `AT_RISK_SHARE` of the window is left, amber after, red past
    the deadline; once done, whether it was done in time."""
    if done_at is not None:
        return ClockState.MET if done_at <= due else ClockState.MISSED
    if now > due:
        return ClockState.OVERDUE
    window = (due - start).total_seconds()
    if window <= 0 or (due - now).total_seconds() < window * AT_RISK_SHARE:
        return ClockState.AT_RISK
    return ClockState.ON_TIME


def complaint_scope(user: User, prefix: str = "") -> models.Q | None:
    """Complaints are seen with their customer (`customer_scope`); an account manager also
    sees the complaints a branch manager assigned to them."""
    condition = customer_scope(user, f"{prefix}customer__")
    if condition is not None and user.is_authenticated and user.role == Role.ACCOUNT_MANAGER:
        condition |= models.Q(**{f"{prefix}owner_id": user.pk})
    return condition


class ComplaintQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        condition = complaint_scope(user)
        return self.all() if condition is None else self.filter(condition)

    def active(self) -> Self:
        return self.filter(status__in=ACTIVE_STATUSES)


class Complaint(SearchableMixin, VersionedModel):
    """A channel customer's complaint: a tracked case owned by its account manager, with
    a response and a resolution deadline and a message thread."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    outlet = models.ForeignKey(
        "customers.Outlet",
        verbose_name=_("outlet"),
        on_delete=models.PROTECT,
        related_name="complaints",
        null=True,
        blank=True,
    )
    raised_by = models.ForeignKey(
        "org.User",
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    category = models.CharField(
        _("category"), max_length=20, choices=ComplaintCategory.choices, db_index=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.OPEN,
        db_index=True,
    )
    owner = models.ForeignKey(
        "org.User",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_complaints",
        null=True,
        blank=True,
        limit_choices_to={"role": Role.ACCOUNT_MANAGER},
    )
    raised_at = BusinessDateTimeField(_("raised at"), default=timezone.now, db_index=True)
    response_due = BusinessDateTimeField(_("response due"), db_index=True)
    resolution_due = BusinessDateTimeField(_("resolution due"))
    first_response_at = BusinessDateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = BusinessDateTimeField(_("resolved at"), null=True, blank=True)
    resolved_within_sla = models.BooleanField(_("resolved within SLA"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), max_length=5000, blank=True)
    closed_at = BusinessDateTimeField(_("closed at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    deadline_alerted_at = BusinessDateTimeField(_("deadline alert sent"), null=True, blank=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")

    objects = ComplaintQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number", "subject")

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["customer", "status"], name="service_complaint_cust_status"),
            models.Index(fields=["owner", "status"], name="service_complaint_owner_status"),
            models.Index(fields=["status", "response_due"], name="service_complaint_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response_due__gte=models.F("raised_at")),
                name="service_complaint_due_after_raised",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["resolved", "closed"])
                | models.Q(resolved_at__isnull=False),
                name="service_complaint_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def deadlines(*, raised_at: datetime, severity: str) -> tuple[datetime, datetime]:
        hours = sla_hours(severity)
        return (
            raised_at + timedelta(hours=hours["response"]),
            raised_at + timedelta(hours=hours["resolution"]),
        )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def awaiting_response(self) -> bool:
        return self.first_response_at is None and self.is_active

    @property
    def due_at(self) -> datetime:
        """The deadline the clock shows: the response deadline until the first answer,
        then the resolution deadline."""
        return self.response_due if self.first_response_at is None else self.resolution_due

    def clock(self, now: datetime | None = None) -> str:
        """The state of the running clock (`ClockState`)."""
        now = now or timezone.now()
        if self.resolved_at is not None:
            return ClockState.MET if self.resolved_within_sla else ClockState.MISSED
        if self.first_response_at is None:
            return clock_state(start=self.raised_at, due=self.response_due, done_at=None, now=now)
        return clock_state(start=self.raised_at, due=self.resolution_due, done_at=None, now=now)


class ComplaintMessageQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Messages of the complaints the user sees; internal notes only for staff."""
        condition = complaint_scope(user, "complaint__")
        queryset = self.all() if condition is None else self.filter(condition)
        if not (user.is_authenticated and user.is_staff_role):
            queryset = queryset.filter(internal=False)
        return queryset


class MessageKind(models.TextChoices):
    """What a thread entry records; entries other than messages are shown by their label
    (in the reader's language) followed by their text (written by people, or a time)."""

    MESSAGE = "message", _("Message")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CONFIRMED = "confirmed", _("The customer confirmed the resolution")
    REOPENED = "reopened", _("Reopened")
    ASSIGNED = "assigned", _("Assigned to")
    DEADLINE_NEAR = "deadline_near", _("Deadline near")
    DEADLINE_PASSED = "deadline_passed", _("Deadline passed")


class ComplaintMessage(TimeStampedModel):
    """One entry of a complaint's thread: a message of the customer or of our staff, a
    status change, or a deadline alert. Internal entries are never shown to the customer."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        "org.User",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    text = models.TextField(_("text"), max_length=5000, blank=True)
    internal = models.BooleanField(_("internal note"), default=False)

    objects = ComplaintMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        indexes = [models.Index(fields=["complaint", "created_at"], name="service_msg_thread")]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.text[:40]}"

    @property
    def is_message(self) -> bool:
        return self.kind == MessageKind.MESSAGE

    @property
    def is_alert(self) -> bool:
        return self.kind in (MessageKind.DEADLINE_NEAR, MessageKind.DEADLINE_PASSED)
