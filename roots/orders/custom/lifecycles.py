"""The life-cycle of a custom (made-to-order) order, declared once (`roots.core.lifecycle`).

    requested -> quoted -> accepted -> in_production -> produced
        |          |  ^        |
        |          +--+ re-quote
        +-> declined (product manager)   quoted -> rejected (customer), expired (sweep)
        requested / quoted / accepted -> cancelled

Who takes which step (docs/custom-orders.md has the whole table; `policies.py` the rules):

* quote, decline, start production, mark produced: product managers and hq;
* accept, reject: the customer's users, or its account manager on the customer's behalf;
* cancel: the customer's users while requested or quoted; its account manager, branch
  manager or hq until production starts (the order made from the quote is cancelled too).

A role that sees the record but never takes the step answers 403; a customer user taking a
producer's step is a participant out of turn (409, code `staff_only`), like every step the
record's state does not allow (409, code `invalid_transition`; an expired quote:
`quote_expired`). Accepting a quote creates the made-to-order `Order`: an irregular step with
its own `handler`. `expire` is the daily sweep's step (`services.expire_quotes`), no
person's: no role takes it, and it has no endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from roots.catalog.models import Category, ProductModel
from roots.core import i18n_text
from roots.core.api import BusinessDateField, ScopedSlugRelatedField
from roots.core.exceptions import ConflictError
from roots.core.lifecycle import (
    INVALID_TRANSITION,
    Lifecycle,
    Refusal,
    Step,
    StepContext,
    standard_state_refusal,
)
from roots.core.services import record_history_user
from roots.core.text import clean_text
from roots.customers.models import CustomerStatus
from roots.orders import texts
from roots.orders.custom.linked_order import cancel_order, make_order
from roots.orders.custom.policies import PRODUCER_ROLES, can_cancel, can_decide
from roots.orders.custom.rules import (
    MAX_LEAD_DAYS,
    MAX_UNIT_PRICE,
    QUOTE_VALID_DAYS,
    customer_not_active,
    day_label,
    decimal_value,
    producers_of,
    quote_total,
    status_label,
    whole_number,
)
from roots.orders.models import CustomOrder, CustomOrderStatus, EventKind, Order, OrderStatus
from roots.orders.services import check_credit
from roots.orders.timeline import record_event
from roots.org.models import Role, User

S = CustomOrderStatus

# States from which each step may be taken.
QUOTABLE = (S.REQUESTED, S.QUOTED)
CUSTOMER_CANCELLABLE = frozenset({S.REQUESTED, S.QUOTED})
STAFF_CANCELLABLE = (S.REQUESTED, S.QUOTED, S.ACCEPTED)
CLOSED = frozenset({S.PRODUCED, S.DECLINED, S.REJECTED, S.EXPIRED, S.CANCELLED})
# The customer's decision on a quote.
DECISIONS = frozenset({"accept", "reject"})


# --- the day a quote's validity is judged on ---------------------------------------------------
_judged_on: ContextVar[date | None] = ContextVar("custom_order_day", default=None)


def quote_day() -> date:
    """Today, unless `judging_on` names another day."""
    return _judged_on.get() or timezone.localdate()


@contextmanager
def judging_on(day: date | None) -> Iterator[None]:
    """Judge the validity of quotes on `day` (None: today) inside the block (which steps
    a quote allows on another day)."""
    token = _judged_on.set(day)
    try:
        yield
    finally:
        _judged_on.reset(token)


# --- who may, and when -------------------------------------------------------------------------
# A customer user taking a producer's step is told who takes it.
OUT_OF_TURN = {
    "quote": gettext_lazy("Only a product manager can quote a custom order."),
    "decline": gettext_lazy("Only a product manager can decline a custom order."),
    "start-production": gettext_lazy("Production is started by a product manager."),
    "produced": gettext_lazy("Production is reported by a product manager."),
}


def _may(user: User, custom_order: CustomOrder, step: Step) -> Refusal:
    """403 for a role that does not take the step, 409 for a customer user taking a
    producer's step."""
    if step.roles is not None:  # the producer's steps
        if user.role in step.roles:
            return None
        if user.role == Role.CUSTOMER_USER and step.name in OUT_OF_TURN:
            return ConflictError(str(OUT_OF_TURN[step.name]), code="staff_only")
        return PermissionDenied(_("Your role does not take this step on custom orders."))
    if step.name in DECISIONS:
        if can_decide(user, custom_order):
            return None
        return PermissionDenied(_("Only the customer, or its account manager, decides on a quote."))
    if can_cancel(user, custom_order):
        return None
    return PermissionDenied(_("You may not cancel this custom order."))


