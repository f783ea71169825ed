"""The daily board's API: `/api/v1/daily-items/` and its steps, and the clearing rate."""

from __future__ import annotations

import datetime

import pytest

from conftest import shared_personas
from roots.sales.daily import services
from roots.sales.models import Activity, ActivityKind, DailyItem, DailyItemKind, DailyItemStatus

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/api/v1/daily-items/"
RATE_URL = f"{URL}clearing-rate/"
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return services.board_today()


def task(user, *, day=None, status=DailyItemStatus.OPEN, title="任务") -> DailyItem:
    return DailyItem.objects.create(
        user=user,
        day=day or today(),
        kind=DailyItemKind.TASK,
        title=title,
        status=status,
        carry_reason="原因" if status == DailyItemStatus.CARRIED else "",
    )


def test_list_builds_and_answers_own_board_of_today(personas, api):
    Activity.objects.create(
        owner=personas.am_a,
        branch=personas.branch_a,
        kind=ActivityKind.CALL,
        subject="给国美打电话",
        customer=personas.cust_a1,
        planned_at=services.day_start(today()) - DAY,
    )
    task(personas.am_a2)
    response = api.as_(personas.am_a).get(URL)
    assert response.status_code == 200
    (row,) = response.data["results"]
    assert row["kind"] == "follow_up" and row["title"] == "Follow up: 给国美打电话"
    assert row["user"] == "am_a" and row["editable"] is True
    assert row["day"] == today().isoformat()


def test_list_of_another_day_and_another_user(personas, api):
    old = task(personas.am_a, day=today() - 2 * DAY, title="前天")
    task(personas.am_a, title="今天")
    client = api.as_(personas.am_a)
    rows = client.get(URL, {"day": old.day.isoformat()}).data["results"]
    assert [(r["title"], r["editable"]) for r in rows] == [("前天", False)]
    # A team member's board: branch managers of the branch and hq; nobody else.
    assert client.get(URL, {"user": "am_a2"}).data["results"] == []
    rows = api.as_(personas.bm_a).get(URL, {"user": "am_a"}).data["results"]
    assert [(r["title"], r["editable"]) for r in rows] == [("今天", False)]
    assert api.as_(personas.bm_b).get(URL, {"user": "am_a"}).data["results"] == []
    assert len(api.as_(personas.hq).get(URL, {"user": "am_a"}).data["results"]) == 1


def test_list_filters_and_bad_input(personas, api):
    task(personas.am_a, status=DailyItemStatus.DONE)
    task(personas.am_a)
    client = api.as_(personas.am_a)
    assert len(client.get(URL, {"status": "done"}).data["results"]) == 1
    assert len(client.get(URL, {"kind": "complaint"}).data["results"]) == 0
    response = client.get(URL, {"day": "yesterday"})
    assert response.status_code == 400 and "day" in response.data["errors"]
    assert client.get(URL, {"status": "nope"}).status_code == 400


def test_create_own_task(personas, api):
    response = api.as_(personas.am_a).post(
        URL, {"title": "写周报", "detail": "周五前"}, format="json"
    )
    assert response.status_code == 201
    assert response.data["kind"] == "task" and response.data["status"] == "open"
    item = DailyItem.objects.get(pk=response.data["id"])
    assert (item.user, item.day, item.detail) == (personas.am_a, today(), "周五前")
    response = api.as_(personas.am_a).post(URL, {"title": "  "}, format="json")
    assert response.status_code == 400 and "title" in response.data["errors"]
    assert api.as_(personas.cu_a1).post(URL, {"title": "x"}, format="json").status_code == 403


def test_steps_done_carry_reopen(personas, api):
    item = task(personas.am_a)
    client = api.as_(personas.am_a)
    response = client.post(f"{URL}{item.pk}/done/", {}, format="json")
    assert response.status_code == 200 and response.data["status"] == "done"
    assert client.post(f"{URL}{item.pk}/done/", {}, format="json").status_code == 409
    response = client.post(f"{URL}{item.pk}/reopen/", {}, format="json")
    assert response.status_code == 200 and response.data["status"] == "open"
    response = client.post(f"{URL}{item.pk}/carry/", {}, format="json")
    assert response.status_code == 400
    assert response.data["errors"]["reason"] == ["This field is required."]
    response = client.post(f"{URL}{item.pk}/carry/", {"reason": "客户出差"}, format="json")
    assert response.status_code == 200
    assert (response.data["status"], response.data["carry_reason"]) == ("carried", "客户出差")


