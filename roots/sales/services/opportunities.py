"""Writes of opportunities: create, update, and the steps `move` and `reopen` (declared in
`roots.sales.lifecycles.OPPORTUNITY`; these functions are their service entry points).

Opportunities move through seed 002's six steps in any order (forward or back) and end won
or lost (with a reason). Won and lost are final: moving a closed opportunity is a conflict
(409) until `opportunity_reopen` brings it back to negotiation or maintenance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError
from roots.core.services import lock_for_update
from roots.customers.models import Customer
from roots.sales import policies
from roots.sales.lifecycles import OPPORTUNITY
from roots.sales.models import CLOSED_STAGES, OPEN_STAGES, Lead, LeadStatus, Opportunity, Stage
from roots.sales.services.common import (
    create_with_code,
    require_manager,
    require_pipeline,
    resolve_owner,
    same,
    save_changes,
    take_step,
)

if TYPE_CHECKING:
    from roots.org.models import User

OPPORTUNITY_PREFIX = "OP"
OPPORTUNITY_FIELDS = ("name", "expected_value", "probability", "close_date", "next_step", "notes")


@transaction.atomic
def opportunity_create(*, user: User, data: Mapping[str, Any]) -> Opportunity:
    """Open an opportunity with a customer (its account manager, the branch manager,
    headquarters) or with a lead (its owner, the branch manager, headquarters). It starts
    at an open stage (prospecting unless said) in the branch of its customer or lead."""
    require_pipeline(user)
    customer: Customer | None = data.get("customer")
    lead: Lead | None = data.get("lead")
    if lead is not None:
        if lead.status == LeadStatus.DISQUALIFIED:
            raise ValidationError({"lead": [_("This lead was disqualified.")]})
        if customer is None:
            customer = lead.customer
        elif lead.customer_id != customer.pk:
            raise ValidationError({"lead": [_("This lead belongs to another customer.")]})
    if customer is not None:
        if not policies.can_sell_to(user, customer):
            raise PermissionDenied(_("You may not sell to this customer."))
        branch = customer.branch
        default_owner = customer.account_manager or (lead.owner if lead else None)
    elif lead is not None:
        require_manager(user, lead)
        branch = lead.branch
        default_owner = lead.owner
    else:
        raise ValidationError({"customer": [_("Name a customer or a lead.")]})
    owner = resolve_owner(user=user, branch=branch, owner=data.get("owner"), default=default_owner)
    stage = data.get("stage") or Stage.PROSPECTING
    if stage not in OPEN_STAGES:
        raise ValidationError({"stage": [_("A new opportunity starts at an open stage.")]})
    values = {k: data[k] for k in OPPORTUNITY_FIELDS if k in data}
    opportunity = Opportunity(
        customer=customer,
        lead=lead,
        branch=branch,
        owner=owner,
        stage=stage,
        stage_changed_at=timezone.now(),
        **values,
    )
    return create_with_code(opportunity, user=user, prefix=OPPORTUNITY_PREFIX)  # type: ignore[no-any-return]


@transaction.atomic
def opportunity_update(
    *,
    user: User,
    opportunity: Opportunity,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Opportunity:
    """Change an open opportunity's name, value, probability, close date, next step, notes;
    branch managers and headquarters hand it to another owner of the branch. The stage
    changes only by `opportunity_move`; a won or lost opportunity is final (409)."""
    locked = lock_for_update(instance=opportunity, expected_version=expected_version)
    require_manager(user, locked)
    if locked.stage in CLOSED_STAGES:
        raise ConflictError(_("This opportunity is closed; reopen it to change it."))
    if "stage" in data and data["stage"] != locked.stage:
        raise ValidationError({"stage": [_("Move the opportunity to change its stage.")]})
    if "customer" in data and not same(data["customer"], locked.customer_id):
        raise ValidationError({"customer": [_("The customer of an opportunity cannot change.")]})
    if "lead" in data and not same(data["lead"], locked.lead_id):
        raise ValidationError({"lead": [_("The lead of an opportunity cannot change.")]})
    values: dict[str, Any] = {k: data[k] for k in OPPORTUNITY_FIELDS if k in data}
    return save_changes(user=user, record=opportunity, locked=locked, data=data, values=values)


def opportunity_move(
    *,
    user: User,
    opportunity: Opportunity,
    stage: str,
    lost_reason: str = "",
    lost_note: str = "",
    version: int | None = None,
) -> Opportunity:
    """Move an open opportunity to any open stage (forward or back), to won, or to lost
    with a reason (400 without one). Won and lost are final: moving a closed opportunity is
    a conflict (409; `opportunity_reopen` first). The move stamps `stage_changed_at`, drops
    a probability set by hand (the new stage's default applies), and closing stamps
    `closed_at` and makes the close date the day it closed. `version` is the If-Match."""
    return take_step(
        OPPORTUNITY,
        opportunity,
        "move",
        user=user,
        data={"stage": stage, "lost_reason": lost_reason, "lost_note": lost_note},
        expected_version=version,
    )


def opportunity_reopen(
    *,
    user: User,
    opportunity: Opportunity,
    stage: str = Stage.NEGOTIATION,
    expected_version: int | None = None,
) -> Opportunity:
    """Bring a won or lost opportunity back to negotiation (a deal that fell through or
    came back) or maintenance (a won customer to keep). Open ones: 409."""
    return take_step(
        OPPORTUNITY,
        opportunity,
        "reopen",
        user=user,
        data={"stage": stage},
        expected_version=expected_version,
    )