# Why a producer's step is not possible in the record's state.
NOT_NOW = {
    "quote": gettext_lazy("%(number)s is %(status)s: only an open request can be quoted."),
    "decline": gettext_lazy("%(number)s is %(status)s: only an open request can be declined."),
    "start-production": gettext_lazy(
        "%(number)s is %(status)s: production starts only after the quote is accepted."
    ),
    "produced": gettext_lazy(
        "%(number)s is %(status)s: only an order in production can be marked produced."
    ),
}


def _when(user: User, custom_order: CustomOrder, step: Step) -> Refusal:
    """Why the step cannot happen in the record's state (None: it can)."""
    status = custom_order.status
    label = {"number": custom_order.number, "status": status_label(status)}
    if step.name == "cancel":
        if status in CLOSED:
            return ConflictError(
                _("%(number)s is already %(status)s.") % label, code=INVALID_TRANSITION
            )
        if status == S.IN_PRODUCTION:
            return ConflictError(
                _(
                    "%(number)s is %(status)s: production has started, it can no longer be "
                    "cancelled."
                )
                % label,
                code=INVALID_TRANSITION,
            )
        if user.role == Role.CUSTOMER_USER and status not in CUSTOMER_CANCELLABLE:
            return ConflictError(
                _("%(number)s is %(status)s: after acceptance, ask your account manager to cancel.")
                % label,
                code=INVALID_TRANSITION,
            )
        return None
    if step.name in DECISIONS:
        valid_until = custom_order.quote_valid_until
        if status == S.EXPIRED and valid_until is not None:
            return _expired(valid_until)
        if status != S.QUOTED:
            message = (
                _("There is no open quote to accept: %(number)s is %(status)s.")
                if step.name == "accept"
                else _("There is no open quote to reject: %(number)s is %(status)s.")
            )
            return ConflictError(message % label, code=INVALID_TRANSITION)
        return None
    if status in step.sources:
        return None
    if step.name not in NOT_NOW:
        return standard_state_refusal(CUSTOM_ORDER, custom_order, step)
    return ConflictError(str(NOT_NOW[step.name]) % label, code=INVALID_TRANSITION)


def _expired(valid_until: date) -> ConflictError:
    return ConflictError(
        _("This quote expired on %(date)s; ask for a new quote.")
        % {"date": day_label(valid_until)},
        code="quote_expired",
    )


def _still_valid(user: User, custom_order: CustomOrder) -> Refusal:
    """A quote is accepted while it is valid (the daily sweep marks it expired later)."""
    valid_until = custom_order.quote_valid_until
    if valid_until is not None and quote_day() > valid_until:
        return _expired(valid_until)
    return None


