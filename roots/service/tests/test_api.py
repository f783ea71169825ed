"""The complaints API: create, list and filters, the actions of the life-cycle, the thread."""

from __future__ import annotations

import pytest

from conftest import shared_personas
from roots.service import services
from roots.service.models import Complaint
from roots.service.tests.conftest import age

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def test_customer_user_raises_a_complaint_without_naming_the_customer(personas, api):
    response = api.as_(personas.cu_a1).post(
        URL,
        {
            "category": "product_quality",
            "subject": "冰箱不制冷",
            "description": "新到的 BCD-216 有三台不制冷。",
            "severity": "urgent",
            "outlet": "S1000001",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["customer"] == "C100001"
    assert response.data["owner"] == "am_a"
    assert response.data["status"] == "open"
    assert response.data["clock"] == "on_time"
    assert response["ETag"] == '"1"'


def test_staff_raise_for_a_named_customer(personas, api):
    body = {
        "customer": "C100001",
        "category": "billing",
        "subject": "发票金额不符",
        "description": "x",
    }
    assert api.as_(personas.am_a).post(URL, body, format="json").status_code == 201
    # A customer out of scope does not exist for the caller: a field error, never a leak.
    response = api.as_(personas.am_b).post(URL, body, format="json")
    assert response.status_code == 400
    assert "customer" in response.data["errors"]


def test_staff_without_customer_get_a_field_error(personas, api):
    body = {"category": "billing", "subject": "x", "description": "x"}
    response = api.as_(personas.am_a).post(URL, body, format="json")
    assert response.status_code == 400
    assert "customer" in response.data["errors"]


@pytest.mark.parametrize("role", ["pm", "agent", "su"])
def test_roles_that_never_raise_get_403(personas, api, role):
    body = {"customer": "C100001", "category": "billing", "subject": "x", "description": "x"}
    assert api.as_(getattr(personas, role)).post(URL, body, format="json").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"category": "nope", "subject": "x", "description": "x"},
        {"category": "billing", "subject": "x" * 201, "description": "x"},
        {"category": "billing", "subject": "a\x00b", "description": "x"},
        {"category": "billing", "subject": 12, "description": ["x"]},
        {"category": "billing", "subject": "x", "description": "x", "severity": "extreme"},
        {"category": "billing", "subject": "x", "description": "x", "outlet": "S1000003"},
    ],
)
def test_bad_input_answers_400(personas, api, body):
    response = api.as_(personas.cu_a1).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.data["errors"]


def test_list_is_scoped_and_filterable(personas, api, raise_complaint):
    a1 = raise_complaint(severity="urgent")
    b1 = raise_complaint(user=personas.cu_b1, category="billing")
    numbers = lambda user, q="": {r["number"] for r in api.as_(user).get(URL + q).data["results"]}  # noqa: E731
    assert numbers(personas.hq) == {a1.number, b1.number}
    assert numbers(personas.cu_a1) == {a1.number}
    assert numbers(personas.am_b) == {b1.number}
    assert numbers(personas.am_a2) == set()
    assert numbers(personas.hq, "?severity=urgent") == {a1.number}
    assert numbers(personas.hq, "?category=billing") == {b1.number}
    assert numbers(personas.hq, "?customer=C100003") == {b1.number}
    assert numbers(personas.hq, f"?search={a1.number}") == {a1.number}
    assert numbers(personas.hq, "?overdue=true") == set()
    age(a1, hours=5)
    assert numbers(personas.hq, "?overdue=true") == {a1.number}
    assert api.as_(personas.hq).get(URL + "?overdue=maybe").status_code == 400


def test_retrieve_by_number_404_out_of_scope(personas, api, raise_complaint):
    complaint = raise_complaint()
    assert api.as_(personas.am_a).get(f"{URL}{complaint.number}/").status_code == 200
    assert api.as_(personas.cu_b1).get(f"{URL}{complaint.number}/").status_code == 404
    assert api.as_(personas.am_a).get(f"{URL}CP99999999/").status_code == 404


