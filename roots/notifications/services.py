"""Writes of notifications: creating them (called by the services that e-mail, in the same
transaction, for the same people) and marking them read."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation

from roots.core import i18n_text
from roots.core.i18n_text import Text
from roots.notifications.models import Notification, NotificationKind
from roots.org.models import User

MESSAGE_MAX = 500
URL_MAX = 300


def _literal(text: Text, user: User) -> str:
    """The sentence as first written, in the recipient's language (kept beside the id)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        said = str(text)
    return said if len(said) <= MESSAGE_MAX else said[: MESSAGE_MAX - 1] + "…"


@transaction.atomic
def notification_create(
    *,
    recipients: Iterable[User],
    kind: NotificationKind | str,
    text: Text,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell each active recipient (once, never the `actor` who caused the event) what
    happened: one unread notification each. Runs in the caller's transaction, so that a
    rolled-back step tells no one. Answers the notifications created."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if url and not url.startswith("/"):
        raise ValueError("a notification links to a path of this site")
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                user=user,
                kind=kind,
                message=_literal(text, user),
                message_text=i18n_text.as_stored(text),
                url=url[:URL_MAX],
            )
        )
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (another user's: 404); marking a read one
    again changes nothing."""
    locked = (
        Notification.objects.visible_to(user).select_for_update().filter(pk=notification.pk).first()
    )
    if locked is None:
        raise Http404
    if locked.read_at is None:
        locked.read_at = timezone.now()
        locked.save(update_fields=["read_at"])
    return locked


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; answers how many."""
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())
