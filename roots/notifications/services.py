"""Writes of notifications: the one notifier the services call (`notify`: in the app and by
e-mail, in the caller's transaction), marking notifications read, the outbox of e-mails and
its delivery by the task worker, and forgetting old rows.

The outbox (STYLE.md habit 2): a service never sends mail itself. It writes one
`OutboxMessage` per recipient in its own transaction, so that a rolled-back step mails no
one and a committed step cannot lose its mail; after commit a `deliver_outbox` task is
enqueued (a row for `db_worker`, no SMTP in the request), and `manage.py deliver_outbox`
(cron) sweeps whatever is still due. Delivery is at least once, deduplicated by key."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import TypedDict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation

from roots.core import i18n_text
from roots.core.i18n_text import Text
from roots.notifications.models import (
    Notification,
    NotificationKind,
    OutboxMessage,
    OutboxStatus,
)
from roots.org.models import User

logger = logging.getLogger(__name__)

MESSAGE_MAX = 500
URL_MAX = 300
SUBJECT_MAX = 300
BATCH = 50
# The longest wait between two attempts of one mail.
MAX_BACKOFF = timedelta(hours=6)

# `compose(user)` answers an e-mail's (subject, body); it is called in the user's language.
Compose = Callable[[User], tuple[str, str]]


# --- the notifier ------------------------------------------------------------------------------
def notify(
    *,
    recipients: Iterable[User],
    kind: NotificationKind | str,
    text: Text,
    key: str,
    compose: Compose | None = None,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell people about one event, in the caller's transaction: each active recipient
    (never the `actor`) in the app (`notification_create`), and, when `compose` is given,
    each of them with an address by e-mail (`outbox_write`; `key` names the event, e.g.
    `complaint.resolved:12:345`). Answers the notifications created."""
    recipients = list(recipients)
    notices = notification_create(recipients=recipients, kind=kind, text=text, url=url, actor=actor)
    if compose is not None:
        outbox_write(key=key, recipients=recipients, compose=compose, actor=actor)
    return notices


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


# --- the outbox ----------------------------------------------------------------------------
@transaction.atomic
def outbox_write(
    *, key: str, recipients: Iterable[User], compose: Compose, actor: User | None = None
) -> list[str]:
    """One pending e-mail per active recipient with an address (once each, never the
    `actor`), in the caller's transaction; subject and body are `compose(user)` in the
    recipient's language. Each row's key is `<key>:<user pk>`: a key written again keeps
    its first row. After commit the mail is handed to the worker (`deliver_outbox_task`),
    or sent at once where `OUTBOX_DELIVER_ON_COMMIT` says so (the tests). Answers the keys."""
    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if (
            not user.email
            or not user.is_active
            or user.pk in seen
            or (actor is not None and user.pk == actor.pk)
        ):
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = compose(user)
        rows.append(
            OutboxMessage(
                dedup_key=f"{key}:{user.pk}",
                to_address=user.email,
                subject=" ".join(subject.split())[:SUBJECT_MAX],
                body=body,
                next_attempt_at=now,
            )
        )
    if not rows:
        return []
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.dedup_key for row in rows]
    # `robust`: a worker queue that cannot be reached must not fail the committed step; the
    # rows stay pending for the next `deliver_outbox` sweep.
    transaction.on_commit(lambda: _hand_over(keys), robust=True)
    return keys


def _hand_over(keys: list[str]) -> None:
    if settings.OUTBOX_DELIVER_ON_COMMIT:
        outbox_deliver(keys=keys)
        return
    from roots.notifications.tasks import deliver_outbox_task  # the tasks import this module

    deliver_outbox_task.enqueue(keys=keys)


class Delivery(TypedDict):
    sent: int
    retried: int
    failed: int


