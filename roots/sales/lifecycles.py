"""The life-cycles of the sales pipeline, declared once (`roots.core.lifecycle`).

* lead: new → (working, once an activity with it is logged) → qualified; while open it is
  disqualified (with a reason) or converted: `convert` links a customer of the lead's branch
  or creates one (a prospect with the lead's contact), hands it the lead's opportunities and
  activities, and may open an opportunity (a `handler`, the escape hatch).
* opportunity: `move` takes an open opportunity to any open stage (forward or back), to won,
  or to lost with a reason; won and lost are final until `reopen` brings it back to
  negotiation or maintenance. Both targets come from the input, so both steps are handlers.
* activity: planned → done (`complete`, with its outcome) or cancelled.

Who: the record's owner (an account manager), the branch manager of its branch,
headquarters (`policies.can_manage`); anyone else 403. The services take a record their
caller has looked up already (pages and the API through `visible_to`: 404 outside the
scope), so a step on a record one may not change is 403 whether or not one sees it: the
declarations' `scope` is every record.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from roots.core.api import BusinessDateField, ScopedSlugRelatedField
from roots.core.exceptions import ConflictError
from roots.core.lifecycle import INVALID_TRANSITION, Lifecycle, Refusal, Step, StepContext
from roots.core.services import record_history_user
from roots.core.text import clean_text
from roots.customers.models import ChannelType, Customer, CustomerStatus
from roots.org.models import Role
from roots.sales import policies
from roots.sales.models import (
    CLOSED_STAGES,
    OPEN_LEAD_STATUSES,
    OPEN_STAGES,
    REOPEN_STAGES,
    Activity,
    ActivityStatus,
    Lead,
    LeadStatus,
    LostReason,
    Opportunity,
    Stage,
)

if TYPE_CHECKING:
    from roots.org.models import User

LEAD_REASON_MAX = 300
LOST_NOTE_MAX = 500
OUTCOME_MAX = 2000


# --- shared ----------------------------------------------------------------------------------
def save_state(record: Any, *, user: User, fields: list[str]) -> None:
    """Save a state change (not a form edit): a new version and a history entry."""
    record_history_user(record, user)
    record.version += 1
    record.save(update_fields=[*fields, "version", "updated_at"])


def _may_change(user: User, record: Any, step: Step) -> Refusal:
    if policies.can_manage(user, record):
        return None
    return PermissionDenied(
        _("Only its owner, the branch manager or headquarters may change this record.")
    )


def mark_lead_working(*, lead_id: int | None, user: User) -> None:
    """A new lead that somebody talked to is being worked (a logged or completed activity
    about it moves it from new to working)."""
    if lead_id is None:
        return
    lead = Lead.objects.all_unscoped().select_for_update().get(pk=lead_id)
    if lead.status == LeadStatus.NEW:
        lead.status = LeadStatus.WORKING
        save_state(lead, user=user, fields=["status"])


# --- leads -----------------------------------------------------------------------------------
class LeadDisqualifySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=LEAD_REASON_MAX)


class ConvertOpportunitySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    expected_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), max_value=Decimal(10**11)
    )
    close_date = BusinessDateField()


class LeadConvertSerializer(serializers.Serializer):
    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        help_text="An existing customer of the lead's branch; leave out to create one.",
    )
    channel_type = serializers.ChoiceField(
        choices=ChannelType.choices,
        required=False,
        allow_blank=True,
        help_text="The new customer's channel type (the lead's when left out).",
    )
    opportunity = ConvertOpportunitySerializer(
        required=False, allow_null=True, help_text="An opportunity to open for the customer."
    )


def _lead_when(user: User, lead: Lead, step: Step) -> Refusal:
    if lead.status in step.sources:
        return None
    return ConflictError(
        _("Not possible for a lead that is %(status)s.") % {"status": lead.get_status_display()},
        code=INVALID_TRANSITION,
    )


def _clean_disqualify(data: dict[str, Any]) -> dict[str, Any]:
    reason = data.get("reason")
    return {"reason": clean_text(reason, field="reason", max_length=LEAD_REASON_MAX, required=True)}


def _disqualified(context: StepContext[Lead]) -> None:
    context.obj.disqualified_reason = context.data["reason"]


def _clean_convert(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "customer": data.get("customer"),
        "channel_type": data.get("channel_type") or "",
        "opportunity": data.get("opportunity") or None,
    }


def _new_customer(lead: Lead, *, user: User, channel_type: str) -> Customer:
    """The lead as a prospect in the customer master, with its contact as the primary one."""
    from roots.customers import services as customer_services

    kind = channel_type or lead.channel_type
    if not kind:
        raise ValidationError({"channel_type": [_("Choose the new customer's channel type.")]})
    owner = lead.owner
    customer = customer_services.customer_create(
        user=user,
        data={
            "name": lead.company_name,
            "channel_type": kind,
            "branch": lead.branch,
            "account_manager": owner if owner.role == Role.ACCOUNT_MANAGER else None,
            "status": CustomerStatus.PROSPECT,
            "phone": lead.phone,
            "email": lead.email,
            "address": " ".join(
                p for p in (lead.province.name if lead.province else "", lead.city) if p
            ),
            "notes": lead.notes,
        },
    )
    if lead.contact_name:
        customer_services.contact_create(
            user=user,
            data={
                "customer": customer,
                "name": lead.contact_name,
                "phone": lead.phone,
                "email": lead.email,
                "is_primary": True,
            },
        )
    return customer


def _convert(context: StepContext[Lead]) -> Lead:
    """Link or create the customer; the lead's opportunities and activities follow it; an
    opportunity is opened if asked; the lead is converted (closed)."""
    # Imported here: the services take their steps through these declarations.
    from roots.sales.services.opportunities import opportunity_create

    lead, user, data = context.obj, context.user, context.data
    customer: Customer | None = data["customer"]
    if customer is not None:
        if customer.branch_id != lead.branch_id:
            raise ValidationError({"customer": [_("Choose a customer of the lead's branch.")]})
        if not policies.can_sell_to(user, customer):
            raise PermissionDenied(_("You may not sell to this customer."))
    else:
        customer = _new_customer(lead, user=user, channel_type=data["channel_type"])
    lead.status = LeadStatus.CONVERTED
    lead.customer = customer
    save_state(lead, user=user, fields=["status", "customer"])
    for opp in Opportunity.objects.all_unscoped().filter(lead=lead, customer__isnull=True):
        opp.customer = customer
        save_state(opp, user=user, fields=["customer"])
    for activity in Activity.objects.all_unscoped().filter(lead=lead, customer__isnull=True):
        activity.customer = customer
        save_state(activity, user=user, fields=["customer"])
    if data["opportunity"]:
        opportunity_create(
            user=user,
            data={**data["opportunity"], "customer": customer, "lead": lead, "owner": lead.owner},
        )
    return lead


LEAD = Lifecycle(
    name="lead",
    model=Lead,
    states=LeadStatus,
    initial=LeadStatus.NEW,
    may=_may_change,
    state_refusal=_lead_when,
    scope=lambda user: Lead.objects.all_unscoped(),
    api_basename="lead",
    page_url=lambda lead: reverse("lead-detail", args=[lead.code]),
    steps=[
        Step(
            "qualify",
            (LeadStatus.NEW, LeadStatus.WORKING),
            LeadStatus.QUALIFIED,
            label=gettext_lazy("Qualify"),
            icon="ti-check",
            who="owner, branch_manager of its branch, hq_admin",
            description="New or working → qualified (409 otherwise).",
        ),
        Step(
            "disqualify",
            OPEN_LEAD_STATUSES,
            LeadStatus.DISQUALIFIED,
            label=gettext_lazy("Disqualify"),
            clean=_clean_disqualify,
            effect=_disqualified,
            input=LeadDisqualifySerializer,
            needs_form=True,
            css="btn-outline-danger",
            who="owner, branch_manager of its branch, hq_admin",
            description="Drop an open lead with a reason (409 once converted or dropped).",
        ),
        Step(
            "convert",
            OPEN_LEAD_STATUSES,
            LeadStatus.CONVERTED,
            label=gettext_lazy("Convert to customer"),
            clean=_clean_convert,
            handler=_convert,
            input=LeadConvertSerializer,
            needs_form=True,
            who="owner, branch_manager of its branch, hq_admin",
            description="Convert an open lead: link `customer`, or create a customer (a prospect, "
            "with the\nlead's contact); optionally open an opportunity. The answer's `customer` "
            "is the\ncustomer's code.",
        ),
    ],
)


# --- opportunities ---------------------------------------------------------------------------
class OpportunityMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    lost_reason = serializers.ChoiceField(
        choices=LostReason.choices,
        required=False,
        allow_blank=True,
        help_text="Required when the stage is lost.",
    )
    lost_note = serializers.CharField(max_length=LOST_NOTE_MAX, required=False, allow_blank=True)


class OpportunityReopenSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=Stage.choices,
        required=False,
        help_text="negotiation (default) or maintenance; other stages answer 400.",
    )


def _opportunity_when(user: User, opportunity: Opportunity, step: Step) -> Refusal:
    if opportunity.stage in step.sources:
        return None
    if step.name == "move":
        return ConflictError(
            _("This opportunity is %(stage)s; reopen it before moving it.")
            % {"stage": opportunity.get_stage_display()},
            code=INVALID_TRANSITION,
        )
    return ConflictError(
        _("Only a won or lost opportunity can be reopened."), code=INVALID_TRANSITION
    )


def _clean_move(data: dict[str, Any]) -> dict[str, Any]:
    stage = str(data.get("stage") or "")
    if stage not in Stage.values:
        raise ValidationError({"stage": [_("Choose a valid stage.")]})
    reason = note = ""
    if stage == Stage.LOST:
        reason = str(data.get("lost_reason") or "")
        if not reason:
            raise ValidationError({"lost_reason": [_("Say why the opportunity was lost.")]})
        if reason not in LostReason.values:
            raise ValidationError({"lost_reason": [_("Choose a valid reason.")]})
        note = clean_text(data.get("lost_note"), field="lost_note", max_length=LOST_NOTE_MAX)
    return {"stage": stage, "lost_reason": reason, "lost_note": note}


def _move(context: StepContext[Opportunity]) -> Opportunity:
    """To the stage asked (the same stage: nothing changes). The move stamps
    `stage_changed_at` and drops a probability set by hand; closing stamps `closed_at` and
    makes the close date the day it closed."""
    opportunity, stage = context.obj, context.data["stage"]
    if stage == opportunity.stage:
        return opportunity
    now = timezone.now()
    opportunity.stage = stage
    opportunity.stage_changed_at = now
    opportunity.probability = None
    opportunity.lost_reason = context.data["lost_reason"]
    opportunity.lost_note = context.data["lost_note"]
    fields = ["stage", "stage_changed_at", "probability", "lost_reason", "lost_note"]
    if stage in CLOSED_STAGES:
        opportunity.closed_at = now
        opportunity.close_date = timezone.localdate(now)
        fields += ["closed_at", "close_date"]
    save_state(opportunity, user=context.user, fields=fields)
    return opportunity


def _clean_reopen(data: dict[str, Any]) -> dict[str, Any]:
    stage = data.get("stage") or Stage.NEGOTIATION
    if stage not in REOPEN_STAGES:
        raise ValidationError({"stage": [_("Reopen to negotiation or maintenance.")]})
    return {"stage": stage}


def _reopen(context: StepContext[Opportunity]) -> Opportunity:
    opportunity = context.obj
    opportunity.stage = context.data["stage"]
    opportunity.stage_changed_at = timezone.now()
    opportunity.closed_at = None
    opportunity.lost_reason = ""
    opportunity.lost_note = ""
    opportunity.probability = None
    fields = ["stage", "stage_changed_at", "closed_at", "lost_reason", "lost_note", "probability"]
    save_state(opportunity, user=context.user, fields=fields)
    return opportunity


OPPORTUNITY = Lifecycle(
    name="opportunity",
    model=Opportunity,
    states=Stage,
    field="stage",
    initial=Stage.PROSPECTING,
    may=_may_change,
    state_refusal=_opportunity_when,
    scope=lambda user: Opportunity.objects.all_unscoped(),
    api_basename="opportunity",
    page_url=lambda opportunity: reverse("opportunity-detail", args=[opportunity.code]),
    steps=[
        Step(
            "move",
            OPEN_STAGES,
            None,
            label=gettext_lazy("Move"),
            clean=_clean_move,
            handler=_move,
            input=OpportunityMoveSerializer,
            needs_form=True,
            who="owner, branch_manager of its branch, hq_admin; to any open stage, won, or "
            "lost with a reason",
            description="Move to any open stage, to won, or to lost (`lost_reason` required). "
            "A won or\nlost opportunity answers 409 (reopen it first); a stale If-Match 412.",
        ),
        Step(
            "reopen",
            CLOSED_STAGES,
            None,
            label=gettext_lazy("Reopen"),
            clean=_clean_reopen,
            handler=_reopen,
            input=OpportunityReopenSerializer,
            needs_form=True,
            who="owner, branch_manager of its branch, hq_admin; to negotiation or maintenance",
            description="Bring a won or lost opportunity back to negotiation or maintenance "
            "(409 when\nit is open).",
        ),
    ],
)


# --- activities ------------------------------------------------------------------------------
class ActivityCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=OUTCOME_MAX)


def _activity_when(user: User, activity: Activity, step: Step) -> Refusal:
    if activity.status in step.sources:
        return None
    status = {"status": activity.get_status_display()}
    if step.name == "complete":
        message = _("Only a planned activity can be completed (this one is %(status)s).")
    else:
        message = _("Only a planned activity can be cancelled (this one is %(status)s).")
    return ConflictError(message % status, code=INVALID_TRANSITION)


def _clean_outcome(data: dict[str, Any]) -> dict[str, Any]:
    outcome = data.get("outcome")
    return {"outcome": clean_text(outcome, field="outcome", max_length=OUTCOME_MAX, required=True)}


def _record_outcome(context: StepContext[Activity]) -> None:
    context.obj.outcome = context.data["outcome"]


def _lead_worked(context: StepContext[Activity]) -> None:
    mark_lead_working(lead_id=context.obj.lead_id, user=context.user)


ACTIVITY = Lifecycle(
    name="activity",
    model=Activity,
    states=ActivityStatus,
    initial=ActivityStatus.PLANNED,
    may=_may_change,
    state_refusal=_activity_when,
    scope=lambda user: Activity.objects.all_unscoped(),
    api_basename="activity",
    page_url=lambda activity: reverse("activity-detail", args=[activity.pk]),
    steps=[
        Step(
            "complete",
            (ActivityStatus.PLANNED,),
            ActivityStatus.DONE,
            label=gettext_lazy("Mark done"),
            stamp="done_at",
            clean=_clean_outcome,
            effect=_record_outcome,
            after=_lead_worked,
            input=ActivityCompleteSerializer,
            needs_form=True,
            css="btn-success",
            who="owner, branch_manager of its branch, hq_admin",
            description="A planned activity took place: done now with its outcome (409 otherwise).",
        ),
        Step(
            "cancel",
            (ActivityStatus.PLANNED,),
            ActivityStatus.CANCELLED,
            label=gettext_lazy("Cancel activity"),
            icon="ti-calendar-x",
            css="btn-outline-danger",
            who="owner, branch_manager of its branch, hq_admin",
            description="A planned activity will not take place (409 otherwise).",
        ),
    ],
)
