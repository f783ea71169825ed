"""Complaint services: who may do what, the life-cycle (409 for steps not allowed now, and
nothing changes), the SLA clock and what it stores, and the e-mails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import shared_personas
from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.service import services
from roots.service.models import Complaint, ComplaintMessage, ComplaintStatus, MessageKind
from roots.service.tests.conftest import age

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


# --- raise -----------------------------------------------------------------------------------
def test_customer_user_raises_complaint_owned_by_the_account_manager(personas, raise_complaint):
    complaint = raise_complaint()
    assert complaint.number.startswith("CP") and len(complaint.number) == 10
    assert complaint.customer == personas.cust_a1
    assert complaint.owner == personas.am_a
    assert complaint.raised_by == personas.cu_a1
    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.version == 1
    assert complaint.history.count() == 1


def test_numbers_follow_the_complaint_sequence(raise_complaint):
    first, second = raise_complaint(), raise_complaint()
    assert int(second.number[2:]) == int(first.number[2:]) + 1


def test_normal_complaint_is_due_in_24_hours_urgent_in_4(raise_complaint):
    normal = raise_complaint()
    urgent = raise_complaint(severity="urgent")
    assert normal.response_due - normal.raised_at == timedelta(hours=24)
    assert normal.resolution_due - normal.raised_at == timedelta(hours=72)
    assert urgent.response_due - urgent.raised_at == timedelta(hours=4)
    assert urgent.resolution_due - urgent.raised_at == timedelta(hours=24)


def test_sla_hours_come_from_settings_when_set(raise_complaint, settings):
    settings.COMPLAINT_SLA_HOURS = {
        "urgent": {"response": 2, "resolution": 8},
        "normal": {"response": 12, "resolution": 48},
    }
    urgent = raise_complaint(severity="urgent")
    assert urgent.response_due - urgent.raised_at == timedelta(hours=2)


def test_account_manager_raises_on_behalf_of_own_customer(personas, raise_complaint):
    complaint = raise_complaint(user=personas.am_a, customer=personas.cust_a1)
    assert complaint.raised_by == personas.am_a
    assert complaint.owner == personas.am_a


def test_staff_must_name_the_customer(personas, raise_complaint):
    with pytest.raises(ValidationError) as error:
        raise_complaint(user=personas.am_a)
    assert "customer" in error.value.message_dict


@pytest.mark.parametrize("role", ["am_a2", "am_b", "bm_b"])
def test_staff_cannot_raise_for_customers_they_do_not_serve(personas, raise_complaint, role):
    with pytest.raises(PermissionDenied):
        raise_complaint(user=getattr(personas, role), customer=personas.cust_a1)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "su"])
def test_roles_that_do_not_serve_customers_cannot_raise(personas, raise_complaint, role):
    with pytest.raises(PermissionDenied):
        raise_complaint(user=getattr(personas, role), customer=personas.cust_a1)


def test_customer_user_cannot_complain_for_another_company(personas, raise_complaint):
    with pytest.raises(ValidationError):
        raise_complaint(customer=personas.cust_b1)
    assert not Complaint.objects.exists()


def test_outlet_must_belong_to_the_customer(personas, raise_complaint):
    with pytest.raises(ValidationError) as error:
        raise_complaint(outlet=personas.outlet_b1)
    assert "outlet" in error.value.message_dict
    assert raise_complaint(outlet=personas.outlet_a1).outlet == personas.outlet_a1


@pytest.mark.parametrize(
    ("field", "value"),
    [("subject", ""), ("subject", "x" * 201), ("description", ""), ("category", "weather")],
)
def test_bad_input_is_a_field_error(raise_complaint, field, value):
    with pytest.raises(ValidationError) as error:
        raise_complaint(**{field: value})
    assert field in error.value.message_dict
    assert not Complaint.objects.exists()


def test_owner_is_emailed_when_a_complaint_is_raised(
    personas, raise_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = raise_complaint()
    assert [m.to for m in mailoutbox] == [[personas.am_a.email]]
    assert complaint.number in mailoutbox[0].subject
    assert complaint.subject in mailoutbox[0].body


def test_no_mail_when_the_owner_raises_it_himself(
    personas, raise_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_complaint(user=personas.am_a, customer=personas.cust_a1)
    assert mailoutbox == []


# --- answers -----------------------------------------------------------------------------------
def test_first_staff_answer_starts_progress_and_stamps_first_response(personas, raise_complaint):
    complaint = raise_complaint()
    services.complaint_respond(user=personas.am_a, complaint=complaint, text="我们正在核查物流。")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    assert complaint.first_response_at is not None
    assert complaint.version == 2
    first = complaint.first_response_at
    services.complaint_respond(user=personas.am_a, complaint=complaint, text="明天上午送达。")
    complaint.refresh_from_db()
    assert complaint.first_response_at == first
    assert complaint.version == 2  # a further answer changes the thread, not the case


def test_internal_note_does_not_count_as_a_response(personas, raise_complaint):
    complaint = raise_complaint()
    services.complaint_message_add(
        user=personas.am_a, complaint=complaint, text="先联系仓库", internal=True
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.first_response_at is None


def test_customer_message_does_not_count_as_a_response(personas, raise_complaint):
    complaint = raise_complaint()
    services.complaint_message_add(user=personas.cu_a1, complaint=complaint, text="还没到")
    complaint.refresh_from_db()
    assert complaint.first_response_at is None


def test_customer_cannot_write_internal_notes(personas, raise_complaint):
    complaint = raise_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_message_add(
            user=personas.cu_a1, complaint=complaint, text="x", internal=True
        )


def test_customer_cannot_use_the_staff_answer(personas, raise_complaint):
    complaint = raise_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_respond(user=personas.cu_a1, complaint=complaint, text="x")


@pytest.mark.parametrize("role", ["pm", "am_a2"])
def test_viewers_who_do_not_handle_it_cannot_answer(personas, raise_complaint, role):
    complaint = raise_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_respond(user=getattr(personas, role), complaint=complaint, text="x")


@pytest.mark.parametrize("role", ["hq", "bm_a", "am_a"])
def test_owner_branch_manager_and_hq_answer(personas, raise_complaint, role):
    complaint = raise_complaint()
    services.complaint_respond(user=getattr(personas, role), complaint=complaint, text="收到")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS


def test_empty_message_is_a_field_error(personas, raise_complaint):
    complaint = raise_complaint()
    with pytest.raises(ValidationError) as error:
        services.complaint_respond(user=personas.am_a, complaint=complaint, text="   ")
    assert "text" in error.value.message_dict


def test_customer_users_are_emailed_about_a_staff_answer_not_about_a_note(
    personas, raise_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = raise_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_message_add(
            user=personas.am_a, complaint=complaint, text="内部备注", internal=True
        )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_respond(user=personas.am_a, complaint=complaint, text="我们已安排补货")
    assert [m.to for m in mailoutbox] == [[personas.cu_a1.email]]
    assert "我们已安排补货" in mailoutbox[0].body


def test_owner_is_emailed_when_the_customer_writes(
    personas, raise_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = raise_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_message_add(user=personas.cu_a1, complaint=complaint, text="请尽快")
    assert [m.to for m in mailoutbox] == [[personas.am_a.email]]


def test_mail_is_written_in_the_recipients_language(
    personas, raise_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    personas.cu_a1.language = "en"
    personas.cu_a1.save()
    complaint = raise_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_respond(user=personas.am_a, complaint=complaint, text="OK")
    assert "answered your complaint" in mailoutbox[0].body


# --- resolve, close, reopen --------------------------------------------------------------------
def test_resolving_in_time_stores_within_sla(personas, raise_complaint):
    complaint = raise_complaint()
    services.complaint_resolve(user=personas.am_a, complaint=complaint, resolution="已补发")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED
    assert complaint.resolved_within_sla is True
    assert complaint.resolution == "已补发"
    assert complaint.first_response_at is not None  # resolving answers too
    assert complaint.clock() == "met"


def test_resolving_late_stores_sla_missed(personas, raise_complaint):
    complaint = age(raise_complaint(severity="urgent"), hours=30)
    services.complaint_resolve(user=personas.am_a, complaint=complaint, resolution="已处理")
    complaint.refresh_from_db()
    assert complaint.resolved_within_sla is False
    assert complaint.clock() == "missed"


def test_customer_cannot_resolve(personas, raise_complaint):
    complaint = raise_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_resolve(user=personas.cu_a1, complaint=complaint, resolution="x")


def _resolved(personas, raise_complaint) -> Complaint:
    complaint = raise_complaint()
    services.complaint_resolve(user=personas.am_a, complaint=complaint, resolution="已补发")
    complaint.refresh_from_db()
    return complaint


def test_customer_confirms_a_resolved_complaint(personas, raise_complaint):
    complaint = _resolved(personas, raise_complaint)
    services.complaint_close(user=personas.cu_a1, complaint=complaint, note="谢谢")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.closed_at is not None
    last = complaint.messages.last()
    assert last is not None and last.kind == MessageKind.CONFIRMED and last.text == "谢谢"


def test_staff_close_after_resolving(personas, raise_complaint):
    complaint = _resolved(personas, raise_complaint)
    services.complaint_close(user=personas.bm_a, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED


def test_customer_reopens_a_resolved_complaint(
    personas, raise_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = _resolved(personas, raise_complaint)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_reopen(user=personas.cu_a1, complaint=complaint, reason="仍然缺货")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    assert complaint.resolved_at is None and complaint.resolved_within_sla is None
    assert complaint.reopened_count == 1
    assert [m.to for m in mailoutbox] == [[personas.am_a.email]]


def test_staff_cannot_reopen(personas, raise_complaint):
    complaint = _resolved(personas, raise_complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_reopen(user=personas.am_a, complaint=complaint, reason="x")


ILLEGAL = [
    # (state, action): a step that is not allowed from that state
    ("open", "close"),
    ("open", "reopen"),
    ("in_progress", "close"),
    ("in_progress", "reopen"),
    ("resolved", "resolve"),
    ("closed", "resolve"),
    ("closed", "close"),
    ("closed", "reopen"),
    ("closed", "message"),
]


def _in_state(personas, raise_complaint, state: str) -> Complaint:
    complaint = raise_complaint()
    if state in ("in_progress", "resolved", "closed"):
        services.complaint_respond(user=personas.am_a, complaint=complaint, text="收到")
    if state in ("resolved", "closed"):
        services.complaint_resolve(user=personas.am_a, complaint=complaint, resolution="已处理")
    if state == "closed":
        services.complaint_close(user=personas.cu_a1, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.status == state
    return complaint


def _act(personas, complaint: Complaint, action: str) -> None:
    if action == "resolve":
        services.complaint_resolve(user=personas.am_a, complaint=complaint, resolution="再处理")
    elif action == "close":
        services.complaint_close(user=personas.cu_a1, complaint=complaint)
    elif action == "reopen":
        services.complaint_reopen(user=personas.cu_a1, complaint=complaint, reason="再开")
    else:
        services.complaint_message_add(user=personas.cu_a1, complaint=complaint, text="再说")


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_transition_is_a_conflict_and_changes_nothing(
    personas, raise_complaint, state, action
):
    complaint = _in_state(personas, raise_complaint, state)
    before = (complaint.status, complaint.version, complaint.messages.count())
    with pytest.raises(ConflictError):
        _act(personas, complaint, action)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version, complaint.messages.count()) == before


def test_stale_version_is_refused(personas, raise_complaint):
    complaint = raise_complaint()
    with pytest.raises(PreconditionFailedError):
        services.complaint_resolve(
            user=personas.am_a, complaint=complaint, resolution="x", expected_version=7
        )


# --- assign ------------------------------------------------------------------------------------
def test_branch_manager_reassigns_within_the_branch(personas, raise_complaint):
    complaint = raise_complaint()
    services.complaint_assign(user=personas.bm_a, complaint=complaint, owner=personas.am_a2)
    complaint.refresh_from_db()
    assert complaint.owner == personas.am_a2
    # The new owner sees it (although A1 is not one of its customers) and may answer.
    assert Complaint.objects.visible_to(personas.am_a2).filter(pk=complaint.pk).exists()
    services.complaint_respond(user=personas.am_a2, complaint=complaint, text="我来跟进")
    note = ComplaintMessage.objects.filter(complaint=complaint, kind=MessageKind.ASSIGNED).get()
    assert note.internal


def test_owner_must_be_an_account_manager_of_the_branch(personas, raise_complaint):
    complaint = raise_complaint()
    with pytest.raises(ValidationError):
        services.complaint_assign(user=personas.hq, complaint=complaint, owner=personas.am_b)


@pytest.mark.parametrize("role", ["am_a", "cu_a1", "pm"])
def test_only_branch_manager_and_hq_reassign(personas, raise_complaint, role):
    complaint = raise_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_assign(
            user=getattr(personas, role), complaint=complaint, owner=personas.am_a2
        )


# --- deadlines ---------------------------------------------------------------------------------
def test_deadline_check_alerts_owner_and_branch_manager_once(
    personas, raise_complaint, mailoutbox, django_capture_on_commit_callbacks
):
    overdue = age(raise_complaint(severity="urgent"), hours=5)
    near = age(raise_complaint(), hours=20)  # 4 of 24 hours left: under a quarter
    fresh = raise_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        found = services.complaint_check_deadlines()
    assert found == {"checked": 3, "at_risk": 1, "overdue": 1, "alerted": 2}
    assert sorted(tuple(m.to) for m in mailoutbox) == sorted(
        [(personas.am_a.email,), (personas.bm_a.email,)] * 2
    )
    for complaint, kind in (
        (overdue, MessageKind.DEADLINE_PASSED),
        (near, MessageKind.DEADLINE_NEAR),
    ):
        complaint.refresh_from_db()
        assert complaint.deadline_alerted_at is not None
        alert = complaint.messages.get()
        assert alert.kind == kind and alert.internal
    fresh.refresh_from_db()
    assert fresh.deadline_alerted_at is None
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.complaint_check_deadlines()
    assert again["alerted"] == 0 and mailoutbox == []


def test_deadline_check_skips_resolved_complaints(personas, raise_complaint):
    complaint = age(raise_complaint(severity="urgent"), hours=5)
    services.complaint_resolve(user=personas.am_a, complaint=complaint, resolution="好了")
    assert services.complaint_check_deadlines()["checked"] == 0


def test_after_the_first_answer_the_clock_runs_to_the_resolution_deadline(
    personas, raise_complaint
):
    complaint = age(raise_complaint(), hours=30)  # response deadline passed 6 hours ago
    assert complaint.clock() == "overdue"
    services.complaint_respond(user=personas.am_a, complaint=complaint, text="收到")
    complaint.refresh_from_db()
    assert complaint.due_at == complaint.resolution_due
    assert complaint.clock() == "on_time"  # 42 of 72 hours left


def test_clock_turns_amber_with_a_quarter_of_the_window_left(raise_complaint):
    complaint = raise_complaint()
    assert complaint.clock() == "on_time"
    assert complaint.clock(now=complaint.raised_at + timedelta(hours=19)) == "at_risk"
    assert complaint.clock(now=complaint.raised_at + timedelta(hours=25)) == "overdue"
    assert complaint.clock(now=timezone.now()) == "on_time"


def test_management_command_reports_counts(personas, raise_complaint, capsys):
    from django.core.management import call_command

    age(raise_complaint(severity="urgent"), hours=5)
    call_command("check_complaint_deadlines")
    assert "1 overdue" in capsys.readouterr().out


def test_a_mail_server_failure_does_not_undo_the_complaint(
    personas, raise_complaint, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        complaint = raise_complaint()
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert "could not e-mail" in caplog.text
