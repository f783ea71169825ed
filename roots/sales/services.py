"""Writes of the sales pipeline: leads, opportunities, activities and the potential-customer
worksheet. Each public function is one business action in one transaction; views and the
API call these and never save models themselves.

Opportunities move through seed 002's six steps in any order (forward or back) and end won
or lost (with a reason). Won and lost are final: moving a closed opportunity is a conflict
(409) until `opportunity_reopen` brings it back to negotiation or maintenance.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError
from roots.core.services import (
    apply_and_validate,
    lock_for_update,
    record_history_user,
    sequence_next,
)
from roots.customers.models import Customer, CustomerStatus, Priority
from roots.org.models import Role
from roots.sales import policies
from roots.sales.models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    Activity,
    ActivityStatus,
    Lead,
    LeadStatus,
    LostReason,
    Opportunity,
    PotentialAssessment,
    Stage,
)

if TYPE_CHECKING:
    from roots.org.models import Branch, User

LEAD_PREFIX = "L"
OPPORTUNITY_PREFIX = "OP"
CODE_WIDTH = 6

# --- the priority matrix (docs/sales.md) ------------------------------------------------------
# The seven criteria of the worksheet, each scored 1 (poor) to 5 (excellent).
SCORE_FIELDS = (
    "growth",
    "business_plan",
    "revenue_potential",
    "opportunities",
    "solution_fit",
    "competitiveness",
    "relationship",
)
SCORE_MAX_TOTAL = 5 * len(SCORE_FIELDS)  # 35
# Potential is high from this score (0–100) up: on average 3 of 5 on every criterion.
POTENTIAL_HIGH_SCORE = 60
# The current revenue is high when the customer already brings this share of its potential.
CURRENT_HIGH_SHARE = Decimal("0.5")
# The current revenue is what we invoiced the customer over this many days up to today.
CURRENT_REVENUE_DAYS = 365

OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED)
REOPEN_STAGES = (Stage.NEGOTIATION, Stage.MAINTENANCE)
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
OPPORTUNITY_FIELDS = ("name", "expected_value", "probability", "close_date", "next_step", "notes")
ACTIVITY_FIELDS = ("kind", "subject", "planned_at", "notes", "contact")
# A visit logged as done may be stamped a few minutes ahead (a clock that runs fast).
LOG_FUTURE_TOLERANCE = timedelta(minutes=5)


# --- helpers -----------------------------------------------------------------------------------
def _next_code(*, prefix: str, model: type[Lead] | type[Opportunity]) -> str:
    """The next free code `<prefix><6 digits>`; the counter starts past the highest code of
    that shape loaded in bulk (demo data, imports) and skips any code already taken."""
    codes = model.objects.all_unscoped()
    highest = (
        codes.filter(code__regex=rf"^{prefix}[0-9]{{{CODE_WIDTH}}}$")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    floor = int(highest[len(prefix) :]) if highest else 0
    while True:
        number = sequence_next(name=model.__name__.lower(), floor=floor)
        code = f"{prefix}{number:0{CODE_WIDTH}d}"
        if not codes.filter(code=code).exists():
            return code


def _require_pipeline(user: User) -> None:
    if not policies.works_pipeline(user):
        raise PermissionDenied(_("The sales pipeline is not part of your work."))


def _require_manager(user: User, record: Any) -> None:
    if not policies.can_manage(user, record):
        raise PermissionDenied(
            _("Only its owner, the branch manager or headquarters may change this record.")
        )


def _text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("At most %(n)d characters.") % {"n": max_length}]})
    return text


def _resolve_owner(*, user: User, branch: Branch, owner: Any, default: Any = None) -> User:
    """The owner of a new record of `branch`: account managers own what they create; branch
    managers and headquarters name an owner (by default `default`, else a branch manager
    keeps it), who must be an account manager or the branch manager of that branch."""
    if user.role == Role.ACCOUNT_MANAGER:
        if owner is not None and owner.pk != user.pk:
            raise ValidationError({"owner": [_("Account managers own what they create.")]})
        owner = user
    elif owner is None:
        if policies.is_valid_owner(default, branch):
            owner = default
        elif policies.is_valid_owner(user, branch):
            owner = user
        else:
            raise ValidationError({"owner": [_("Choose the owner.")]})
    if not policies.is_valid_owner(owner, branch):
        raise ValidationError(
            {"owner": [_("Choose an account manager or the branch manager of the branch.")]}
        )
    return owner


def _check_new_owner(*, user: User, record: Any, owner: Any, branch: Branch) -> None:
    """A change of owner: only branch managers and headquarters hand records over."""
    if owner is None or owner.pk == record.owner_id:
        return
    if not policies.can_assign(user, record):
        raise PermissionDenied(_("Only the branch manager or headquarters hand records over."))
    if not policies.is_valid_owner(owner, branch):
        raise ValidationError(
            {"owner": [_("Choose an account manager or the branch manager of the branch.")]}
        )


def _same(value: Any, current_pk: int | None) -> bool:
    return (value.pk if value is not None else None) == current_pk


def _save_state(record: Any, *, user: User, fields: list[str]) -> None:
    """Save a state change (not a form edit): a new version and a history entry."""
    record_history_user(record, user)
    record.version += 1
    record.save(update_fields=[*fields, "version", "updated_at"])


def _sync(target: Any, source: Any) -> None:
    """Copy a re-read (locked) record's state back into the caller's instance."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _create(record: Any, *, user: User, prefix: str) -> Any:
    """Validate a new lead or opportunity, then give it its code: the counter moves only
    for a valid record (and rolls back with a failed one)."""
    record.full_clean(exclude=["code"])
    record.code = _next_code(prefix=prefix, model=type(record))
    record.refresh_search_text()
    record_history_user(record, user)
    record.save()
    return record