# --- input -------------------------------------------------------------------------------------
class QuoteSerializer(serializers.Serializer):
    quoted_price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_UNIT_PRICE,
        help_text="Unit price (CNY).",
    )
    quoted_lead_days = serializers.IntegerField(
        min_value=1, max_value=MAX_LEAD_DAYS, help_text="Days from acceptance to delivery."
    )
    quoted_model = ScopedSlugRelatedField(
        slug_field="code",
        queryset=ProductModel.objects.all(),
        required=False,
        allow_null=True,
        help_text="A custom-capable model of the requested category to build on.",
    )
    quote_valid_until = BusinessDateField(
        required=False, allow_null=True, help_text="Default: 14 days from today."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class EmptySerializer(serializers.Serializer):
    pass


def _clean_quote(data: dict[str, Any]) -> dict[str, Any]:
    """Unit price, lead time, validity (14 days unless said), the model to build on, a
    note: every problem at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    today = timezone.localdate()
    for name, check in (
        (
            "quoted_price",
            lambda v: decimal_value(
                v, field="quoted_price", maximum=MAX_UNIT_PRICE, required=True, positive=True
            ),
        ),
        (
            "quoted_lead_days",
            lambda v: whole_number(v, field="quoted_lead_days", low=1, high=MAX_LEAD_DAYS),
        ),
        ("quote_note", lambda v: clean_text(v, field="note", max_length=2000)),
    ):
        source = "note" if name == "quote_note" else name
        try:
            values[name] = check(data.get(source))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    valid_until = data.get("quote_valid_until") or today + timedelta(days=QUOTE_VALID_DAYS)
    if not isinstance(valid_until, date):
        errors["quote_valid_until"] = [_("Enter a valid date.")]
    elif valid_until < today:
        errors["quote_valid_until"] = [_("A quote cannot be valid until a day in the past.")]
    model = data.get("quoted_model")
    if model is not None and not model.is_custom_capable:
        errors["quoted_model"] = [
            _("This model cannot be made to order; choose a custom-capable model.")
        ]
    if errors:
        raise ValidationError(errors)
    return {**values, "quote_valid_until": valid_until, "quoted_model": model}


def _clean_reason(data: dict[str, Any]) -> dict[str, Any]:
    return {"reason": clean_text(data.get("reason"), field="reason", max_length=500)}


def _clean_required_reason(data: dict[str, Any]) -> dict[str, Any]:
    return {"reason": clean_text(data.get("reason"), field="reason", max_length=500, required=True)}


# --- effects and events ------------------------------------------------------------------------
def _quote(context: StepContext[CustomOrder]) -> None:
    """The model must be of the requested category; the quote replaces any earlier one."""
    custom_order, data = context.obj, context.data
    model: ProductModel | None = data["quoted_model"]
    category: Category = custom_order.category
    if (
        model is not None
        and model.category_id != category.pk
        and model.category.parent_id != category.pk
    ):
        raise ValidationError({"quoted_model": [_("This model is not of the requested category.")]})
    for name, value in data.items():
        setattr(custom_order, name, value)
    custom_order.quoted_by = context.user


def _quote_event(context: StepContext[CustomOrder]) -> None:
    custom_order = context.obj
    requote = context.previous == S.QUOTED
    if custom_order.quote_valid_until is None:
        raise AssertionError("custom_order.quote_valid_until is not None")
    parts = [
        texts.QUOTE_PRICE(
            price=i18n_text.money(custom_order.quoted_price or Decimal(0)),
            quantity=custom_order.quantity,
            total=i18n_text.money(quote_total(custom_order) or Decimal(0)),
        ),
        texts.QUOTE_LEAD(days=custom_order.quoted_lead_days),
        texts.QUOTE_VALID(date=i18n_text.day(custom_order.quote_valid_until)),
    ]
    if custom_order.quoted_model is not None:
        parts.append(texts.QUOTE_MODEL(code=custom_order.quoted_model.code))
    quote = i18n_text.join(parts)
    record_event(
        subject=custom_order,
        actor=context.user,
        kind=EventKind.NOTE if requote else EventKind.STATUS,
        from_status=context.previous,
        to_status=S.QUOTED,
        text=texts.REQUOTE(quote=quote) if requote else quote,
        message=custom_order.quote_note,
    )


def _close_with_reason(context: StepContext[CustomOrder]) -> None:
    context.obj.closed_reason = context.data["reason"]


def _reason_event(*, notify_producers: bool) -> Any:
    def event(context: StepContext[CustomOrder]) -> None:
        custom_order = context.obj
        record_event(
            subject=custom_order,
            actor=context.user,
            from_status=context.previous,
            to_status=custom_order.status,
            message=context.data["reason"],
            notify=producers_of(custom_order.customer) if notify_producers else None,
        )

    return event


def _accept(context: StepContext[CustomOrder]) -> CustomOrder:
    """The customer's credit is checked for the quoted total, a confirmed made-to-order
    `Order` is created and linked, and the 7-day production clock starts."""
    custom_order, user = context.obj, context.user
    total = quote_total(custom_order)
    if not (total is not None and custom_order.quoted_price is not None):
        raise AssertionError("total is not None and custom_order.quoted_price is not None")
    customer = custom_order.customer
    if customer.status != CustomerStatus.ACTIVE:
        raise ValidationError({"customer": [customer_not_active(customer)]})
    check_credit(customer_id=custom_order.customer_id, amount=total)
    now = timezone.now()
    custom_order.order = make_order(custom_order=custom_order, user=user, total=total, now=now)
    custom_order.status = S.ACCEPTED
    custom_order.accepted_at = now
    custom_order.production_due = CustomOrder.production_deadline(now)
    custom_order.version += 1
    record_history_user(custom_order, user)
    custom_order.save()
    return custom_order


def _accept_event(context: StepContext[CustomOrder]) -> None:
    custom_order, user = context.obj, context.user
    order = custom_order.order
    total = quote_total(custom_order)
    if not (order is not None and total is not None and custom_order.production_due is not None):
        raise AssertionError(
            "order is not None and total is not None and custom_order.production_due is not None"
        )
    due = timezone.localtime(custom_order.production_due)
    record_event(
        subject=custom_order,
        actor=user,
        from_status=S.QUOTED,
        to_status=S.ACCEPTED,
        text=texts.ACCEPTED(
            order=order.number, total=i18n_text.money(total), due=i18n_text.moment(due)
        ),
        notify=producers_of(custom_order.customer),
    )
    record_event(
        subject=order,
        actor=user,
        to_status=OrderStatus.CONFIRMED,
        text=texts.MADE_TO_ORDER(number=custom_order.number),
        notify=[],  # the custom order's event told everyone concerned
    )


def _cancel(context: StepContext[CustomOrder]) -> None:
    """The order made from an accepted quote is cancelled with it."""
    context.obj.closed_reason = context.data["reason"]
    cancel_order(custom_order=context.obj, user=context.user, reason=context.data["reason"])


def _started_event(context: StepContext[CustomOrder]) -> None:
    """Late if production starts after `production_due`."""
    custom_order = context.obj
    due, started = custom_order.production_due, custom_order.production_started_at
    text = None
    if due is not None and started is not None and started > due:
        text = texts.STARTED_LATE(late=i18n_text.duration(started - due))
    record_event(
        subject=custom_order,
        actor=context.user,
        from_status=S.ACCEPTED,
        to_status=S.IN_PRODUCTION,
        text=text,
        notify=producers_of(custom_order.customer),
    )


def _produced_event(context: StepContext[CustomOrder]) -> None:
    custom_order = context.obj
    text = None
    if custom_order.order_id is not None:
        number = (
            Order.objects.filter(pk=custom_order.order_id).values_list("number", flat=True).first()
        )
        text = texts.READY(order=number or "")
    record_event(
        subject=custom_order,
        actor=context.user,
        from_status=S.IN_PRODUCTION,
        to_status=S.PRODUCED,
        text=text,
        notify=producers_of(custom_order.customer),
    )


# --- the declaration ---------------------------------------------------------------------------
DECIDERS = "the customer's users; its account manager"
NOBODY: frozenset[str] = frozenset()  # no role takes the step by request

CUSTOM_ORDER = Lifecycle(
    name="custom_order",
    model=CustomOrder,
    states=CustomOrderStatus,
    initial=S.REQUESTED,
    may=_may,
    state_refusal=_when,
    describe=lambda custom_order: _("Custom order %(number)s") % {"number": custom_order.number},
    api_basename="custom-order",
    page_url=lambda custom_order: reverse("custom-order-detail", args=[custom_order.number]),
    steps=[
        Step(
            "quote",
            QUOTABLE,
            S.QUOTED,
            label=gettext_lazy("Quote"),
            stamp="quoted_at",
            roles=PRODUCER_ROLES,
            clean=_clean_quote,
            input=QuoteSerializer,
            effect=_quote,
            event=_quote_event,
            needs_form=True,
            description="Quote the request (product managers and hq): unit price, lead time, "
            "model, validity (default 14 days), note. Allowed while requested or quoted (a new "
            "quote replaces the old one).",
        ),
        Step(
            "decline",
            QUOTABLE,
            S.DECLINED,
            label=gettext_lazy("Decline the request"),
            roles=PRODUCER_ROLES,
            clean=_clean_required_reason,
            input=ReasonSerializer,
            effect=_close_with_reason,
            event=_reason_event(notify_producers=False),
            css="btn-secondary",
            needs_form=True,
            description="Decline the request (product managers and hq), with a reason.",
        ),
        Step(
            "accept",
            (S.QUOTED,),
            S.ACCEPTED,
            label=gettext_lazy("Accept the quote"),
            who=DECIDERS,
            guard=_still_valid,
            input=EmptySerializer,
            handler=_accept,
            event=_accept_event,
            icon="ti-checks",
            css="btn-success",
            description="Accept the quote (the customer's users, or its account manager) while "
            "it is valid: the credit is checked, a confirmed made-to-order order is created, and "
            "production must start within 7 days. An expired quote answers 409.",
        ),
        Step(
            "reject",
            (S.QUOTED,),
            S.REJECTED,
            label=gettext_lazy("Reject the quote"),
            who=DECIDERS,
            clean=_clean_reason,
            input=ReasonSerializer,
            effect=_close_with_reason,
            event=_reason_event(notify_producers=True),
            css="btn-secondary",
            needs_form=True,
            description="Reject the quote (the customer's users, or its account manager).",
        ),
        Step(
            "start-production",
            (S.ACCEPTED,),
            S.IN_PRODUCTION,
            label=gettext_lazy("Start production"),
            stamp="production_started_at",
            roles=PRODUCER_ROLES,
            input=EmptySerializer,
            event=_started_event,
            icon="ti-player-play",
            css="btn-primary",
            description="Start production of an accepted custom order (product managers and hq).",
        ),
        Step(
            "produced",
            (S.IN_PRODUCTION,),
            S.PRODUCED,
            label=gettext_lazy("Mark produced"),
            stamp="produced_at",
            roles=PRODUCER_ROLES,
            input=EmptySerializer,
            event=_produced_event,
            icon="ti-package",
            css="btn-success",
            description="Report the goods made (product managers and hq); the order then ships.",
        ),
        Step(
            "expire",
            (S.QUOTED,),
            S.EXPIRED,
            label=gettext_lazy("Expired"),
            roles=NOBODY,
            who="the daily sweep, once the quote's validity has passed",
            endpoint=False,
        ),
        Step(
            "cancel",
            STAFF_CANCELLABLE,
            S.CANCELLED,
            label=gettext_lazy("Cancel the custom order"),
            who="the customer's users while requested or quoted; its account manager, branch "
            "manager, hq_admin until production starts",
            clean=_clean_reason,
            input=ReasonSerializer,
            effect=_cancel,
            event=_reason_event(notify_producers=True),
            css="btn-danger",
            needs_form=True,
            description="Cancel: the customer while requested or quoted; its account manager, "
            "branch manager or hq until production starts (the order made from the quote is "
            "cancelled with it).",
        ),
    ],
)
