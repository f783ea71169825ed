"""Who may write the portal's news (reads are scoped by `visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.core.fields import FieldAllowList
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User

# What each role may write on a news item (`roots.core.fields`): headquarters all of it.
NEWS_FIELDS: FieldAllowList = {
    Role.HQ_ADMIN: frozenset({"title", "body", "kind", "published_at", "audience", "is_published"}),
}


def can_manage_news(user: User) -> bool:
    """Headquarters writes the news."""
    return user.has_role(Role.HQ_ADMIN)


def can_read_news(user: User) -> bool:
    """Every staff role and customer users read news (suppliers have their own portal)."""
    return bool(user.is_authenticated and user.is_active) and (
        user.is_staff_role or user.role == Role.CUSTOMER_USER
    )