def outbox_deliver(*, keys: Sequence[str] | None = None, batch: int = BATCH) -> Delivery:
    """Send the pending mail that is due (only that of `keys` when given), a batch at a
    time: claim the batch in a short transaction (rows locked with `skip_locked`, so that
    two workers take different rows, and given a lease of `OUTBOX_CLAIM_SECONDS`), send
    each, and record each outcome in its own transaction right after its send.

    At least once: a worker killed after its claim leaves its rows pending, due again when
    the lease runs out, and the next run sends them once. A worker killed between a send and
    its record sends that one mail again later; its Message-ID, made from the key, lets a
    mail client fold the two. A failed send is tried again after a back-off that doubles
    (`OUTBOX_RETRY_SECONDS`), and is given up (`failed`) after `OUTBOX_MAX_ATTEMPTS`."""
    result = Delivery(sent=0, retried=0, failed=0)
    while rows := _claim(keys=keys, batch=batch):
        if settings.OUTBOX_TEST_CRASH_BEFORE_SEND:  # fault injection: tests/test_outbox_kill.py
            os.kill(os.getpid(), signal.SIGKILL)
        connection = get_connection()
        try:
            connection.open()
        except Exception as error:  # the server is down: this batch backs off, the rest waits
            for row in rows:
                result[_failed(row, error)] += 1  # type: ignore[literal-required]
            return result
        try:
            for row in rows:
                result[_send(row, connection)] += 1  # type: ignore[literal-required]
        finally:
            connection.close()
    return result


@transaction.atomic
def _claim(*, keys: Sequence[str] | None, batch: int) -> list[OutboxMessage]:
    now = timezone.now()
    due = OutboxMessage.objects.all_unscoped().due(now)
    if keys is not None:
        due = due.filter(dedup_key__in=list(keys))
    # SQLite has no row locks (Django leaves `select_for_update` out there): its
    # transactions take the write lock when they begin, so two claims run one after the other.
    rows = list(due.select_for_update(skip_locked=True).order_by("pk")[:batch])
    if rows:
        lease = now + timedelta(seconds=max(settings.OUTBOX_CLAIM_SECONDS, 1))
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(next_attempt_at=lease)
    return rows


def _message_id(key: str) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "roots.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.outbox@{domain}>"


def _send(row: OutboxMessage, connection: BaseEmailBackend) -> str:
    """Send one claimed row and record the outcome (one UPDATE: its own transaction)."""
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        headers={"Message-ID": _message_id(row.dedup_key)},
        connection=connection,
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:
        return _failed(row, error)
    OutboxMessage.objects.filter(pk=row.pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
    )
    return "sent"


def _failed(row: OutboxMessage, error: Exception) -> str:
    attempts = row.attempts + 1
    logger.warning("could not e-mail %s (attempt %d)", row.dedup_key, attempts, exc_info=error)
    changes: dict[str, object] = {"attempts": attempts, "last_error": repr(error)[:2000]}
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        changes["status"] = OutboxStatus.FAILED
        outcome = "failed"
    else:
        wait = timedelta(seconds=max(settings.OUTBOX_RETRY_SECONDS, 1) * 2 ** (attempts - 1))
        changes["next_attempt_at"] = timezone.now() + min(wait, MAX_BACKOFF)
        outcome = "retried"
    OutboxMessage.objects.filter(pk=row.pk, status=OutboxStatus.PENDING).update(**changes)
    return outcome


# --- forgetting ----------------------------------------------------------------------------
class Purge(TypedDict):
    notifications: int
    outbox: int


def notifications_purge(*, now: datetime | None = None) -> Purge:
    """Forget notifications read more than `NOTIFICATIONS_KEEP_DAYS` ago (by when they
    were written) and unread ones older than `NOTIFICATIONS_KEEP_UNREAD_DAYS`; and outbox
    mail sent more than `OUTBOX_KEEP_DAYS` ago, or given up more than
    `NOTIFICATIONS_KEEP_DAYS` ago. Runs over every user: a background job."""
    now = now or timezone.now()
    read = Q(
        read_at__isnull=False, created_at__lt=now - timedelta(settings.NOTIFICATIONS_KEEP_DAYS)
    )
    unread = Q(
        read_at__isnull=True,
        created_at__lt=now - timedelta(settings.NOTIFICATIONS_KEEP_UNREAD_DAYS),
    )
    notices, _per_model = Notification.objects.all_unscoped().filter(read | unread).delete()
    sent = Q(status=OutboxStatus.SENT, sent_at__lt=now - timedelta(settings.OUTBOX_KEEP_DAYS))
    given_up = Q(
        status=OutboxStatus.FAILED,
        created_at__lt=now - timedelta(settings.NOTIFICATIONS_KEEP_DAYS),
    )
    mails, _per_model = OutboxMessage.objects.all_unscoped().filter(sent | given_up).delete()
    return Purge(notifications=notices, outbox=mails)
