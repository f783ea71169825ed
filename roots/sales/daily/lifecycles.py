"""The life of a daily board item (日清), declared once (`roots.core.lifecycle`).

open → done, or open → carried over to tomorrow with a reason; a done or carried item of
today may be reopened, unless the morning build copied it into a later day already. Only
the item's own user takes these steps (a manager reading a team member's board: 403), and
only on the item's own day (a past day's list is closed: 409). The day's end
(`services.daily_boards_close`) carries whatever is still open over in bulk, outside these
steps.

The services take an item their caller has looked up already (the API and the pages through
`visible_to`), so another user's item is 403 whether or not one sees it: `scope` is every
item.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from roots.core.exceptions import ConflictError
from roots.core.lifecycle import INVALID_TRANSITION, Lifecycle, Refusal, Step, StepContext
from roots.core.text import clean_text
from roots.org.models import User
from roots.sales.daily.selectors import board_today, has_board
from roots.sales.models import DailyItem, DailyItemStatus

REASON_MAX = 300
OWNER_ONLY = gettext_lazy("Only the owner of a daily board changes its items.")


class CarrySerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX, help_text="Why the item is not cleared today."
    )


def _own(user: User, item: DailyItem, step: Step) -> Refusal:
    """Only the item's own user, who keeps a board."""
    if item.user_id != user.pk or not has_board(user):
        return PermissionDenied(str(OWNER_ONLY))
    return None


def _when(user: User, item: DailyItem, step: Step) -> Refusal:
    """Only on the item's own day, and only from the step's states."""
    if item.day < board_today():
        return ConflictError(_("This day is over; its list can no longer be changed."))
    if item.status in step.sources:
        return None
    carried = item.status == DailyItemStatus.CARRIED
    if step.name == "done":
        message = (
            _("Only an open item can be marked done; reopen it first.")
            if carried
            else _("This item is done already.")
        )
    elif step.name == "carry":
        message = (
            _("This item is carried over already.")
            if carried
            else _("This item is done; reopen it first.")
        )
    else:
        message = _("This item is open already.")
    return ConflictError(message, code=INVALID_TRANSITION)


def _not_copied(user: User, item: DailyItem) -> Refusal:
    """A carried item the morning build copied into a later day stays closed. Items read
    through `selectors.daily_item_list` know it already (`copied`)."""
    copied = getattr(item, "copied", None)
    if copied is None:
        copied = DailyItem.objects.all_unscoped().filter(carried_from=item).exists()
    if copied:
        return ConflictError(_("This item was already carried into another day."))
    return None


def _clean_reason(data: dict[str, Any]) -> dict[str, Any]:
    reason = data.get("reason")
    return {"reason": clean_text(reason, field="reason", max_length=REASON_MAX, required=True)}


def _carried(context: StepContext[DailyItem]) -> None:
    context.obj.carry_reason = context.data["reason"]
    context.obj.carry_reason_text = {}


def _reopened(context: StepContext[DailyItem]) -> None:
    context.obj.carry_reason = ""
    context.obj.carry_reason_text = {}
    context.obj.closed_at = None


OWNER = "the item's own user, on its day"

DAILY_ITEM = Lifecycle(
    name="daily_item",
    model=DailyItem,
    states=DailyItemStatus,
    initial=DailyItemStatus.OPEN,
    may=_own,
    state_refusal=_when,
    scope=lambda user: DailyItem.objects.all_unscoped(),
    describe=lambda item: item.get_title_display(),
    api_basename="daily-item",
    page_url=lambda item: reverse("daily-board"),
    steps=[
        Step(
            "done",
            (DailyItemStatus.OPEN,),
            DailyItemStatus.DONE,
            label=gettext_lazy("Done"),
            stamp="closed_at",
            icon="ti-check",
            css="btn-success",
            who=OWNER,
            description="Mark an open item of today done.",
        ),
        Step(
            "carry",
            (DailyItemStatus.OPEN,),
            DailyItemStatus.CARRIED,
            label=gettext_lazy("Carry over"),
            stamp="closed_at",
            clean=_clean_reason,
            effect=_carried,
            input=CarrySerializer,
            needs_form=True,
            who=OWNER,
            description="Carry an open item of today over to tomorrow; `reason` is required (400).",
        ),
        Step(
            "reopen",
            (DailyItemStatus.DONE, DailyItemStatus.CARRIED),
            DailyItemStatus.OPEN,
            label=gettext_lazy("Reopen"),
            guard=_not_copied,
            effect=_reopened,
            icon="ti-arrow-back-up",
            who=OWNER,
            description="Open a done or carried item of today again.",
        ),
    ],
)
