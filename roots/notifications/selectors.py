"""Reads of notifications, always the user's own."""

from __future__ import annotations

from django.db.models import QuerySet

from roots.notifications.models import Notification
from roots.org.models import User

MENU_SIZE = 8


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first; `unread` narrows to unread (True) or read."""
    queryset = Notification.objects.visible_to(user)
    if unread is not None:
        queryset = queryset.filter(read_at__isnull=unread)
    return queryset.order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (one COUNT)."""
    return Notification.objects.visible_to(user).unread().count()


def latest(*, user: User, limit: int = MENU_SIZE) -> list[Notification]:
    """The newest notifications, read or not (the bell's drop-down)."""
    return list(notification_list(user=user)[:limit])