# --- leads -------------------------------------------------------------------------------------
@transaction.atomic
def lead_create(*, user: User, data: Mapping[str, Any]) -> Lead:
    """Record a company that might become a customer (step one, 寻找客户). Account managers
    own their leads in their branch; branch managers create in their branch for themselves
    or one of its account managers; headquarters name the owner (and so the branch)."""
    _require_pipeline(user)
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
    owner = _resolve_owner(user=user, branch=branch, owner=owner)
    lead = Lead(branch=branch, owner=owner, status=LeadStatus.NEW, **values)
    return _create(lead, user=user, prefix=LEAD_PREFIX)


@transaction.atomic
def lead_update(
    *, user: User, lead: Lead, data: Mapping[str, Any], expected_version: int | None = None
) -> Lead:
    """Change a lead's details; branch managers and headquarters may hand it to another
    owner (headquarters also to another branch). A converted lead is closed (409)."""
    locked = lock_for_update(instance=lead, expected_version=expected_version)
    _require_manager(user, locked)
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
    owner = data.get("owner")
    if owner is not None:
        _check_new_owner(user=user, record=locked, owner=owner, branch=branch)
        values["owner"] = owner
    apply_and_validate(instance=locked, data=values, user=user)
    _sync(lead, locked)
    return lead


def _lead_step(
    *, user: User, lead: Lead, expected_version: int | None, allowed: tuple[str, ...]
) -> Lead:
    locked = lock_for_update(instance=lead, expected_version=expected_version)
    _require_manager(user, locked)
    if locked.status not in allowed:
        raise ConflictError(
            _("Not possible for a lead that is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def lead_qualify(*, user: User, lead: Lead, expected_version: int | None = None) -> Lead:
    """The lead is a real prospect (budget, need, a person to talk to): new or working →
    qualified."""
    locked = _lead_step(
        user=user,
        lead=lead,
        expected_version=expected_version,
        allowed=(LeadStatus.NEW, LeadStatus.WORKING),
    )
    locked.status = LeadStatus.QUALIFIED
    _save_state(locked, user=user, fields=["status"])
    _sync(lead, locked)
    return lead


@transaction.atomic
def lead_disqualify(
    *, user: User, lead: Lead, reason: str, expected_version: int | None = None
) -> Lead:
    """Drop a lead that will not become a customer, saying why (400 without a reason)."""
    _require_manager(user, lead)
    text = _text(reason, "reason", max_length=300, required=True)
    locked = _lead_step(
        user=user, lead=lead, expected_version=expected_version, allowed=OPEN_LEAD_STATUSES
    )
    locked.status = LeadStatus.DISQUALIFIED
    locked.disqualified_reason = text
    _save_state(locked, user=user, fields=["status", "disqualified_reason"])
    _sync(lead, locked)
    return lead


@transaction.atomic
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
    from roots.customers import services as customer_services

    locked = _lead_step(
        user=user, lead=lead, expected_version=expected_version, allowed=OPEN_LEAD_STATUSES
    )
    if customer is not None:
        if customer.branch_id != locked.branch_id:
            raise ValidationError({"customer": [_("Choose a customer of the lead's branch.")]})
        if not policies.can_sell_to(user, customer):
            raise PermissionDenied(_("You may not sell to this customer."))
    else:
        kind = channel_type or locked.channel_type
        if not kind:
            raise ValidationError({"channel_type": [_("Choose the new customer's channel type.")]})
        owner = locked.owner
        customer = customer_services.customer_create(
            user=user,
            data={
                "name": locked.company_name,
                "channel_type": kind,
                "branch": locked.branch,
                "account_manager": owner if owner.role == Role.ACCOUNT_MANAGER else None,
                "status": CustomerStatus.PROSPECT,
                "phone": locked.phone,
                "email": locked.email,
                "address": " ".join(
                    p for p in (locked.province.name if locked.province else "", locked.city) if p
                ),
                "notes": locked.notes,
            },
        )
        if locked.contact_name:
            customer_services.contact_create(
                user=user,
                data={
                    "customer": customer,
                    "name": locked.contact_name,
                    "phone": locked.phone,
                    "email": locked.email,
                    "is_primary": True,
                },
            )
    locked.status = LeadStatus.CONVERTED
    locked.customer = customer
    _save_state(locked, user=user, fields=["status", "customer"])
    for opp in Opportunity.objects.all_unscoped().filter(lead=locked, customer__isnull=True):
        opp.customer = customer
        _save_state(opp, user=user, fields=["customer"])
    for activity in Activity.objects.all_unscoped().filter(lead=locked, customer__isnull=True):
        activity.customer = customer
        _save_state(activity, user=user, fields=["customer"])
    if opportunity:
        opportunity_create(
            user=user,
            data={**opportunity, "customer": customer, "lead": locked, "owner": locked.owner},
        )
    _sync(lead, locked)
    return lead


# --- opportunities -------------------------------------------------------------------------------
@transaction.atomic
def opportunity_create(*, user: User, data: Mapping[str, Any]) -> Opportunity:
    """Open an opportunity with a customer (its account manager, the branch manager,
    headquarters) or with a lead (its owner, the branch manager, headquarters). It starts
    at an open stage (prospecting unless said) in the branch of its customer or lead."""
    _require_pipeline(user)
    customer: Customer | None = data.get("customer")
    lead: Lead | None = data.get("lead")
    if customer is None and lead is None:
        raise ValidationError({"customer": [_("Name a customer or a lead.")]})
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
    else:
        assert lead is not None  # one of the two is given (checked above)
        _require_manager(user, lead)
        branch = lead.branch
        default_owner = lead.owner
    owner = _resolve_owner(user=user, branch=branch, owner=data.get("owner"), default=default_owner)
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
    return _create(opportunity, user=user, prefix=OPPORTUNITY_PREFIX)


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
    _require_manager(user, locked)
    if locked.stage in CLOSED_STAGES:
        raise ConflictError(_("This opportunity is closed; reopen it to change it."))
    if "stage" in data and data["stage"] != locked.stage:
        raise ValidationError({"stage": [_("Move the opportunity to change its stage.")]})
    if "customer" in data and not _same(data["customer"], locked.customer_id):
        raise ValidationError({"customer": [_("The customer of an opportunity cannot change.")]})
    if "lead" in data and not _same(data["lead"], locked.lead_id):
        raise ValidationError({"lead": [_("The lead of an opportunity cannot change.")]})
    values: dict[str, Any] = {k: data[k] for k in OPPORTUNITY_FIELDS if k in data}
    owner = data.get("owner")
    if owner is not None:
        _check_new_owner(user=user, record=locked, owner=owner, branch=locked.branch)
        values["owner"] = owner
    apply_and_validate(instance=locked, data=values, user=user)
    _sync(opportunity, locked)
    return opportunity


@transaction.atomic
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
    if stage not in Stage.values:
        raise ValidationError({"stage": [_("Choose a valid stage.")]})
    reason = ""
    note = ""
    if stage == Stage.LOST:
        reason = str(lost_reason or "")
        if not reason:
            raise ValidationError({"lost_reason": [_("Say why the opportunity was lost.")]})
        if reason not in LostReason.values:
            raise ValidationError({"lost_reason": [_("Choose a valid reason.")]})
        note = _text(lost_note, "lost_note", max_length=500)
    locked = lock_for_update(instance=opportunity, expected_version=version)
    _require_manager(user, locked)
    if locked.stage in CLOSED_STAGES:
        raise ConflictError(
            _("This opportunity is %(stage)s; reopen it before moving it.")
            % {"stage": locked.get_stage_display()}
        )
    if stage == locked.stage:
        _sync(opportunity, locked)
        return opportunity
    now = timezone.now()
    locked.stage = stage
    locked.stage_changed_at = now
    locked.probability = None
    locked.lost_reason = reason
    locked.lost_note = note
    fields = ["stage", "stage_changed_at", "probability", "lost_reason", "lost_note"]
    if stage in CLOSED_STAGES:
        locked.closed_at = now
        locked.close_date = timezone.localdate(now)
        fields += ["closed_at", "close_date"]
    _save_state(locked, user=user, fields=fields)
    _sync(opportunity, locked)
    return opportunity


@transaction.atomic
def opportunity_reopen(
    *,
    user: User,
    opportunity: Opportunity,
    stage: str = Stage.NEGOTIATION,
    expected_version: int | None = None,
) -> Opportunity:
    """Bring a won or lost opportunity back to negotiation (a deal that fell through or
    came back) or maintenance (a won customer to keep). Open ones: 409."""
    if stage not in REOPEN_STAGES:
        raise ValidationError({"stage": [_("Reopen to negotiation or maintenance.")]})
    locked = lock_for_update(instance=opportunity, expected_version=expected_version)
    _require_manager(user, locked)
    if locked.stage not in CLOSED_STAGES:
        raise ConflictError(_("Only a won or lost opportunity can be reopened."))
    locked.stage = stage
    locked.stage_changed_at = timezone.now()
    locked.closed_at = None
    locked.lost_reason = ""
    locked.lost_note = ""
    locked.probability = None
    _save_state(
        locked,
        user=user,
        fields=[
            "stage",
            "stage_changed_at",
            "closed_at",
            "lost_reason",
            "lost_note",
            "probability",
        ],
    )
    _sync(opportunity, locked)
    return opportunity


# --- activities ----------------------------------------------------------------------------------
def _activity_new(*, user: User, data: Mapping[str, Any], status: str) -> Activity:
    _require_pipeline(user)
    opportunity: Opportunity | None = data.get("opportunity")
    customer: Customer | None = data.get("customer")
    lead: Lead | None = data.get("lead")
    natural_owner = None
    if opportunity is not None:
        if customer is not None and not _same(customer, opportunity.customer_id):
            raise ValidationError({"customer": [_("The opportunity is with another customer.")]})
        if lead is not None and not _same(lead, opportunity.lead_id):
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
    owner = _resolve_owner(user=user, branch=branch, owner=data.get("owner"), default=default)
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
    outcome = _text(data.get("outcome"), "outcome", max_length=2000, required=True)
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
    _lead_working(activity, user=user)
    return activity


def _lead_working(activity: Activity, *, user: User) -> None:
    """A new lead that somebody talked to is being worked."""
    if activity.lead_id is None:
        return
    lead = Lead.objects.all_unscoped().select_for_update().get(pk=activity.lead_id)
    if lead.status == LeadStatus.NEW:
        lead.status = LeadStatus.WORKING
        _save_state(lead, user=user, fields=["status"])


@transaction.atomic
def activity_update(
    *, user: User, activity: Activity, data: Mapping[str, Any], expected_version: int | None = None
) -> Activity:
    """Change an activity's kind, subject, time, contact, notes (and the outcome of a done
    one); branch managers and headquarters hand it to another owner. What it is about (the
    customer, lead, opportunity) does not change; a cancelled activity is closed (409)."""
    locked = lock_for_update(instance=activity, expected_version=expected_version)
    _require_manager(user, locked)
    if locked.status == ActivityStatus.CANCELLED:
        raise ConflictError(_("This activity was cancelled."))
    for name in ("customer", "lead", "opportunity"):
        if name in data and not _same(data[name], getattr(locked, f"{name}_id")):
            raise ValidationError({name: [_("What an activity is about cannot change.")]})
    values: dict[str, Any] = {k: data[k] for k in ACTIVITY_FIELDS if k in data}
    contact = values.get("contact")
    if contact is not None and contact.customer_id != locked.customer_id:
        raise ValidationError({"contact": [_("Choose a contact of the customer.")]})
    if "outcome" in data:
        outcome = _text(data["outcome"], "outcome", max_length=2000)
        if outcome and locked.status != ActivityStatus.DONE:
            raise ValidationError({"outcome": [_("Complete the activity to record its outcome.")]})
        if locked.status == ActivityStatus.DONE:
            if not outcome:
                raise ValidationError({"outcome": [_("This field is required.")]})
            values["outcome"] = outcome
    owner = data.get("owner")
    if owner is not None:
        _check_new_owner(user=user, record=locked, owner=owner, branch=locked.branch)
        values["owner"] = owner
    apply_and_validate(instance=locked, data=values, user=user)
    _sync(activity, locked)
    return activity


@transaction.atomic
def activity_complete(
    *, user: User, activity: Activity, outcome: str, expected_version: int | None = None
) -> Activity:
    """A planned activity took place: done now, with its outcome (required). A new lead it
    was about is now being worked."""
    text = _text(outcome, "outcome", max_length=2000, required=True)
    locked = lock_for_update(instance=activity, expected_version=expected_version)
    _require_manager(user, locked)
    if locked.status != ActivityStatus.PLANNED:
        raise ConflictError(
            _("Only a planned activity can be completed (this one is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    locked.status = ActivityStatus.DONE
    locked.done_at = timezone.now()
    locked.outcome = text
    _save_state(locked, user=user, fields=["status", "done_at", "outcome"])
    _lead_working(locked, user=user)
    _sync(activity, locked)
    return activity


@transaction.atomic
def activity_cancel(
    *, user: User, activity: Activity, expected_version: int | None = None
) -> Activity:
    """A planned activity will not take place."""
    locked = lock_for_update(instance=activity, expected_version=expected_version)
    _require_manager(user, locked)
    if locked.status != ActivityStatus.PLANNED:
        raise ConflictError(
            _("Only a planned activity can be cancelled (this one is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    locked.status = ActivityStatus.CANCELLED
    _save_state(locked, user=user, fields=["status"])
    _sync(activity, locked)
    return activity


# --- the potential-customer worksheet ------------------------------------------------------------
def assessment_score(scores: Mapping[str, int]) -> int:
    """The worksheet's score, 0–100: the seven 1–5 scores' sum over 35, rounded half up."""
    total = sum(int(scores[name]) for name in SCORE_FIELDS)
    return int((Decimal(total) * 100 / SCORE_MAX_TOTAL).quantize(Decimal(1), ROUND_HALF_UP))


def assessment_priority(*, score: int, current_revenue: Decimal, potential_revenue: Decimal) -> str:
    """The A+/A/B/C matrix: potential high (score ≥ 60) × current high (the customer brings
    at least half of its potential revenue already).

    A+ high potential, high current: a key account to defend and grow;
    A  high potential, low current: the most upside, grow it;
    B  low potential, high current: maintain;
    C  low potential, low current: serve at low cost."""
    potential_high = score >= POTENTIAL_HIGH_SCORE
    current_high = Decimal(current_revenue) >= Decimal(potential_revenue) * CURRENT_HIGH_SHARE
    if potential_high:
        return Priority.A_PLUS if current_high else Priority.A
    return Priority.B if current_high else Priority.C


@transaction.atomic
def assessment_create(
    *,
    user: User,
    customer: Customer,
    growth: int,
    business_plan: int,
    revenue_potential: int,
    opportunities: int,
    solution_fit: int,
    competitiveness: int,
    relationship: int,
    potential_revenue: Decimal,
    notes: str = "",
) -> PotentialAssessment:
    """Fill in the potential-customer worksheet (潜在客户评估) for a customer: the score of
    the seven criteria, the revenue the customer brings now (invoiced over the last 365
    days), the priority from the matrix; the customer's priority becomes the new one (a
    change in its history). Its account manager, the branch manager, headquarters."""
    from roots.customers import services as customer_services
    from roots.sales.selectors import customer_current_revenue

    if not policies.can_sell_to(user, customer):
        raise PermissionDenied(_("You may not assess this customer."))
    scores = {
        "growth": growth,
        "business_plan": business_plan,
        "revenue_potential": revenue_potential,
        "opportunities": opportunities,
        "solution_fit": solution_fit,
        "competitiveness": competitiveness,
        "relationship": relationship,
    }
    errors = {
        name: [_("Score from 1 to 5.")]
        for name, value in scores.items()
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5
    }
    if errors:
        raise ValidationError(errors)
    assessment = PotentialAssessment(
        customer=customer,
        potential_revenue=potential_revenue,
        notes=_text(notes, "notes", max_length=2000),
        assessed_by=user,
        **scores,
    )
    assessment.full_clean(exclude=["priority"])
    assessment.score = assessment_score(scores)
    assessment.current_revenue = customer_current_revenue(user=user, customer=customer)
    assessment.priority = assessment_priority(
        score=assessment.score,
        current_revenue=assessment.current_revenue,
        potential_revenue=assessment.potential_revenue,
    )
    assessment.save()
    if customer.priority != assessment.priority:
        customer_services.customer_update(
            user=user, customer=customer, data={"priority": assessment.priority}
        )
        customer.priority = assessment.priority
    return assessment
