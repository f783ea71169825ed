"""Who may change what in the sales pipeline (reads are scoped by `visible_to`).

The pipeline belongs to the people who sell: account managers (their own leads,
opportunities and activities, and the customers they manage), branch managers (everything of
their branch) and headquarters (everything). Product managers, call agents, engineers,
customers and suppliers have no pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roots.core.fields import FieldAllowList
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import Branch, User

PIPELINE_ROLES = (Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER)
# Who may own a lead, an opportunity or an activity.
OWNER_ROLES = (Role.ACCOUNT_MANAGER, Role.BRANCH_MANAGER)

# --- what each role may write on an edit (`roots.core.fields`): forms and API derive from it.
# Everyone in the pipeline keeps the details; branch managers and headquarters hand records
# to another owner; only headquarters move a lead to another branch. Stages and states
# change by their steps (move, complete, cancel ...), never by an edit.
LEAD_DETAILS = frozenset(
    {
        "company_name",
        "contact_name",
        "phone",
        "email",
        "channel_type",
        "province",
        "city",
        "source",
        "estimated_revenue",
        "notes",
    }
)
LEAD_FIELDS: FieldAllowList = {
    Role.HQ_ADMIN: LEAD_DETAILS | {"owner", "branch"},
    Role.BRANCH_MANAGER: LEAD_DETAILS | {"owner"},
    Role.ACCOUNT_MANAGER: LEAD_DETAILS,
}
OPPORTUNITY_DETAILS = frozenset(
    {"name", "expected_value", "probability", "close_date", "next_step", "notes"}
)
OPPORTUNITY_FIELDS: FieldAllowList = {
    Role.HQ_ADMIN: OPPORTUNITY_DETAILS | {"owner"},
    Role.BRANCH_MANAGER: OPPORTUNITY_DETAILS | {"owner"},
    Role.ACCOUNT_MANAGER: OPPORTUNITY_DETAILS,
}
# What an opportunity is about and its stage: a change is bad input (400) for its editors.
OPPORTUNITY_FIXED_FIELDS: FieldAllowList = dict.fromkeys(
    PIPELINE_ROLES, frozenset({"customer", "lead", "stage"})
)
ACTIVITY_DETAILS = frozenset({"kind", "subject", "planned_at", "contact", "notes", "outcome"})
ACTIVITY_FIELDS: FieldAllowList = {
    Role.HQ_ADMIN: ACTIVITY_DETAILS | {"owner"},
    Role.BRANCH_MANAGER: ACTIVITY_DETAILS | {"owner"},
    Role.ACCOUNT_MANAGER: ACTIVITY_DETAILS,
}
ACTIVITY_FIXED_FIELDS: FieldAllowList = dict.fromkeys(
    PIPELINE_ROLES, frozenset({"customer", "lead", "opportunity", "status"})
)


def works_pipeline(user: Any) -> bool:
    """Whether the role has a sales pipeline at all (pages answer 403 to the others)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*PIPELINE_ROLES)


def can_manage(user: User, record: Any) -> bool:
    """Change a lead, an opportunity or an activity (anything with `owner` and `branch`):
    its owner (an account manager), the branch manager of its branch, headquarters."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    if user.has_role(Role.BRANCH_MANAGER):
        return bool(user.branch_id) and record.branch_id == user.branch_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return bool(record.owner_id == user.pk)
    return False


def can_assign(user: User, record: Any) -> bool:
    """Hand a record to another owner: the branch manager of its branch, headquarters."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    return (
        user.has_role(Role.BRANCH_MANAGER)
        and bool(user.branch_id)
        and record.branch_id == user.branch_id
    )


def can_sell_to(user: User, customer: Customer) -> bool:
    """Open opportunities, plan activities and fill in the potential worksheet for a
    customer: its account manager, the branch manager of its branch, headquarters."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    if user.has_role(Role.BRANCH_MANAGER):
        return bool(user.branch_id) and customer.branch_id == user.branch_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return bool(customer.account_manager_id == user.pk)
    return False


def may_choose_owner(user: User) -> bool:
    """Branch managers and headquarters name the owner of what they create."""
    return user.has_role(Role.HQ_ADMIN, Role.BRANCH_MANAGER)


def is_valid_owner(owner: Any, branch: Branch | None) -> bool:
    """An owner is an active account manager or branch manager of the record's branch."""
    return (
        owner is not None
        and getattr(owner, "is_active", False)
        and owner.role in OWNER_ROLES
        and branch is not None
        and owner.branch_id == branch.pk
    )
