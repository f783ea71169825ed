"""The sales lists' XLSX exports (leads, opportunities, activities: scoped, filtered), the
activities page's date window and paging (D13), and people told apart in the owner filter
(D9)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from conftest import shared_personas
from roots.sales import services
from roots.sales.models import Activity
from roots.sales.tests.test_pipeline_support import make_activity, make_lead, make_opportunity

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet(response) -> list[list[object]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()  # type: ignore[return-value]


def first_column(response) -> set[object]:
    return {row[0] for row in sheet(response)[1:]}


# --- exports -----------------------------------------------------------------------------------
def test_lead_export_has_only_the_leads_in_scope_and_filter(personas):
    mine = make_lead(personas.am_a, company_name="青岛海信广场")
    other = make_lead(personas.am_a2, company_name="别人的线索")
    foreign = make_lead(personas.am_b, company_name="外地线索")
    assert first_column(client_for(personas.am_a).get(reverse("lead-export"))) == {mine.code}
    everyone = client_for(personas.bm_a).get(reverse("lead-export"), {"owner": "all"})
    assert first_column(everyone) == {mine.code, other.code}
    assert foreign.code not in first_column(
        client_for(personas.hq).get(reverse("lead-export"), {"branch": "BA", "owner": "all"})
    )
    searched = client_for(personas.bm_a).get(reverse("lead-export"), {"q": "海信"})
    assert first_column(searched) == {mine.code}


def test_lead_list_has_the_export_button_with_its_filters(personas):
    html = client_for(personas.bm_a).get(reverse("lead-list"), {"q": "海信"}).content.decode()
    assert 'data-testid="export"' in html
    assert reverse("lead-export") + "?q=" in html


def test_opportunity_export_is_scoped_and_typed(personas):
    mine = make_opportunity(personas.am_a, customer=personas.cust_a1)
    make_opportunity(personas.am_b, customer=personas.cust_b1)
    rows = sheet(client_for(personas.am_a).get(reverse("opportunity-export")))
    assert [r[0] for r in rows[1:]] == [mine.code]
    assert rows[1][rows[0].index("Expected value (CNY)")] == 100000.0
    assert client_for(personas.agent).get(reverse("opportunity-export")).status_code == 403


def test_activity_export_follows_the_page_window(personas):
    soon = make_activity(personas.am_a, customer=personas.cust_a1, subject="下周拜访")
    make_activity(personas.am_b, customer=personas.cust_b1, subject="外地拜访")
    services.activity_log(
        user=personas.am_a,
        data={
            "kind": "call",
            "subject": "今天的电话",
            "customer": personas.cust_a1,
            "outcome": "好",
        },
    )
    old = services.activity_log(
        user=personas.am_a,
        data={"kind": "call", "subject": "很久以前", "customer": personas.cust_a1, "outcome": "好"},
    )
    Activity.objects.filter(pk=old.pk).update(done_at=timezone.now() - timedelta(days=60))
    subjects = first_column(client_for(personas.am_a).get(reverse("activity-export")))
    assert subjects == {soon.subject, "今天的电话"}


# --- the activities page: a date window, paged (D13) -------------------------------------------
def test_activity_page_shows_done_ones_of_the_window_only(personas):
    services.activity_log(
        user=personas.am_a,
        data={"kind": "call", "subject": "本周电话", "customer": personas.cust_a1, "outcome": "好"},
    )
    old = services.activity_log(
        user=personas.am_a,
        data={"kind": "call", "subject": "两个月前", "customer": personas.cust_a1, "outcome": "好"},
    )
    Activity.objects.filter(pk=old.pk).update(done_at=timezone.now() - timedelta(days=60))
    client = client_for(personas.am_a)
    html = client.get(reverse("activity-list")).content.decode()
    assert "本周电话" in html and "两个月前" not in html
    assert 'data-testid="window-from"' in html
    earlier = (timezone.localdate() - timedelta(days=90)).isoformat()
    wide = client.get(reverse("activity-list"), {"from": earlier}).content.decode()
    assert "两个月前" in wide and "本周电话" in wide


def test_activity_page_pages_the_done_ones(personas):
    for n in range(30):
        services.activity_log(
            user=personas.am_a,
            data={
                "kind": "call",
                "subject": f"电话{n:02d}",
                "customer": personas.cust_a1,
                "outcome": "好",
            },
        )
    client = client_for(personas.am_a)
    first = client.get(reverse("activity-list"))
    assert first.context["page"].paginator.count == 30
    assert len(first.context["done"]) == 25
    assert 'data-testid="done-pages"' in first.content.decode()
    second = client.get(reverse("activity-list"), {"page": 2})
    assert len(second.context["done"]) == 5
    past_the_end = client.get(reverse("activity-list"), {"page": 9})
    assert past_the_end.context["page"].number == 2


def test_activity_page_window_refuses_nonsense_quietly(personas):
    client = client_for(personas.am_a)
    for params in ({"from": "not-a-date"}, {"from": "2026-12-31", "to": "2026-01-01"}):
        assert client.get(reverse("activity-list"), params).status_code == 200


# --- people told apart (D9) ------------------------------------------------------------------
def test_owner_filter_tells_two_people_of_one_name_apart(personas):
    for user in (personas.am_a, personas.am_b):
        user.full_name = "张燕"
        user.save()
    html = client_for(personas.hq).get(reverse("lead-list")).content.decode()
    assert f"张燕 · {personas.branch_a.name}" in html
    assert f"张燕 · {personas.branch_b.name}" in html
