"""Who may see which KPIs: a customer's, through the customer scope; an account manager's,
the manager, their branch manager and headquarters; a branch's, its branch manager and
headquarters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import Branch, User


def may_see_account_manager(user: User, account_manager: User) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.HQ_ADMIN:
        return True
    if user.role == Role.BRANCH_MANAGER:
        return user.branch_id is not None and user.branch_id == account_manager.branch_id
    return user.pk == account_manager.pk


def may_see_branch(user: User, branch: Branch) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.HQ_ADMIN:
        return True
    return user.role == Role.BRANCH_MANAGER and user.branch_id == branch.pk