def test_steps_by_others_and_on_past_days(personas, api):
    item = task(personas.am_a)
    assert api.as_(personas.bm_a).post(f"{URL}{item.pk}/done/", {}).status_code == 403
    assert api.as_(personas.hq).post(f"{URL}{item.pk}/done/", {}).status_code == 403
    assert api.as_(personas.am_a2).post(f"{URL}{item.pk}/done/", {}).status_code == 404
    assert api.as_(personas.bm_b).get(f"{URL}{item.pk}/").status_code == 404
    old = task(personas.am_a, day=today() - DAY)
    response = api.as_(personas.am_a).post(f"{URL}{old.pk}/done/", {}, format="json")
    assert response.status_code == 409
    assert response.data["detail"] == "This day is over; its list can no longer be changed."


def test_idempotency_key_replays_a_create(personas, api):
    client = api.as_(personas.am_a)
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    first = client.post(URL, {"title": "一次"}, format="json", **headers)
    second = client.post(URL, {"title": "一次"}, format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert first.data["id"] == second.data["id"]
    assert DailyItem.objects.filter(user=personas.am_a).count() == 1


def test_clearing_rate_per_user_and_day(personas, api):
    yesterday = today() - DAY
    task(personas.am_a, day=yesterday, status=DailyItemStatus.DONE)
    task(personas.am_a, day=yesterday, status=DailyItemStatus.CARRIED)
    task(personas.am_a2, day=yesterday, status=DailyItemStatus.DONE)
    params = {"from": yesterday.isoformat(), "to": today().isoformat()}
    rows = api.as_(personas.am_a).get(RATE_URL, params).data
    assert rows == [
        {"user": "am_a", "day": yesterday.isoformat(), "items": 2, "done": 1, "rate": 0.5},
        {"user": "am_a", "day": today().isoformat(), "items": 0, "done": 0, "rate": None},
    ]
    assert api.as_(personas.am_a).get(RATE_URL, params | {"user": "am_a2"}).status_code == 404
    rows = api.as_(personas.bm_a).get(RATE_URL, params | {"user": "am_a2"}).data
    assert [r["rate"] for r in rows] == [1.0, None]
    rows = api.as_(personas.bm_a).get(RATE_URL, params | {"branch": "BA"}).data
    assert {r["user"] for r in rows} == {"bm_a", "am_a", "am_a2", "engineer"}
    assert api.as_(personas.bm_a).get(RATE_URL, params | {"branch": "BB"}).status_code == 404
    assert api.as_(personas.am_a).get(RATE_URL, params | {"branch": "BA"}).status_code == 404
    rows = api.as_(personas.hq).get(RATE_URL, params | {"branch": "-"}).data
    assert {r["user"] for r in rows} == {"hq", "pm", "agent"}
    assert len(api.as_(personas.am_a).get(RATE_URL).data) == 14


def test_clearing_rate_bad_periods(personas, api):
    client = api.as_(personas.am_a)
    response = client.get(RATE_URL, {"from": "2026-03-02", "to": "2026-03-01"})
    assert response.status_code == 400 and "from" in response.data["errors"]
    response = client.get(RATE_URL, {"from": "2025-01-01", "to": "2026-03-01"})
    assert response.status_code == 400
    response = client.get(RATE_URL, {"user": "am_a", "branch": "BA"})
    assert response.status_code == 400
    assert api.as_(personas.cu_a1).get(RATE_URL).data == []


def test_list_query_count_does_not_grow(
    personas, api, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = api.as_(personas.am_a)
    task(personas.am_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(URL)  # builds today's board once
    with django_assert_max_num_queries(6) as few:
        client.get(URL)
    for n in range(20):
        task(personas.am_a, title=f"t{n}")
        DailyItem.objects.create(
            user=personas.am_a,
            day=today(),
            kind=DailyItemKind.TASK,
            title=f"c{n}",
            carried_from=task(personas.am_a, day=today() - DAY, status=DailyItemStatus.CARRIED),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.data["count"] == 41


def test_clearing_rate_query_count_does_not_grow_with_the_team(
    personas, api, django_assert_max_num_queries
):
    client = api.as_(personas.hq)
    with django_assert_max_num_queries(8) as few:
        client.get(RATE_URL, {"branch": "BA"})
    from roots.org.models import Role
    from roots.org.tests.factories import UserFactory

    for n in range(5):
        member = UserFactory.create(
            username=f"am_x{n}", role=Role.ACCOUNT_MANAGER, branch=personas.branch_a
        )
        task(member, status=DailyItemStatus.DONE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get(RATE_URL, {"branch": "BA"}).data
    assert len(rows) == 9 * 14
