"""The outbox: mail is written in the business transaction (one row per recipient, keyed for
deduplication, in the recipient's language) and sent after the commit, at least once, with
a back-off for a mail server that fails; old rows are forgotten."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks.signals import task_enqueued

from conftest import shared_personas
from roots.notifications import services
from roots.notifications.models import Notification, NotificationKind, OutboxMessage, OutboxStatus
from roots.notifications.texts import ORDER_NOTE

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that takes the connection and refuses every message."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionError("451 try again later")


def _compose(user: Any) -> tuple[str, str]:
    from django.utils.translation import gettext as _

    return f"[Roots] {_('Order')}", f"Hello {user.username}"


def _write(personas: Any, key: str = "test.event:1:1", **kwargs: Any) -> list[str]:
    return services.outbox_write(
        key=key, recipients=[personas.am_a, personas.cu_a1], compose=_compose, **kwargs
    )


def test_rows_are_written_in_the_transaction_and_sent_after_commit(
    personas, django_capture_on_commit_callbacks
):
    personas.cu_a1.language = "en"
    personas.cu_a1.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        keys = _write(personas)
    assert keys == [f"test.event:1:1:{personas.am_a.pk}", f"test.event:1:1:{personas.cu_a1.pk}"]
    rows = {row.dedup_key: row for row in OutboxMessage.objects.all()}
    assert [row.status for row in rows.values()] == [OutboxStatus.PENDING] * 2
    # Each in its recipient's language (am_a reads Chinese, the default).
    assert rows[keys[0]].subject == "[Roots] 订单"
    assert rows[keys[1]].subject == "[Roots] Order"
    assert mail.outbox == []  # nothing goes out before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.am_a.email, personas.cu_a1.email]
    )
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_a_rolled_back_step_writes_no_mail(personas, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _write(personas)
        raise RuntimeError("the step fails")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_the_actor_inactive_people_and_people_without_address_get_no_mail(personas):
    personas.cu_a1.email = ""
    personas.cu_a1.save()
    personas.bm_a.is_active = False
    personas.bm_a.save()
    keys = services.outbox_write(
        key="test.event:1:2",
        recipients=[personas.am_a, personas.cu_a1, personas.bm_a, personas.pm, personas.pm],
        compose=_compose,
        actor=personas.am_a,
    )
    assert keys == [f"test.event:1:2:{personas.pm.pk}"]


def test_the_same_key_written_twice_keeps_one_row(personas, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _write(personas)
        _write(personas)
    assert OutboxMessage.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_message_id_comes_from_the_key(personas, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _write(personas)
    first, second = (m.message()["Message-ID"] for m in mail.outbox)
    assert first.endswith(".outbox@roots.invalid>") and first != second


def test_after_commit_the_worker_gets_a_task(
    personas, django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_DELIVER_ON_COMMIT = False
    enqueued: list[Any] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        enqueued.append(task_result)

    task_enqueued.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            keys = _write(personas)
    finally:
        task_enqueued.disconnect(record)
    assert [result.task.name for result in enqueued] == ["deliver_outbox_task"]
    assert enqueued[0].kwargs == {"keys": keys}
    # The tests' task backend runs it at once.
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2


def test_the_notifier_tells_in_the_app_and_by_mail(personas, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notices = services.notify(
            recipients=[personas.am_a, personas.cu_a1],
            kind=NotificationKind.ORDER,
            text=ORDER_NOTE(number="SO1", customer="甲", text="到货"),
            key="test.note:1:1",
            compose=_compose,
            url="/orders/SO1/",
            actor=personas.cu_a1,
        )
    assert [n.user for n in notices] == [personas.am_a]
    assert [m.to for m in mail.outbox] == [[personas.am_a.email]]


def test_a_failing_mail_server_backs_off_then_gives_up(personas, settings):
    settings.EMAIL_BACKEND = "roots.notifications.tests.test_outbox.RefusingBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with transaction.atomic():
        services.outbox_write(key="test.event:9:9", recipients=[personas.am_a], compose=_compose)
    row = OutboxMessage.objects.get()
    waits = []
    for attempt in (1, 2):
        before = timezone.now()
        assert services.outbox_deliver() == {"sent": 0, "retried": 1, "failed": 0}
        row.refresh_from_db()
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, attempt)
        assert "451 try again later" in row.last_error
        waits.append(row.next_attempt_at - before)
        # Not due again before its back-off has passed.
        assert services.outbox_deliver() == {"sent": 0, "retried": 0, "failed": 0}
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert timedelta(seconds=59) < waits[0] < waits[1]  # the back-off doubles
    assert services.outbox_deliver() == {"sent": 0, "retried": 0, "failed": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.FAILED, 3, None)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert services.outbox_deliver() == {"sent": 0, "retried": 0, "failed": 0}


def test_the_sweep_sends_what_is_due_once(personas, capsys):
    with transaction.atomic():  # its on-commit hook never runs in a test's transaction
        _write(personas)
    mail.outbox.clear()
    later = OutboxMessage.objects.order_by("pk").last()
    assert later is not None
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    call_command("deliver_outbox")
    assert "sent 1, to retry 0, given up 0" in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [[personas.am_a.email]]
    call_command("deliver_outbox")
    assert len(mail.outbox) == 1  # sent rows are not sent again; the later one waits
    call_command("deliver_outbox", "--enqueue")
    assert "enqueued task" in capsys.readouterr().out


def test_a_claimed_row_waits_for_the_end_of_the_claim(personas):
    with transaction.atomic():
        _write(personas)
    claimed = services._claim(keys=None, batch=1)  # a worker that died after its claim
    assert len(claimed) == 1
    mail.outbox.clear()
    assert services.outbox_deliver()["sent"] == 1  # the other row only
    OutboxMessage.objects.filter(pk=claimed[0].pk).update(next_attempt_at=timezone.now())
    assert services.outbox_deliver()["sent"] == 1  # the lease has run out: sent once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.am_a.email, personas.cu_a1.email]
    )


# --- forgetting ----------------------------------------------------------------------------
def _notice(user: Any, *, days: int, read: bool) -> Notification:
    notice = services.notification_create(
        recipients=[user],
        kind=NotificationKind.ORDER,
        text=ORDER_NOTE(number="SO1", customer="甲", text="到货"),
    )[0]
    created = timezone.now() - timedelta(days=days)
    Notification.objects.filter(pk=notice.pk).update(
        created_at=created, read_at=created if read else None
    )
    return notice


def test_purge_forgets_old_notifications_and_old_sent_mail(personas, capsys):
    user = personas.am_a
    keep = [
        _notice(user, days=10, read=True),
        _notice(user, days=200, read=False),
    ]
    _notice(user, days=91, read=True)
    _notice(user, days=366, read=False)
    with transaction.atomic():
        keys = _write(personas)
    now = timezone.now()
    OutboxMessage.objects.filter(dedup_key=keys[0]).update(
        status=OutboxStatus.SENT, sent_at=now - timedelta(days=31)
    )
    call_command("purge_notifications")
    assert "deleted 2 notifications and 1 sent e-mails" in capsys.readouterr().out
    assert set(Notification.objects.values_list("pk", flat=True)) == {n.pk for n in keep}
    assert list(OutboxMessage.objects.values_list("dedup_key", flat=True)) == [keys[1]]
    call_command("purge_notifications", "--enqueue")
    assert "enqueued task" in capsys.readouterr().out
