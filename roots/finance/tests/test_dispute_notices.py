"""A statement dispute tells the other side of each step, in the app and by e-mail (an
outbox row written in the step's transaction): the account manager what the customer does,
the customer's users what our staff do; never the person who took the step."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail

from conftest import shared_personas
from roots.finance import services
from roots.finance.models import Dispute, Statement
from roots.finance.tests import factories as f
from roots.notifications.models import Notification, NotificationKind, OutboxMessage
from roots.notifications.services import outbox_deliver

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(personas: Any) -> Statement:
    f.invoice(personas.cust_a1, "2000.00", date(2026, 5, 3))
    services.statements_generate(year=2026, month=5)
    statement = Statement.objects.get(customer=personas.cust_a1)
    return services.statement_issue(user=personas.am_a, statement=statement)


def _told(action: Any) -> tuple[set[str], dict[str, str]]:
    """Run `action`; the usernames it notified in the app, and its mail (address: subject)."""
    known_notices = set(Notification.objects.values_list("pk", flat=True))
    known_mail = set(OutboxMessage.objects.values_list("pk", flat=True))
    action()
    notices = Notification.objects.exclude(pk__in=known_notices)
    assert {n.kind for n in notices} <= {NotificationKind.DISPUTE}
    rows = OutboxMessage.objects.exclude(pk__in=known_mail)
    return {n.user.username for n in notices}, {r.to_address: r.subject for r in rows}


def _open(personas: Any, statement: Statement) -> Dispute:
    return services.statement_dispute(
        user=personas.cu_a1, statement=statement, lines=[], comment="五月的返利少算了"
    )


def test_opening_a_dispute_tells_the_account_manager(personas, issued):
    state: dict[str, Dispute] = {}
    notified, mailed = _told(lambda: state.update(dispute=_open(personas, issued)))
    dispute = state["dispute"]
    assert notified == {"am_a"}
    assert list(mailed) == [personas.am_a.email]
    assert dispute.number in mailed[personas.am_a.email]
    notice = Notification.objects.get(user=personas.am_a)
    assert notice.url == f"/disputes/{dispute.number}/"
    assert "五月的返利少算了" in notice.message and issued.number in notice.message


def test_a_customer_without_account_manager_tells_the_branch_managers(personas, issued):
    personas.cust_a1.account_manager = None
    personas.cust_a1.save()
    notified, _mailed = _told(lambda: _open(personas, issued))
    assert notified == {"bm_a"}


def test_answering_and_closing_tell_the_customer_in_its_language(personas, issued):
    personas.cu_a1.language = "en"
    personas.cu_a1.save()
    dispute = _open(personas, issued)
    notified, mailed = _told(
        lambda: services.dispute_answer(user=personas.am_a, dispute=dispute, answer="已补录返利")
    )
    assert notified == {"cu_a1"}
    assert mailed == {personas.cu_a1.email: f"[Roots] {dispute.number}: we answered your dispute"}
    dispute.refresh_from_db()
    notified, mailed = _told(
        lambda: services.dispute_close(user=personas.am_a, dispute=dispute, note="已结")
    )
    assert notified == {"cu_a1"}
    assert mailed == {personas.cu_a1.email: f"[Roots] {dispute.number}: dispute closed"}


def test_the_customers_reply_and_close_tell_the_account_manager(personas, issued):
    dispute = _open(personas, issued)
    services.dispute_answer(user=personas.am_a, dispute=dispute, answer="已补录返利")
    notified, mailed = _told(
        lambda: services.dispute_message_add(user=personas.cu_a1, dispute=dispute, body="还差一笔")
    )
    assert (notified, list(mailed)) == ({"am_a"}, [personas.am_a.email])
    dispute.refresh_from_db()
    notified, mailed = _told(lambda: services.dispute_close(user=personas.cu_a1, dispute=dispute))
    assert (notified, list(mailed)) == ({"am_a"}, [personas.am_a.email])


def test_the_dispute_mail_goes_out_once(personas, issued):
    dispute = _open(personas, issued)
    mail.outbox.clear()
    assert outbox_deliver()["sent"] == 1
    assert outbox_deliver()["sent"] == 0
    assert [m.to for m in mail.outbox] == [[personas.am_a.email]]
    assert "五月的返利少算了" in mail.outbox[0].body
    assert f"/disputes/{dispute.number}/" in mail.outbox[0].body
