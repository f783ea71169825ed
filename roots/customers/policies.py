"""Who may change what in the customer master (reads are scoped by `visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.org.models import Role

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User

# Fields a customer's own staff may not change: ownership, credit and our classification.
CUSTOMER_USER_FORBIDDEN = (
    "code",
    "branch",
    "account_manager",
    "credit_limit",
    "is_key_account",
    "tier",
    "priority",
    "status",
    "channel_type",
)
# Account managers keep their customers' profiles but do not move them or set credit.
ACCOUNT_MANAGER_FORBIDDEN = ("branch", "account_manager", "credit_limit")
BRANCH_MANAGER_FORBIDDEN = ("branch",)


def can_create_customer(user: User) -> bool:
    return user.has_role(Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER)


def can_edit_customer(user: User, customer: Customer) -> bool:
    """Every role that sees a customer may edit it, except product managers (read-only)."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    if user.has_role(Role.BRANCH_MANAGER):
        return customer.branch_id == user.branch_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return customer.account_manager_id == user.pk
    if user.has_role(Role.CUSTOMER_USER):
        return customer.pk == user.customer_id
    return False


def forbidden_customer_fields(user: User) -> tuple[str, ...]:
    if user.role == Role.CUSTOMER_USER:
        return CUSTOMER_USER_FORBIDDEN
    if user.role == Role.ACCOUNT_MANAGER:
        return ACCOUNT_MANAGER_FORBIDDEN
    if user.role == Role.BRANCH_MANAGER:
        return BRANCH_MANAGER_FORBIDDEN
    return ()
