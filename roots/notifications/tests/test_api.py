"""The notifications API: the caller's own, unread count, mark read / all read; another
user's notification answers 404."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import shared_personas
from roots.notifications import services, texts
from roots.notifications.models import Notification, NotificationKind

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def notify(user: Any, number: str = "SO00000001") -> Notification:
    (created,) = services.notification_create(
        recipients=[user],
        kind=NotificationKind.ORDER,
        text=texts.ORDER_NOTE(number=number, customer="国美电器", text="已确认"),
        url=f"/orders/{number}/",
    )
    return created


def test_list_shows_only_own_notifications_newest_first(personas, api):
    first = notify(personas.am_a, "SO00000001")
    second = notify(personas.am_a, "SO00000002")
    notify(personas.am_b, "SO00000003")
    response = api.as_(personas.am_a).get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [second.pk, first.pk]
    row = response.data["results"][0]
    assert row["read"] is False and row["url"] == "/orders/SO00000002/"
    assert "SO00000002" in row["message"]


def test_unread_filter_and_count(personas, api):
    read, unread = notify(personas.am_a), notify(personas.am_a)
    services.notification_mark_read(user=personas.am_a, notification=read)
    client = api.as_(personas.am_a)
    assert [r["id"] for r in client.get(f"{URL}?unread=true").data["results"]] == [unread.pk]
    assert [r["id"] for r in client.get(f"{URL}?unread=false").data["results"]] == [read.pk]
    assert client.get(f"{URL}unread-count/").data == {"unread": 1}


def test_bad_unread_value_is_400(personas, api):
    response = api.as_(personas.am_a).get(f"{URL}?unread=maybe")
    assert response.status_code == 400
    assert "unread" in response.data["errors"]


def test_mark_read(personas, api):
    notice = notify(personas.am_a)
    response = api.as_(personas.am_a).post(f"{URL}{notice.pk}/read/", {}, format="json")
    assert response.status_code == 200 and response.data["read"] is True
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read(personas, api):
    notify(personas.am_a), notify(personas.am_a), notify(personas.am_b)
    response = api.as_(personas.am_a).post(f"{URL}read-all/", {}, format="json")
    assert response.status_code == 200 and response.data == {"marked": 2}
    assert Notification.objects.filter(user=personas.am_b, read_at__isnull=True).count() == 1


def test_another_users_notification_is_404(personas, api):
    theirs = notify(personas.am_b)
    client = api.as_(personas.am_a)
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/read/", {}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_cannot_be_written_through_the_api(personas, api):
    notice = notify(personas.am_a)
    client = api.as_(personas.am_a)
    assert client.post(URL, {"message": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{notice.pk}/").status_code == 405
    assert client.patch(f"{URL}{notice.pk}/", {"read": True}, format="json").status_code == 405


def test_anonymous_gets_401(personas, api):
    notice = notify(personas.am_a)
    client = api.as_(None)
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}{notice.pk}/read/", {}, format="json").status_code == 401
    assert client.post(f"{URL}read-all/", {}, format="json").status_code == 401
