"""The daily board's pages: `/daily/` with its htmx steps and `/daily/team/`."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client

from conftest import shared_personas
from roots.org.models import Role
from roots.org.tests.factories import UserFactory
from roots.sales.daily import services
from roots.sales.models import Activity, ActivityKind, DailyItem, DailyItemKind, DailyItemStatus

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def today() -> datetime.date:
    return services.board_today()


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def task(user, *, day=None, status=DailyItemStatus.OPEN, title="任务", kind=DailyItemKind.TASK):
    return DailyItem.objects.create(
        user=user,
        day=day or today(),
        kind=kind,
        title=title,
        status=status,
        carry_reason="原因" if status == DailyItemStatus.CARRIED else "",
    )


def test_board_page_builds_and_groups_todays_list(personas):
    Activity.objects.create(
        owner=personas.am_a,
        branch=personas.branch_a,
        kind=ActivityKind.VISIT,
        subject="拜访国美",
        customer=personas.cust_a1,
        planned_at=services.day_start(today()) - DAY,
    )
    done = task(personas.am_a, status=DailyItemStatus.DONE, title="已完成的任务")
    response = browser(personas.am_a).get("/daily/")
    assert response.status_code == 200
    html = response.content.decode()
    follow_up = DailyItem.objects.get(user=personas.am_a, kind=DailyItemKind.FOLLOW_UP)
    assert f'data-testid="daily-item-{follow_up.pk}"' in html
    assert f'data-testid="daily-done-{follow_up.pk}"' in html
    assert f'data-testid="daily-carry-{follow_up.pk}"' in html
    assert f'data-testid="daily-reopen-{done.pk}"' in html
    assert 'data-testid="daily-progress"' in html and "1 of 2 cleared" in html
    assert 'data-testid="daily-add"' in html
    assert "Overdue follow-up" in html and "Own task" in html
    assert "sales/daily.js" in html


def test_done_by_htmx_answers_the_board(personas):
    item = task(personas.am_a)
    response = browser(personas.am_a).post(f"/daily/items/{item.pk}/done/", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "1 of 1 cleared" in html
    item.refresh_from_db()
    assert item.status == DailyItemStatus.DONE


def test_done_by_plain_form_goes_back_to_the_page(personas):
    item = task(personas.am_a)
    response = browser(personas.am_a).post(f"/daily/items/{item.pk}/done/")
    assert response.status_code == 302 and response["Location"] == "/daily/"


def test_carry_over_asks_for_a_reason(personas):
    item = task(personas.am_a)
    client = browser(personas.am_a)
    form = client.get(f"/daily/items/{item.pk}/carry/", **HTMX)
    assert form.status_code == 200
    assert f'data-testid="daily-carry-form-{item.pk}"' in form.content.decode()
    missing = client.post(f"/daily/items/{item.pk}/carry/", {"reason": "  "}, **HTMX)
    assert missing.status_code == 400
    assert "This field is required." in missing.content.decode()
    item.refresh_from_db()
    assert item.status == DailyItemStatus.OPEN
    done = client.post(f"/daily/items/{item.pk}/carry/", {"reason": "客户不在"}, **HTMX)
    assert done.status_code == 200 and "客户不在" in done.content.decode()
    item.refresh_from_db()
    assert (item.status, item.carry_reason) == (DailyItemStatus.CARRIED, "客户不在")


def test_carry_form_without_javascript(personas):
    item = task(personas.am_a)
    response = browser(personas.am_a).get(f"/daily/?carry={item.pk}")
    assert f'data-testid="daily-carry-form-{item.pk}"' in response.content.decode()


def test_add_task(personas):
    client = browser(personas.am_a)
    response = client.post("/daily/add/", {"title": "整理报价单", "detail": "下午"}, **HTMX)
    assert response.status_code == 200 and "整理报价单" in response.content.decode()
    assert DailyItem.objects.get(user=personas.am_a).kind == DailyItemKind.TASK
    assert client.post("/daily/add/", {"title": ""}, **HTMX).status_code == 400
    assert client.post("/daily/add/", {"title": "再一个"}).status_code == 302


def test_past_days_are_read_only(personas):
    old = task(personas.am_a, day=today() - DAY, title="昨天的任务")
    client = browser(personas.am_a)
    response = client.get(f"/daily/?day={old.day.isoformat()}")
    html = response.content.decode()
    assert response.status_code == 200 and "昨天的任务" in html
    assert f'data-testid="daily-done-{old.pk}"' not in html
    assert 'data-testid="daily-add"' not in html and 'data-testid="daily-read-only"' in html
    refused = client.post(f"/daily/items/{old.pk}/done/", **HTMX)
    assert refused.status_code == 409
    assert "This day is over" in refused.content.decode()


def test_bad_day_falls_back_to_today(personas):
    assert browser(personas.am_a).get("/daily/?day=someday").status_code == 200


def test_branch_manager_reads_a_team_members_board_without_buttons(personas):
    item = task(personas.am_a, title="am_a 的任务")
    response = browser(personas.bm_a).get("/daily/?user=am_a")
    html = response.content.decode()
    assert response.status_code == 200 and "am_a 的任务" in html
    assert f'data-testid="daily-done-{item.pk}"' not in html
    assert "only they change it" in html
    assert browser(personas.bm_a).post(f"/daily/items/{item.pk}/done/").status_code == 403
    assert browser(personas.bm_b).get("/daily/?user=am_a").status_code == 404
    assert browser(personas.am_a2).get("/daily/?user=am_a").status_code == 404
    assert browser(personas.am_a2).post(f"/daily/items/{item.pk}/done/").status_code == 404


def test_team_page_of_a_branch_manager(personas):
    task(personas.am_a, day=today() - DAY, status=DailyItemStatus.DONE)
    task(personas.am_a, day=today() - DAY)
    response = browser(personas.bm_a).get("/daily/team/")
    assert response.status_code == 200
    html = response.content.decode()
    assert set(re.findall(r'data-username="([^"]+)"', html)) == {
        "bm_a",
        "am_a",
        "am_a2",
        "engineer",
    }
    assert "50%" in html and "bg-yellow-lt" in html
    chart = json.loads(re.search(r'id="daily-team-chart"[^>]*>(.*?)</script>', html, re.S)[1])
    assert len(chart["rates"]) == 14 and chart["rates"][-2] == 50
    assert browser(personas.bm_a).get("/daily/team/?branch=BB").status_code == 404


def test_team_page_of_headquarters_per_branch_and_drill_down(personas):
    task(personas.am_b, status=DailyItemStatus.DONE)
    client = browser(personas.hq)
    html = client.get("/daily/team/").content.decode()
    assert re.findall(r'data-branch="([^"]+)"', html) == ["BA", "BB", "-"]
    drill = client.get("/daily/team/?branch=BB").content.decode()
    assert set(re.findall(r'data-username="([^"]+)"', drill)) == {"bm_b", "am_b"}
    assert client.get("/daily/team/?branch=ZZ").status_code == 404


@pytest.mark.parametrize("role", ["am_a", "pm", "agent", "engineer"])
def test_team_page_is_for_managers_only(personas, role):
    assert browser(getattr(personas, role)).get("/daily/team/").status_code == 403


def test_board_query_count_does_not_grow(
    personas, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = browser(personas.am_a)
    task(personas.am_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/daily/")
    with django_assert_max_num_queries(12) as few:
        client.get("/daily/")
    for n in range(15):
        carried = task(personas.am_a, day=today() - DAY, status=DailyItemStatus.CARRIED)
        DailyItem.objects.create(
            user=personas.am_a,
            day=today(),
            kind=DailyItemKind.COMPLAINT,
            title=f"c{n}",
            carried_from=carried,
        )
        task(personas.am_a, title=f"t{n}", status=DailyItemStatus.DONE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/daily/")
    assert "15 of 31 cleared" in response.content.decode()


def test_team_query_count_does_not_grow(personas, django_assert_max_num_queries):
    client = browser(personas.bm_a)
    with django_assert_max_num_queries(12) as few:
        client.get("/daily/team/")
    for n in range(6):
        member = UserFactory.create(
            username=f"am_y{n}", role=Role.ACCOUNT_MANAGER, branch=personas.branch_a
        )
        task(member, status=DailyItemStatus.DONE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/daily/team/")
    assert len(re.findall(r"data-username=", response.content.decode())) == 10
