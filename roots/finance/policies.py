"""Who may do what in finance (reads are scoped by `visible_to`; these guard the writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.org.models import Role

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User

# Staff who keep a customer's account: record payments, grant rebates, decide claims,
# issue statements, answer disputes. Product managers read, never write.
FINANCE_STAFF = (Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER)


def is_finance_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(*FINANCE_STAFF)


def manages(user: User, customer: Customer) -> bool:
    """Whether `user` keeps the account of `customer` (HQ all, a branch manager the
    branch's, an account manager their own customers')."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.HQ_ADMIN):
        return True
    if user.has_role(Role.BRANCH_MANAGER):
        return bool(user.branch_id) and customer.branch_id == user.branch_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return customer.account_manager_id == user.pk
    return False


def is_customer_of(user: User, customer: Customer) -> bool:
    """Whether `user` is staff of `customer` itself (the portal)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.has_role(Role.CUSTOMER_USER)
        and user.customer_id == customer.pk
    )


def can_submit_claim(user: User, customer: Customer) -> bool:
    return is_customer_of(user, customer) or manages(user, customer)


def can_create_claims(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.CUSTOMER_USER, *FINANCE_STAFF)
