"""The pages of notifications and the bell: the unread count in the top bar (one COUNT),
the drop-down fragment, the list, marking read; another user's notification is a 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import shared_personas
from roots.notifications.models import Notification
from roots.notifications.tests.test_api import notify

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bell_loads_the_unread_count_after_the_page(personas):
    notify(personas.am_a), notify(personas.am_a)
    client = client_for(personas.am_a)
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="notification-bell"' in page
    assert 'hx-get="/notifications/badge/"' in page
    badge = client.get("/notifications/badge/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="notification-count"' in badge and ">2<" in badge


def test_bell_has_no_badge_without_unread(personas):
    client = client_for(personas.am_b)
    assert 'data-testid="notification-bell"' in client.get("/notifications/").content.decode()
    badge = client.get("/notifications/badge/").content.decode()
    assert 'data-testid="notification-count"' not in badge


def test_pages_pay_nothing_for_the_bell_and_the_badge_one_count(personas):
    client = client_for(personas.agent)
    client.get("/account/")  # warm up: session, content types
    with CaptureQueriesContext(connection) as queries:
        client.get("/account/")
    assert not [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        client.get("/notifications/badge/")
    bell = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1 and "COUNT" in bell[0].upper()


def test_menu_fragment_lists_the_latest(personas):
    notify(personas.am_a, "SO00000007")
    response = client_for(personas.am_a).get("/notifications/menu/?next=/dashboard/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "SO00000007" in body and "<html" not in body
    assert 'value="/dashboard/"' in body


def test_list_page_and_unread_filter(personas):
    read, unread = notify(personas.am_a, "SO00000001"), notify(personas.am_a, "SO00000002")
    client = client_for(personas.am_a)
    client.post(f"/notifications/{read.pk}/read/")
    assert list(client.get("/notifications/").context["page"].object_list) == [unread, read]
    assert list(client.get("/notifications/?unread=1").context["page"].object_list) == [unread]


def test_opening_a_notification_marks_it_read_and_goes_there(personas):
    notice = notify(personas.am_a, "SO00000009")
    response = client_for(personas.am_a).post(f"/notifications/{notice.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/orders/SO00000009/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_read_goes_back_to_a_safe_next_only(personas):
    notice = notify(personas.am_a)
    client = client_for(personas.am_a)
    response = client.post(f"/notifications/{notice.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"


def test_mark_all_read(personas):
    notify(personas.am_a), notify(personas.am_a), notify(personas.am_b)
    response = client_for(personas.am_a).post("/notifications/read-all/", {"next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert not Notification.objects.filter(user=personas.am_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=personas.am_b, read_at__isnull=True).count() == 1


def test_another_users_notification_is_404_on_the_pages(personas):
    theirs = notify(personas.am_b)
    client = client_for(personas.am_a)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/", {"open": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_steps_are_post_only(personas):
    notice = notify(personas.am_a)
    client = client_for(personas.am_a)
    assert client.get(f"/notifications/{notice.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405
