"""Who may do what with sell-through (reads are scoped by `visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.org.models import Role

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User

# Roles that work with sell-through at all (the pages; the product manager reads only).
VIEWER_ROLES = (
    Role.HQ_ADMIN,
    Role.BRANCH_MANAGER,
    Role.ACCOUNT_MANAGER,
    Role.PRODUCT_MANAGER,
    Role.CUSTOMER_USER,
)
UPLOADER_ROLES = (Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER)


def may_view(user: User) -> bool:
    """Whether the role has sell-through pages (call agents, engineers and suppliers
    serve no channel customer's sales)."""
    return user.has_role(*VIEWER_ROLES)


def may_upload(user: User) -> bool:
    """Whether the role sends feed files at all (the upload form)."""
    return user.has_role(*UPLOADER_ROLES)


def can_upload_for(user: User, customer: Customer) -> bool:
    """A customer's own users upload its feeds; our staff who serve the customer (its
    account manager, its branch manager, headquarters) upload on its behalf."""
    if user.has_role(Role.CUSTOMER_USER):
        return customer.pk == user.customer_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return customer.account_manager_id == user.pk
    if user.has_role(Role.BRANCH_MANAGER):
        return customer.branch_id == user.branch_id
    return user.has_role(Role.HQ_ADMIN)
