"""Writes of leads: create, update, and the steps qualify, disqualify and convert (declared
in `roots.sales.lifecycles.LEAD`; these functions are their service entry points)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError
from roots.core.services import lock_for_update
from roots.customers.models import Customer
from roots.org.models import Role
from roots.sales.lifecycles import LEAD
from roots.sales.models import Lead, LeadStatus
from roots.sales.services.common import (
    create_with_code,
    require_manager,
    require_pipeline,
    resolve_owner,
    save_changes,
    take_step,
)

if TYPE_CHECKING:
    from roots.org.models import User

LEAD_PREFIX = "L"
LEAD_FIELDS = (
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
)


@transaction.atomic
def lead_create(*, user: User, data: Mapping[str, Any]) -> Lead:
    """Record a company that might become a customer (step one, 寻找客户). Account managers
    own their leads in their branch; branch managers create in their branch for themselves
    or one of its account managers; headquarters name the owner (and so the branch)."""
    require_pipeline(user)
    values = {k: data[k] for k in LEAD_FIELDS if k in data}
    owner = data.get("owner")
    branch = data.get("branch")
    if user.role in (Role.ACCOUNT_MANAGER, Role.BRANCH_MANAGER):
        if branch is not None and branch.pk != user.branch_id:
            raise ValidationError({"branch": [_("You create leads in your branch.")]})
        branch = user.branch
    elif branch is None and owner is not None:
        branch = owner.branch
    if branch is None:
        raise ValidationError({"branch": [_("Choose the branch.")]})
    owner = resolve_owner(user=user, branch=branch, owner=owner)
    lead = Lead(branch=branch, owner=owner, status=LeadStatus.NEW, **values)
    return create_with_code(lead, user=user, prefix=LEAD_PREFIX)  # type: ignore[no-any-return]


@transaction.atomic
def lead_update(
    *, user: User, lead: Lead, data: Mapping[str, Any], expected_version: int | None = None
) -> Lead:
    """Change a lead's details; branch managers and headquarters may hand it to another
    owner (headquarters also to another branch). A converted lead is closed (409)."""
    locked = lock_for_update(instance=lead, expected_version=expected_version)
    require_manager(user, locked)
    if locked.status == LeadStatus.CONVERTED:
        raise ConflictError(_("This lead was converted; change its customer instead."))
    values: dict[str, Any] = {k: data[k] for k in LEAD_FIELDS if k in data}
    branch = data.get("branch") or locked.branch
    if branch.pk != locked.branch_id:
        if user.role != Role.HQ_ADMIN:
            raise ValidationError(
                {"branch": [_("Only headquarters move a lead to another branch.")]}
            )
        if data.get("owner") is None or data["owner"].branch_id != branch.pk:
            raise ValidationError({"owner": [_("Choose an owner in the new branch.")]})
        values["branch"] = branch
    return save_changes(user=user, record=lead, locked=locked, data=data, values=values)


def lead_qualify(*, user: User, lead: Lead, expected_version: int | None = None) -> Lead:
    """The lead is a real prospect (budget, need, a person to talk to): new or working →
    qualified."""
    return take_step(LEAD, lead, "qualify", user=user, expected_version=expected_version)


def lead_disqualify(
    *, user: User, lead: Lead, reason: str, expected_version: int | None = None
) -> Lead:
    """Drop a lead that will not become a customer, saying why (400 without a reason)."""
    return take_step(
        LEAD,
        lead,
        "disqualify",
        user=user,
        data={"reason": reason},
        expected_version=expected_version,
    )


def lead_convert(
    *,
    user: User,
    lead: Lead,
    customer: Customer | None = None,
    channel_type: str = "",
    opportunity: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Lead:
    """Turn an open lead into a customer: link an existing customer of the lead's branch, or
    create one in the customer master (a prospect, owned by the lead's account manager, with
    the lead's contact as its primary contact). The lead's opportunities and activities
    follow it to the customer; `opportunity` ({name, expected_value, close_date}) opens a
    new one. The lead is then converted (closed)."""
    return take_step(
        LEAD,
        lead,
        "convert",
        user=user,
        data={"customer": customer, "channel_type": channel_type, "opportunity": opportunity},
        expected_version=expected_version,
    )
