"""In-app notifications: what the system tells a person (the same events as its e-mails),
shown by the bell in the top bar and on `/notifications/`.

The sentence is generated text (`roots.core.i18n_text`): a message id with parameters
(`roots.notifications.texts`), rendered in the reader's language when it is read; `message`
keeps it as first written (in the recipient's language), for a message id that no longer
exists."""

from __future__ import annotations

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
