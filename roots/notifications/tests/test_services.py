"""Notifications are fed by the same events as the e-mails: each event that mails someone
also tells the same people in the app, in the same transaction (a rolled-back step tells no
one), in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from conftest import shared_personas
from roots.notifications import selectors, services, texts
from roots.notifications.models import Notification, NotificationKind
from roots.orders import services as order_services
from roots.orders.custom import services as custom_services
from roots.orders.tests.test_custom_support import quote_data, requested
from roots.service import services as complaint_services
from roots.service.models import Complaint

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _complaint(personas: Any, **fields: Any) -> Complaint:
    data = {
        "category": "delivery",
        "subject": "送货延迟三天",
        "description": "订单已确认但三天未到货。",
        "severity": "normal",
        **fields,
    }
    return complaint_services.complaint_raise(user=personas.cu_a1, data=data)


def _order(personas: Any) -> Any:
    return order_services.order_submit(
        user=personas.cu_a1,
        data={"outlet": personas.outlet_a1, "lines": [{"sku": personas.sku, "quantity": 2}]},
    )


def _mailed_and_notified(
    capture: Callable[..., Any], action: Callable[[], Any]
) -> tuple[set[str], set[str]]:
    """Run `action`; the addresses it e-mailed, and the addresses of the users it notified."""
    known = set(Notification.objects.values_list("pk", flat=True))
    mail.outbox.clear()
    with capture(execute=True):
        action()
    mailed = {address for message in mail.outbox for address in message.to}
    notified = {n.user.email for n in Notification.objects.exclude(pk__in=known)}
    return mailed, notified


def _age(complaint: Complaint, hours: float) -> Complaint:
    shift = timedelta(hours=hours)
    Complaint.objects.filter(pk=complaint.pk).update(
        raised_at=complaint.raised_at - shift,
        response_due=complaint.response_due - shift,
        resolution_due=complaint.resolution_due - shift,
    )
    complaint.refresh_from_db()
    return complaint


def test_every_mailed_event_notifies_the_same_people(
    personas, django_capture_on_commit_callbacks, mailoutbox
):
    capture = django_capture_on_commit_callbacks
    events: list[tuple[str, Callable[[], Any]]] = []
    state: dict[str, Any] = {}

    def raise_it() -> None:
        state["complaint"] = _complaint(personas)

    def answer() -> None:
        complaint_services.complaint_respond(
            user=personas.am_a, complaint=state["complaint"], text="明天补货"
        )

    def customer_writes() -> None:
        complaint_services.complaint_message_add(
            user=personas.cu_a1, complaint=state["complaint"], text="还没到"
        )

    def assign() -> None:
        complaint_services.complaint_assign(
            user=personas.bm_a, complaint=state["complaint"], owner=personas.am_a2
        )

    def resolve() -> None:
        complaint_services.complaint_resolve(
            user=personas.am_a2, complaint=state["complaint"], resolution="已送达"
        )

    def reopen() -> None:
        complaint_services.complaint_reopen(
            user=personas.cu_a1, complaint=state["complaint"], reason="少了一台"
        )

    def deadline() -> None:
        _age(_complaint(personas, severity="urgent"), hours=5)
        complaint_services.complaint_check_deadlines()

    def submit_order() -> None:
        state["order"] = _order(personas)

    def confirm_order() -> None:
        order_services.order_transition(user=personas.bm_a, order=state["order"], action="confirm")

    def request_custom() -> None:
        state["custom"] = requested(personas)

    def quote_custom() -> None:
        custom_services.quote_custom_order(
            user=personas.pm,
            custom_order=state["custom"],
            data=quote_data(),
            expected_version=None,
        )

    events = [
        ("complaint raised", raise_it),
        ("complaint answered", answer),
        ("customer wrote", customer_writes),
        ("complaint assigned", assign),
        ("complaint resolved", resolve),
        ("complaint reopened", reopen),
        ("deadline alert", deadline),
        ("order submitted", submit_order),
        ("order confirmed", confirm_order),
        ("custom order requested", request_custom),
        ("custom order quoted", quote_custom),
    ]
    problems = []
    for label, action in events:
        mailed, notified = _mailed_and_notified(capture, action)
        if not mailed or mailed != notified:
            problems.append(f"{label}: mailed {sorted(mailed)}, notified {sorted(notified)}")
    assert not problems, "\n".join(problems)


def test_the_actor_is_not_notified_of_their_own_step(personas):
    complaint = _complaint(personas)
    assert not Notification.objects.filter(user=personas.cu_a1).exists()
    notice = Notification.objects.get(user=personas.am_a)
    assert notice.kind == NotificationKind.COMPLAINT
    assert notice.url == f"/complaints/{complaint.number}/"
    assert complaint.number in notice.get_message_display()


def test_a_rolled_back_step_notifies_no_one(personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        _complaint(personas)
        raise RuntimeError("the step fails after the complaint is saved")
    assert Notification.objects.count() == 0


def test_users_without_an_address_are_still_notified_in_the_app(personas):
    personas.am_a.email = ""
    personas.am_a.save(update_fields=["email"])
    _complaint(personas)
    assert Notification.objects.filter(user=personas.am_a).count() == 1


def test_notification_renders_in_the_readers_language(personas):
    order = _order(personas)
    notice = Notification.objects.get(user=personas.am_a)
    with translation.override("en"):
        english = notice.get_message_display()
    with translation.override("zh-hans"):
        chinese = notice.get_message_display()
    assert order.number in english and "Submitted" in english
    assert order.number in chinese and "Submitted" not in chinese


def test_create_skips_inactive_users_duplicates_and_the_actor(personas):
    personas.am_b.is_active = False
    personas.am_b.save(update_fields=["is_active"])
    created = services.notification_create(
        recipients=[personas.am_a, personas.am_a, personas.am_b, personas.bm_a],
        kind=NotificationKind.ORDER,
        text=texts.ORDER_NOTE(number="SO1", customer="x", text="y"),
        url="/orders/SO1/",
        actor=personas.bm_a,
    )
    assert [n.user for n in created] == [personas.am_a]


def test_create_refuses_an_outside_link(personas):
    with pytest.raises(ValueError):
        services.notification_create(
            recipients=[personas.am_a],
            kind=NotificationKind.ORDER,
            text=texts.ORDER_NOTE(number="SO1", customer="x", text="y"),
            url="https://evil.example/",
        )


def test_mark_read_and_mark_all_read(personas):
    for n in range(3):
        services.notification_create(
            recipients=[personas.am_a, personas.am_b],
            kind=NotificationKind.ORDER,
            text=texts.ORDER_NOTE(number=f"SO{n}", customer="x", text="y"),
        )
    assert selectors.unread_count(user=personas.am_a) == 3
    first = selectors.notification_list(user=personas.am_a).first()
    read = services.notification_mark_read(user=personas.am_a, notification=first)
    assert read.read_at is not None
    again = services.notification_mark_read(user=personas.am_a, notification=first)
    assert again.read_at == read.read_at
    assert selectors.unread_count(user=personas.am_a) == 2
    assert services.notifications_mark_all_read(user=personas.am_a) == 2
    assert selectors.unread_count(user=personas.am_a) == 0
    assert selectors.unread_count(user=personas.am_b) == 3


def test_marking_another_users_notification_is_404(personas):
    from django.http import Http404

    (theirs,) = services.notification_create(
        recipients=[personas.am_b],
        kind=NotificationKind.ORDER,
        text=texts.ORDER_NOTE(number="SO1", customer="x", text="y"),
    )
    with pytest.raises(Http404):
        services.notification_mark_read(user=personas.am_a, notification=theirs)
    theirs.refresh_from_db()
    assert theirs.read_at is None
