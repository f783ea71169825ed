"""Writes of the portal: headquarters' news. One transaction per business action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from roots.core.services import apply_and_validate, lock_for_update, record_history_user
from roots.portal import policies
from roots.portal.models import NewsItem

if TYPE_CHECKING:
    from roots.org.models import User

NEWS_FIELDS = ("title", "body", "kind", "published_at", "audience", "is_published")


def _check(user: User) -> None:
    if not policies.can_manage_news(user):
        raise PermissionDenied(_("Only headquarters publishes news."))


def _values(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in NEWS_FIELDS}


@transaction.atomic
def news_create(*, user: User, data: Mapping[str, Any]) -> NewsItem:
    """Headquarters writes a news item (published at once unless `is_published` is false or
    `published_at` lies ahead)."""
    _check(user)
    item = NewsItem(author=user)
    return apply_and_validate(instance=item, data=_values(data), user=user)


@transaction.atomic
def news_update(
    *, user: User, item: NewsItem, data: Mapping[str, Any], expected_version: int | None = None
) -> NewsItem:
    _check(user)
    locked = lock_for_update(instance=item, expected_version=expected_version)
    return apply_and_validate(instance=locked, data=_values(data), user=user)


@transaction.atomic
def news_delete(*, user: User, item: NewsItem, expected_version: int | None = None) -> None:
    _check(user)
    locked = lock_for_update(instance=item, expected_version=expected_version)
    record_history_user(locked, user)
    locked.delete()
