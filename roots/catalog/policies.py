"""Who may change the catalog (reads are scoped by `visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User


def can_edit_catalog(user: User) -> bool:
    """Headquarters and product managers keep the catalog, stock and prices."""
    return bool(user.is_authenticated and user.is_active) and user.has_role(
        Role.HQ_ADMIN, Role.PRODUCT_MANAGER
    )


def can_edit_promotions(user: User) -> bool:
    """Headquarters and product managers create and change promotions."""
    return bool(user.is_authenticated and user.is_active) and user.has_role(
        Role.HQ_ADMIN, Role.PRODUCT_MANAGER
    )
