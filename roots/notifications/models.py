"""In-app notifications: what the system tells a person (the same events as its e-mails),
shown by the bell in the top bar and on `/notifications/`; and the outbox, the e-mails
written in the business transaction and sent by the task worker (`OutboxMessage`).

The sentence is generated text (`roots.core.i18n_text`): a message id with parameters
(`roots.notifications.texts`), rendered in the reader's language when it is read; `message`
keeps it as first written (in the recipient's language), for a message id that no longer
exists."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateTimeField
from roots.core.i18n_text import GeneratedTextField, rendered
from roots.core.models import ScopedQuerySet

if TYPE_CHECKING:
    from roots.org.models import User


class NotificationKind(models.TextChoices):
    ORDER = "order", _("Order")
    CUSTOM_ORDER = "custom_order", _("Custom order")
    COMPLAINT = "complaint", _("Complaint")
    DISPUTE = "dispute", _("Statement dispute")


class NotificationQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """A person's notifications are theirs alone (headquarters included)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user_id=user.pk)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing the system told one user: what happened (generated text), where to look
    (`url`, a path of this site), when, and whether they have read it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    message = models.CharField(_("message"), max_length=500)
    message_text = GeneratedTextField(_("generated message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = BusinessDateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_user_new_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.message[:60]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    get_message_display = rendered("message")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessageQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Mail to other people: no page or endpoint shows it (the admin and the worker
        read it `all_unscoped`)."""
        return self.none()

    def due(self, now: datetime) -> Self:
        """Pending mail whose next attempt (or whose claim's lease) has come."""
        return self.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)


class OutboxMessage(models.Model):
    """One e-mail to one address, written in the business transaction that caused it (so
    that a rolled-back step mails no one and a committed one cannot lose its mail), and sent
    by the task worker at least once (`roots.notifications.services.outbox_deliver`).

    `dedup_key` names the event and the recipient (`order.status:12:345:7`): writing the
    same mail twice keeps one row. Subject and body are rendered in the recipient's language
    when written. `next_attempt_at` is when it may be tried next: after a failure, the
    back-off; while a worker holds it, the end of that worker's claim."""

    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    to_address = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = BusinessDateTimeField(_("next attempt at"))
    sent_at = BusinessDateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["status", "sent_at"], name="outbox_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dedup_key} → {self.to_address} ({self.status})"
