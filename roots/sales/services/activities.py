"""Writes of activities (visits, calls, meetings, e-mails): plan, log one that took place,
update, and the steps complete and cancel (declared in `roots.sales.lifecycles.ACTIVITY`;
these functions are their service entry points)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError
from roots.core.services import lock_for_update, record_history_user
from roots.core.text import clean_text
from roots.customers.models import Customer
from roots.sales import policies
from roots.sales.lifecycles import ACTIVITY, OUTCOME_MAX, mark_lead_working
from roots.sales.models import Activity, ActivityStatus, Lead, Opportunity
from roots.sales.services.common import (
    require_manager,
    require_pipeline,
    resolve_owner,
    same,
    save_changes,
    take_step,
)

if TYPE_CHECKING:
    from roots.org.models import User

ACTIVITY_FIELDS = ("kind", "subject", "planned_at", "notes", "contact")
# A visit logged as done may be stamped a few minutes ahead (a clock that runs fast).
LOG_FUTURE_TOLERANCE = timedelta(minutes=5)


def _activity_new(*, user: User, data: Mapping[str, Any], status: str) -> Activity:
    require_pipeline(user)
    opportunity: Opportunity | None = data.get("opportunity")
    customer: Customer | None = data.get("customer")
    lead: Lead | None = data.get("lead")
    natural_owner = None
    if opportunity is not None:
        if customer is not None and not same(customer, opportunity.customer_id):
            raise ValidationError({"customer": [_("The opportunity is with another customer.")]})
        if lead is not None and not same(lead, opportunity.lead_id):
            raise ValidationError({"lead": [_("The opportunity is with another lead.")]})
        customer = opportunity.customer
        lead = opportunity.lead
        allowed = policies.can_manage(user, opportunity) or (
            customer is not None and policies.can_sell_to(user, customer)
        )
        branch = opportunity.branch
        natural_owner = opportunity.owner
    elif customer is not None:
        if lead is not None and lead.customer_id != customer.pk:
            raise ValidationError({"lead": [_("This lead belongs to another customer.")]})
        allowed = policies.can_sell_to(user, customer)
        branch = customer.branch
        natural_owner = customer.account_manager
    elif lead is not None:
        customer = lead.customer
        allowed = policies.can_manage(user, lead)
        branch = lead.branch
        natural_owner = lead.owner
    else:
        allowed = True
        if user.branch is None:
            raise ValidationError({"customer": [_("Name a customer, a lead or an opportunity.")]})
        branch = user.branch
    if not allowed:
        raise PermissionDenied(_("You may not plan activities for this record."))
    contact = data.get("contact")
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        raise ValidationError({"contact": [_("Choose a contact of the customer.")]})
    # Who plans a visit usually makes it: the planner, when they may own it.
    default = user if policies.is_valid_owner(user, branch) else natural_owner
    owner = resolve_owner(user=user, branch=branch, owner=data.get("owner"), default=default)
    values = {k: data[k] for k in ACTIVITY_FIELDS if k in data}
    activity = Activity(
        owner=owner,
        branch=branch,
        customer=customer,
        lead=lead,
        opportunity=opportunity,
        status=status,
        **values,
    )
    return activity


def _save_new(activity: Activity, *, user: User) -> Activity:
    activity.full_clean()
    record_history_user(activity, user)
    activity.save()
    return activity


@transaction.atomic
def activity_plan(*, user: User, data: Mapping[str, Any]) -> Activity:
    """Plan a visit, call, meeting or e-mail for a customer, a lead or an opportunity (or a
    task of one's own): the owner is the planner (branch managers and headquarters may plan
    for an account manager of the branch). Past due, it is an overdue follow-up on the
    owner's daily board."""
    activity = _activity_new(user=user, data=data, status=ActivityStatus.PLANNED)
    return _save_new(activity, user=user)


@transaction.atomic
def activity_log(*, user: User, data: Mapping[str, Any]) -> Activity:
    """Record an activity that took place (a visit report, 拜访记录): done at `planned_at`
    (now by default, never in the future) with its outcome (required)."""
    outcome = clean_text(
        data.get("outcome"), field="outcome", max_length=OUTCOME_MAX, required=True
    )
    now = timezone.now()
    values = dict(data)
    when = values.get("planned_at") or now
    if when > now + LOG_FUTURE_TOLERANCE:
        raise ValidationError(
            {"planned_at": [_("An activity that took place is not in the future.")]}
        )
    values["planned_at"] = when
    activity = _activity_new(user=user, data=values, status=ActivityStatus.DONE)
    activity.done_at = when
    activity.outcome = outcome
    activity = _save_new(activity, user=user)
    mark_lead_working(lead_id=activity.lead_id, user=user)
    return activity


@transaction.atomic
def activity_update(
    *, user: User, activity: Activity, data: Mapping[str, Any], expected_version: int | None = None
) -> Activity:
    """Change an activity's kind, subject, time, contact, notes (and the outcome of a done
    one); branch managers and headquarters hand it to another owner. What it is about (the
    customer, lead, opportunity) does not change; a cancelled activity is closed (409)."""
    locked = lock_for_update(instance=activity, expected_version=expected_version)
    require_manager(user, locked)
    if locked.status == ActivityStatus.CANCELLED:
        raise ConflictError(_("This activity was cancelled."))
    for name in ("customer", "lead", "opportunity"):
        if name in data and not same(data[name], getattr(locked, f"{name}_id")):
            raise ValidationError({name: [_("What an activity is about cannot change.")]})
    values: dict[str, Any] = {k: data[k] for k in ACTIVITY_FIELDS if k in data}
    contact = values.get("contact")
    if contact is not None and contact.customer_id != locked.customer_id:
        raise ValidationError({"contact": [_("Choose a contact of the customer.")]})
    if "outcome" in data:
        outcome = clean_text(data["outcome"], field="outcome", max_length=OUTCOME_MAX)
        if outcome and locked.status != ActivityStatus.DONE:
            raise ValidationError({"outcome": [_("Complete the activity to record its outcome.")]})
        if locked.status == ActivityStatus.DONE:
            if not outcome:
                raise ValidationError({"outcome": [_("This field is required.")]})
            values["outcome"] = outcome
    return save_changes(user=user, record=activity, locked=locked, data=data, values=values)


def activity_complete(
    *, user: User, activity: Activity, outcome: str, expected_version: int | None = None
) -> Activity:
    """A planned activity took place: done now, with its outcome (required). A new lead it
    was about is now being worked."""
    return take_step(
        ACTIVITY,
        activity,
        "complete",
        user=user,
        data={"outcome": outcome},
        expected_version=expected_version,
    )


def activity_cancel(
    *, user: User, activity: Activity, expected_version: int | None = None
) -> Activity:
    """A planned activity will not take place."""
    return take_step(ACTIVITY, activity, "cancel", user=user, expected_version=expected_version)
