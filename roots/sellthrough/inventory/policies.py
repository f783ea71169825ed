"""Who works with customers' inventory (reads are scoped by `visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User

# Who works with customers' inventory: the staff who sell and analyse, and the customers'
# own users (their company only). Call agents, engineers and suppliers do not (403).
INVENTORY_ROLES = frozenset(
    {
        Role.HQ_ADMIN,
        Role.BRANCH_MANAGER,
        Role.ACCOUNT_MANAGER,
        Role.PRODUCT_MANAGER,
        Role.CUSTOMER_USER,
    }
)


def may_view_inventory(user: User) -> bool:
    """Whether the user's role works with sell-through and inventory at all."""
    return bool(user.is_authenticated and user.is_active and user.role in INVENTORY_ROLES)
