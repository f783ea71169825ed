"""The 7-day production clock: alerts once when at risk or overdue, staff only; quotes expire;
the clock's colour on lists; the task and the management command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import shared_personas
from roots.orders.custom import selectors, services
from roots.orders.models import CustomOrder, CustomOrderStatus, EventKind, OrderEvent
from roots.orders.tasks import production_clock_task
from roots.orders.tests.test_custom_support import accepted, quoted, reload

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

# Their assertions read messages: in English (the default language is Chinese).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = CustomOrderStatus


def alerts(custom_order: CustomOrder) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(custom_order=custom_order, kind=EventKind.ALERT))


def test_no_alert_while_more_than_two_days_are_left(personas):
    custom_order = accepted(personas)
    assert custom_order.accepted_at is not None
    assert services.check_production_clock(now=custom_order.accepted_at + timedelta(days=4)) == 0
    assert reload(custom_order).risk_alerted_at is None


def test_alert_once_when_at_risk_to_account_and_product_managers_only(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    custom_order = accepted(personas)
    assert custom_order.accepted_at is not None
    now = custom_order.accepted_at + timedelta(days=5, hours=12)  # 1 d 12 h left
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.check_production_clock(now=now) == 1
    [alert] = alerts(custom_order)
    assert alert.visible_to_customer is False and alert.actor is None
    assert "at risk" in alert.message and "1 d 12 h" in alert.message
    fresh = reload(custom_order)
    assert fresh.risk_alerted_at == now
    assert fresh.status == S.ACCEPTED
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert recipients == {"am_a@example.com", "pm@example.com"}
    # Once only, however often the sweep runs.
    assert services.check_production_clock(now=now + timedelta(hours=1)) == 0
    assert services.check_production_clock(now=now + timedelta(days=3)) == 0
    assert len(alerts(custom_order)) == 1


def test_overdue_production_is_alerted_as_overdue(personas):
    custom_order = accepted(personas)
    assert custom_order.accepted_at is not None
    assert services.check_production_clock(now=custom_order.accepted_at + timedelta(days=8)) == 1
    [alert] = alerts(custom_order)
    assert "overdue by 1 d 0 h" in alert.message


def test_started_production_is_never_alerted(personas):
    custom_order = services.start_production(user=personas.pm, custom_order=accepted(personas))
    assert custom_order.accepted_at is not None
    assert services.check_production_clock(now=custom_order.accepted_at + timedelta(days=9)) == 0


def test_customer_users_do_not_see_the_alert_on_the_timeline(personas):
    custom_order = accepted(personas)
    assert custom_order.accepted_at is not None
    services.check_production_clock(now=custom_order.accepted_at + timedelta(days=6))
    customer_view = selectors.custom_order_timeline(user=personas.cu_a1, custom_order=custom_order)
    staff_view = selectors.custom_order_timeline(user=personas.am_a, custom_order=custom_order)
    assert EventKind.ALERT not in {e.kind for e in customer_view}
    assert EventKind.ALERT in {e.kind for e in staff_view}


def test_expire_quotes_marks_only_quotes_past_their_validity(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    stale, fresh = quoted(personas), quoted(personas)
    today = timezone.localdate()
    CustomOrder.objects.filter(pk=stale.pk).update(quote_valid_until=today - timedelta(days=1))
    CustomOrder.objects.filter(pk=fresh.pk).update(quote_valid_until=today)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_quotes(today=today) == 1
    assert reload(stale).status == S.EXPIRED
    assert reload(fresh).status == S.QUOTED
    assert OrderEvent.objects.filter(custom_order=stale, to_status=S.EXPIRED).count() == 1
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert {"cu_a1@example.com", "am_a@example.com", "pm@example.com"} <= recipients
    assert services.expire_quotes(today=today) == 0


@pytest.mark.parametrize(
    ("elapsed", "state", "colour"),
    [
        (timedelta(days=1), "on_track", "green"),
        (timedelta(days=5, hours=1), "at_risk", "yellow"),
        (timedelta(days=7, hours=2), "overdue", "red"),
    ],
)
def test_clock_colour_on_lists(personas, elapsed, state, colour):
    custom_order = accepted(personas)
    assert custom_order.accepted_at is not None
    clock = selectors.production_clock(custom_order, now=custom_order.accepted_at + elapsed)
    assert (clock.state, clock.colour) == (state, colour)
    assert clock.seconds_left == int((timedelta(days=7) - elapsed).total_seconds())


def test_clock_after_the_start_says_whether_it_was_in_time(personas):
    custom_order = services.start_production(user=personas.pm, custom_order=accepted(personas))
    assert selectors.production_clock(custom_order).state == "started"
    assert custom_order.production_due is not None
    custom_order.production_started_at = custom_order.production_due + timedelta(hours=5)
    late = selectors.production_clock(custom_order)
    assert (late.state, late.colour) == ("started_late", "orange")
    assert selectors.production_clock(quoted(personas)).state == "none"


def test_management_command_runs_both_sweeps(personas):
    stale = quoted(personas)
    CustomOrder.objects.filter(pk=stale.pk).update(
        quote_valid_until=timezone.localdate() - timedelta(days=3)
    )
    risky = accepted(personas)
    CustomOrder.objects.filter(pk=risky.pk).update(
        production_due=timezone.now() + timedelta(hours=5)
    )
    out = StringIO()
    call_command("check_production_clock", stdout=out)
    assert "expired 1 quotes, alerted on 1 custom orders" in out.getvalue()
    assert reload(stale).status == S.EXPIRED
    assert reload(risky).risk_alerted_at is not None


def test_task_runs_the_sweeps(personas):
    risky = accepted(personas)
    CustomOrder.objects.filter(pk=risky.pk).update(
        production_due=timezone.now() - timedelta(hours=1)
    )
    result = production_clock_task.enqueue()
    assert result.return_value == {"expired": 0, "alerted": 1}


def test_command_can_enqueue(personas):
    out = StringIO()
    call_command("check_production_clock", "--enqueue", stdout=out)
    assert out.getvalue().startswith("enqueued task")
