"""The daily board in batches (several items done, or carried over with one reason), and
the team page's clearing rate with today in progress (D20) and its XLSX export."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from conftest import shared_personas
from roots.sales.daily import services
from roots.sales.models import DailyItem, DailyItemKind, DailyItemStatus

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


def task(user, *, day=None, status=DailyItemStatus.OPEN, title="任务"):
    return DailyItem.objects.create(
        user=user,
        day=day or today(),
        kind=DailyItemKind.TASK,
        title=title,
        status=status,
        carry_reason="原因" if status == DailyItemStatus.CARRIED else "",
    )


def statuses(*items) -> list[str]:
    return [DailyItem.objects.get(pk=i.pk).status for i in items]


# --- bulk steps ------------------------------------------------------------------------------
def test_board_shows_the_bulk_bar_and_a_checkbox_per_open_item(personas):
    open_ = task(personas.am_a)
    done = task(personas.am_a, status=DailyItemStatus.DONE)
    html = browser(personas.am_a).get("/daily/").content.decode()
    assert 'data-testid="daily-bulk-bar"' in html
    assert f'data-testid="daily-select-{open_.pk}"' in html
    assert f'data-testid="daily-select-{done.pk}"' not in html


def test_bulk_done_clears_the_selected_items_and_sums_up(personas):
    a, b, c = task(personas.am_a), task(personas.am_a), task(personas.am_a)
    response = browser(personas.am_a).post(
        "/daily/bulk/", {"step": "done", "items": [a.pk, b.pk]}, **HTMX
    )
    assert response.status_code == 200
    assert statuses(a, b, c) == ["done", "done", "open"]
    assert 'data-testid="daily-bulk-summary"' in response.content.decode()
    assert "2 items cleared." in response.content.decode()


def test_bulk_carry_takes_one_reason_for_all(personas):
    a, b = task(personas.am_a), task(personas.am_a)
    client = browser(personas.am_a)
    refused = client.post("/daily/bulk/", {"step": "carry", "items": [a.pk, b.pk], "reason": " "})
    assert refused.status_code == 400
    assert statuses(a, b) == ["open", "open"]
    carried = client.post(
        "/daily/bulk/", {"step": "carry", "items": [a.pk, b.pk], "reason": "客户改约明天"}
    )
    assert carried.status_code == 302
    assert statuses(a, b) == ["carried", "carried"]
    assert {i.carry_reason for i in DailyItem.objects.filter(pk__in=[a.pk, b.pk])} == {
        "客户改约明天"
    }


def test_bulk_skips_an_item_that_cannot_take_the_step_and_reports_it(personas):
    a = task(personas.am_a)
    already = task(personas.am_a, status=DailyItemStatus.DONE, title="早已完成")
    response = browser(personas.am_a).post(
        "/daily/bulk/", {"step": "done", "items": [a.pk, already.pk]}, **HTMX
    )
    assert response.status_code == 200
    assert statuses(a) == ["done"]
    html = response.content.decode()
    assert "1 items cleared." in html and "1 skipped" in html and "早已完成" in html


def test_bulk_with_an_item_of_someone_else_is_404_and_changes_nothing(personas):
    mine = task(personas.am_a)
    theirs = task(personas.am_a2)
    for user in (personas.am_a, personas.bm_a):  # the branch manager reads am_a's board
        response = browser(user).post(
            "/daily/bulk/", {"step": "done", "items": [mine.pk, theirs.pk]}
        )
        assert response.status_code == 404
    assert statuses(mine, theirs) == ["open", "open"]
    bad = browser(personas.am_a).post("/daily/bulk/", {"step": "done", "items": ["x"]})
    assert bad.status_code == 404
    assert statuses(mine) == ["open"]


def test_bulk_needs_a_step_and_items(personas):
    client = browser(personas.am_a)
    assert client.post("/daily/bulk/", {"step": "done"}).status_code == 400
    assert client.post("/daily/bulk/", {"step": "drop", "items": [1]}).status_code == 400
    assert client.get("/daily/bulk/").status_code == 405


# --- the team page: today in progress (D20), export ----------------------------------------
def test_team_page_marks_today_in_progress_and_leaves_it_out_of_the_headline(personas):
    task(personas.am_a, day=today() - DAY, status=DailyItemStatus.DONE)
    task(personas.am_a)  # today, still open: 0 % so far
    task(personas.am_a)
    html = browser(personas.bm_a).get("/daily/team/").content.decode()
    assert 'data-testid="today-in-progress"' in html
    row = re.search(r'data-username="am_a".*?</tr>', html, re.S).group(0)
    assert row.count('data-in-progress="true"') == 1
    assert "bg-red-lt" not in row  # today's 0 % is not painted red
    assert re.search(r'data-testid="daily-team-rate">100%<', html)  # yesterday only
    assert 'data-target-met="true"' in html
    chart = json.loads(re.search(r'id="daily-team-chart"[^>]*>(.*?)</script>', html, re.S)[1])
    assert chart["rates"][-1] is None and chart["rates"][-2] == 100
    assert chart["target"] == 90


def test_team_headline_icon_follows_the_target(personas):
    task(personas.am_a, day=today() - DAY, status=DailyItemStatus.DONE)
    task(personas.am_a, day=today() - DAY)
    html = browser(personas.bm_a).get("/daily/team/").content.decode()
    assert re.search(r'data-testid="daily-team-rate">50%<', html)
    assert 'data-target-met="false"' in html and "ti-alert-triangle" in html


def test_team_export_has_the_rows_of_the_team_only(personas):
    task(personas.am_a, day=today() - DAY, status=DailyItemStatus.DONE)
    task(personas.am_b, day=today() - DAY, status=DailyItemStatus.DONE)
    response = browser(personas.bm_a).get("/daily/team/export/")
    assert response.status_code == 200
    assert 'filename="team-clearing-rate-BA-' in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    data = rows.to_python()
    names = {r[1] for r in data[1:]}
    assert "am_a" in names and "am_b" not in names
    assert browser(personas.am_a).get("/daily/team/export/").status_code == 403
    assert browser(personas.bm_a).get("/daily/team/export/?branch=BB").status_code == 404