def test_life_cycle_through_the_api(personas, api, raise_complaint):
    complaint = raise_complaint()
    base = f"{URL}{complaint.number}/"
    staff, customer = api.as_(personas.am_a), api.as_(personas.cu_a1)
    answered = staff.post(base + "respond/", {"text": "正在处理"}, format="json")
    assert answered.status_code == 200
    assert answered.data["status"] == "in_progress" and answered.data["first_response_at"]
    assert answered["ETag"] == '"2"'
    resolved = staff.post(
        base + "resolve/", {"resolution": "已补发"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert resolved.status_code == 200 and resolved.data["resolved_within_sla"] is True
    reopened = customer.post(base + "reopen/", {"reason": "还有一台坏"}, format="json")
    assert reopened.data["status"] == "in_progress"
    staff.post(base + "resolve/", {"resolution": "已更换"}, format="json")
    closed = customer.post(base + "close/", {}, format="json")
    assert closed.status_code == 200 and closed.data["status"] == "closed"


def test_illegal_step_answers_409_with_a_message(personas, api, raise_complaint):
    complaint = raise_complaint()
    response = api.as_(personas.cu_a1).post(f"{URL}{complaint.number}/close/", {}, format="json")
    assert response.status_code == 409
    assert response.data["detail"]
    complaint.refresh_from_db()
    assert complaint.status == "open"


def test_stale_if_match_answers_412(personas, api, raise_complaint):
    complaint = raise_complaint()
    response = api.as_(personas.am_a).post(
        f"{URL}{complaint.number}/resolve/", {"resolution": "x"}, format="json", HTTP_IF_MATCH='"9"'
    )
    assert response.status_code == 412


def test_action_permissions(personas, api, raise_complaint):
    complaint = raise_complaint()
    base = f"{URL}{complaint.number}/"
    assert (
        api.as_(personas.cu_a1).post(base + "respond/", {"text": "x"}, format="json").status_code
        == 403
    )
    assert (
        api.as_(personas.pm).post(base + "resolve/", {"resolution": "x"}, format="json").status_code
        == 403
    )
    assert (
        api.as_(personas.am_b)
        .post(base + "resolve/", {"resolution": "x"}, format="json")
        .status_code
        == 404
    )
    assert (
        api.as_(personas.am_a).post(base + "assign/", {"owner": "am_a2"}, format="json").status_code
        == 403
    )
    assigned = api.as_(personas.bm_a).post(base + "assign/", {"owner": "am_a2"}, format="json")
    assert assigned.status_code == 200 and assigned.data["owner"] == "am_a2"
    wrong = api.as_(personas.bm_a).post(base + "assign/", {"owner": "am_b"}, format="json")
    assert wrong.status_code == 400


def test_thread_hides_internal_notes_from_the_customer(personas, api, raise_complaint):
    complaint = raise_complaint()
    url = f"{URL}{complaint.number}/messages/"
    assert (
        api.as_(personas.am_a)
        .post(url, {"text": "内部：查仓库", "internal": True}, format="json")
        .status_code
        == 201
    )
    assert (
        api.as_(personas.am_a).post(url, {"text": "我们在处理"}, format="json").status_code == 201
    )
    posted = api.as_(personas.cu_a1).post(url, {"text": "谢谢"}, format="json")
    assert posted.status_code == 201 and posted.data["author"] == "cu_a1"
    staff_view = [m["text"] for m in api.as_(personas.am_a).get(url).data]
    customer_view = [m["text"] for m in api.as_(personas.cu_a1).get(url).data]
    assert staff_view == ["内部：查仓库", "我们在处理", "谢谢"]
    assert customer_view == ["我们在处理", "谢谢"]
    assert api.as_(personas.cu_b1).get(url).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"


def test_customer_cannot_post_an_internal_note(personas, api, raise_complaint):
    complaint = raise_complaint()
    response = api.as_(personas.cu_a1).post(
        f"{URL}{complaint.number}/messages/", {"text": "x", "internal": True}, format="json"
    )
    assert response.status_code == 403


def test_history_of_a_complaint(personas, api, raise_complaint):
    complaint = raise_complaint()
    services.complaint_resolve(user=personas.am_a, complaint=complaint, resolution="好")
    history = api.as_(personas.am_a).get(f"{URL}{complaint.number}/history/").data
    assert [h["type"] for h in history] == ["changed", "created"]


def test_complaints_have_no_edit_or_delete(personas, api, raise_complaint):
    complaint = raise_complaint()
    client = api.as_(personas.hq)
    assert (
        client.patch(f"{URL}{complaint.number}/", {"subject": "x"}, format="json").status_code
        == 405
    )
    assert client.delete(f"{URL}{complaint.number}/").status_code == 405


def test_idempotency_key_replays_the_created_complaint(personas, api):
    body = {"category": "billing", "subject": "重复提交", "description": "x"}
    client = api.as_(personas.cu_a1)
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.data["number"] == second.data["number"]
    assert Complaint.objects.count() == 1


def test_list_query_count_does_not_grow(
    personas, api, raise_complaint, django_assert_max_num_queries
):
    for _ in range(3):
        raise_complaint()
    client = api.as_(personas.hq)
    client.get(URL)
    with django_assert_max_num_queries(4):
        assert client.get(URL).data["count"] == 3
    for _ in range(10):
        raise_complaint()
    with django_assert_max_num_queries(4):
        assert client.get(URL).data["count"] == 13
