"""Who may do what with a complaint (reads are scoped by `visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.org.models import Role

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User
    from roots.service.models import Complaint


def can_raise_for(user: User, customer: Customer) -> bool:
    """A customer's own users raise complaints for their company; our staff who serve the
    customer (its account manager, its branch manager, headquarters) raise them on its
    behalf."""
    if user.has_role(Role.CUSTOMER_USER):
        return customer.pk == user.customer_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return customer.account_manager_id == user.pk
    if user.has_role(Role.BRANCH_MANAGER):
        return customer.branch_id == user.branch_id
    return user.has_role(Role.HQ_ADMIN)


def may_raise_complaints(user: User) -> bool:
    """Whether the role raises complaints at all (the "new complaint" button)."""
    return user.has_role(
        Role.CUSTOMER_USER, Role.ACCOUNT_MANAGER, Role.BRANCH_MANAGER, Role.HQ_ADMIN
    )


def can_handle(user: User, complaint: Complaint) -> bool:
    """Staff who answer and resolve: the owner, the customer's account manager, the
    branch manager of the customer's branch, headquarters."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    if user.has_role(Role.BRANCH_MANAGER):
        return complaint.customer.branch_id == user.branch_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return user.pk in (complaint.owner_id, complaint.customer.account_manager_id)
    return False


def can_assign(user: User, complaint: Complaint) -> bool:
    """Branch managers (their branch) and headquarters hand a complaint to another account
    manager of the customer's branch."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    return user.has_role(Role.BRANCH_MANAGER) and complaint.customer.branch_id == user.branch_id


def is_complainant(user: User, complaint: Complaint) -> bool:
    """A user of the complaining company (who confirms, reopens and writes as the customer)."""
    return user.has_role(Role.CUSTOMER_USER) and complaint.customer_id == user.customer_id


def can_write_message(user: User, complaint: Complaint) -> bool:
    return is_complainant(user, complaint) or can_handle(user, complaint)


def can_close(user: User, complaint: Complaint) -> bool:
    return is_complainant(user, complaint) or can_handle(user, complaint)


def can_reopen(user: User, complaint: Complaint) -> bool:
    return is_complainant(user, complaint)
