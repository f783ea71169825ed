"""Made-to-order (定制) writes: the customer's request, the steps of its life-cycle, and the
production clock's sweeps.

The steps (quote, decline, accept, reject, cancel, start production, mark produced) are
declared once in `lifecycles.py` (`CUSTOM_ORDER`) and taken by `CUSTOM_ORDER.take()`: the
functions here name them for the pages, the demo and the tests. Every write is one
transaction: the row is locked (checking `If-Match`), the version grows by one, and a
timeline event is written (`record_event`, which mails after commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.catalog.models import Category
from roots.core import i18n_text
from roots.core.numbers import next_number
from roots.core.services import record_history_user
from roots.core.text import clean_text
from roots.customers.models import Customer, CustomerStatus, Outlet
from roots.orders import texts
from roots.orders.custom.lifecycles import CUSTOM_ORDER, judging_on
from roots.orders.custom.policies import can_request, can_request_for
from roots.orders.custom.rules import (
    MAX_CAPACITY,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    CustomFeature,
    clean_features,
    customer_not_active,
    decimal_value,
    producers_of,
    quote_total,
    whole_number,
)
from roots.orders.models import PRODUCTION_RISK_DAYS, CustomOrder, CustomOrderStatus, EventKind
from roots.orders.timeline import people_of, record_event
from roots.org.models import Role, User

S = CustomOrderStatus

# The vocabulary and the total, beside the writes that use them.
__all__ = [
    "CustomFeature",
    "accept_quote",
    "available_actions",
    "cancel_custom_order",
    "check_production_clock",
    "decline_custom_order",
    "expire_quotes",
    "mark_produced",
    "quote_custom_order",
    "quote_total",
    "reject_quote",
    "request_custom_order",
    "run_production_clock",
    "start_production",
]


# --- the request ------------------------------------------------------------------------------
@transaction.atomic
def request_custom_order(*, user: User, data: Mapping[str, Any]) -> CustomOrder:
    """A customer asks for a product made to its need (category, capacity range, target
    price, features, quantity, wanted date); product managers and the account manager are
    told. A customer user requests for its own company; staff name the customer."""
    if not can_request(user):
        raise PermissionDenied(_("Your role does not request custom orders."))
    errors: dict[str, list[str]] = {}
    customer: Customer | None
    if user.role == Role.CUSTOMER_USER:
        if user.customer_id is None:  # a database constraint of customer users
            raise AssertionError("user.customer_id is not None")
        customer = Customer.objects.all_unscoped().get(pk=user.customer_id)
        given = data.get("customer")
        if given is not None and getattr(given, "pk", given) not in (customer.pk, customer.code):
            errors["customer"] = [_("You can only request for your own company.")]
    else:
        customer = data.get("customer")
        if customer is None:
            errors["customer"] = [_("Choose the customer this request is for.")]
        elif not can_request_for(user, customer):
            errors["customer"] = [_("This customer does not exist.")]
            customer = None
    if customer is not None and customer.status != CustomerStatus.ACTIVE:
        errors["customer"] = [customer_not_active(customer)]
    outlet: Outlet | None = data.get("outlet")
    if outlet is None:
        errors["outlet"] = [_("Choose the outlet that receives the goods.")]
    elif customer is not None and outlet.customer_id != customer.pk:
        errors["outlet"] = [_("Choose one of the customer's own outlets.")]
    elif not outlet.is_active:
        errors["outlet"] = [_("This outlet is closed.")]
    category: Category | None = data.get("category")
    if category is None:
        errors["category"] = [_("Choose a product category.")]
    values: dict[str, Any] = {}
    for name, check in (
        ("title", lambda v: clean_text(v, field="title", max_length=200, required=True)),
        ("description", lambda v: clean_text(v, field="description", max_length=5000)),
        ("capacity_min", lambda v: decimal_value(v, field="capacity_min", maximum=MAX_CAPACITY)),
        ("capacity_max", lambda v: decimal_value(v, field="capacity_max", maximum=MAX_CAPACITY)),
        (
            "target_price",
            lambda v: decimal_value(v, field="target_price", maximum=MAX_UNIT_PRICE),
        ),
        ("quantity", lambda v: whole_number(v, field="quantity", low=1, high=MAX_QUANTITY)),
        ("features", clean_features),
    ):
        try:
            values[name] = check(data.get(name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    low, high = values.get("capacity_min"), values.get("capacity_max")
    if low is not None and high is not None and low > high:
        errors.setdefault("capacity_max", []).append(
            _("The upper capacity must not be below the lower one.")
        )
    wanted = data.get("wanted_date")
    if wanted is not None and not isinstance(wanted, date):
        errors["wanted_date"] = [_("Enter a valid date.")]
    elif wanted is not None and wanted < timezone.localdate():
        errors["wanted_date"] = [_("The wanted date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    if not (customer is not None and outlet is not None and category is not None):
        raise AssertionError("customer is not None and outlet is not None and category is not None")
    custom_order = CustomOrder(
        number=next_number(model=CustomOrder, prefix="MO", sequence="custom_order"),
        customer=customer,
        outlet=outlet,
        requested_by=user,
        status=S.REQUESTED,
        category=category,
        wanted_date=wanted,
        **values,
    )
    custom_order.refresh_search_text()
    record_history_user(custom_order, user)
    custom_order.save()
    need = [texts.REQUEST_QUANTITY(quantity=custom_order.quantity, title=custom_order.title)]
    if custom_order.target_price is not None:
        need.append(texts.REQUEST_TARGET(price=i18n_text.money(custom_order.target_price)))
    if wanted is not None:
        need.append(texts.REQUEST_WANTED(date=i18n_text.day(wanted)))
    record_event(
        subject=custom_order,
        actor=user,
        to_status=S.REQUESTED,
        text=i18n_text.join(need),
        notify=producers_of(customer),
    )
    return custom_order


# --- the steps (CUSTOM_ORDER.take) ------------------------------------------------------------
def available_actions(
    user: User, custom_order: CustomOrder, *, today: date | None = None
) -> set[str]:
    """The steps `user` may take on `custom_order` now (the buttons a page shows); `today`
    judges the quote's validity on another day."""
    with judging_on(today):
        return set(CUSTOM_ORDER.actions(user, custom_order))


def _taken(
    step: str,
    user: User,
    custom_order: CustomOrder,
    data: Mapping[str, Any] | None,
    expected_version: int | None,
) -> CustomOrder:
    result: CustomOrder = CUSTOM_ORDER.take(
        user=user, obj=custom_order, step=step, data=data, expected_version=expected_version
    )
    return result


def quote_custom_order(
    *, user: User, custom_order: CustomOrder, data: Mapping[str, Any], expected_version: int | None
) -> CustomOrder:
    """A product manager (or hq) quotes a request: unit price, lead time, optionally the
    model to build on, how long the quote holds (14 days unless said), a note. A quote may
    be replaced while the customer has not decided."""
    return _taken("quote", user, custom_order, data, expected_version)


class _Step(Protocol):
    def __call__(
        self, *, user: User, custom_order: CustomOrder, expected_version: int | None = None
    ) -> CustomOrder: ...


class _ReasonStep(Protocol):
    def __call__(
        self,
        *,
        user: User,
        custom_order: CustomOrder,
        reason: str = "",
        expected_version: int | None = None,
    ) -> CustomOrder: ...


_F = TypeVar("_F", bound=Callable[..., CustomOrder])


def _named(service: _F, name: str, doc: str) -> _F:
    service.__name__ = service.__qualname__ = name
    service.__doc__ = doc
    return service


def _step(step: str, name: str, doc: str) -> _Step:
    """The named service of a step that takes no input."""

    def service(
        *, user: User, custom_order: CustomOrder, expected_version: int | None = None
    ) -> CustomOrder:
        return _taken(step, user, custom_order, None, expected_version)

    return _named(service, name, doc)


def _reason_step(step: str, name: str, doc: str) -> _ReasonStep:
    """The named service of a step that takes a reason."""

    def service(
        *,
        user: User,
        custom_order: CustomOrder,
        reason: str = "",
        expected_version: int | None = None,
    ) -> CustomOrder:
        return _taken(step, user, custom_order, {"reason": reason}, expected_version)

    return _named(service, name, doc)


decline_custom_order = _reason_step(
    "decline",
    "decline_custom_order",
    "A product manager (or hq) declines a request it cannot make, saying why.",
)
accept_quote = _step(
    "accept",
    "accept_quote",
    """The customer (or its account manager for it) accepts the quote while it is valid:
    the customer's credit is checked for the quoted total, a confirmed made-to-order `Order`
    is created and linked, and the 7-day production clock starts.

    An expired quote answers 409 and changes nothing (the daily sweep, `expire_quotes`,
    marks it expired).""",
)
reject_quote = _reason_step(
    "reject",
    "reject_quote",
    "The customer (or its account manager for it) turns the quote down.",
)
cancel_custom_order = _reason_step(
    "cancel",
    "cancel_custom_order",
    """Withdraw a custom order: the customer while it is requested or quoted; its account
    manager, branch manager or hq until production starts (the order made from an accepted
    quote is cancelled with it).""",
)
start_production = _step(
    "start-production",
    "start_production",
    """A product manager (or hq) starts production of an accepted custom order (the clock
    stops; late if after `production_due`).""",
)
mark_produced = _step(
    "produced",
    "mark_produced",
    "A product manager (or hq) reports the goods made; the order then ships like any.",
)


# --- the clock --------------------------------------------------------------------------------
def _save(custom_order: CustomOrder) -> None:
    """A sweep's change: no user, the version grows."""
    record_history_user(custom_order, None)
    custom_order.version += 1
    custom_order.save()


@contextmanager
def _locked(pk: int, *related: str) -> Iterator[CustomOrder]:
    """One custom order, locked in its own transaction: a sweep's unit of work."""
    with transaction.atomic():
        yield (
            CustomOrder.objects.all_unscoped()
            .select_for_update(of=("self",))
            .select_related(*related)
            .get(pk=pk)
        )


def check_production_clock(now: datetime | None = None) -> int:
    """Alert once on every accepted custom order whose production has not started and must
    start within `PRODUCTION_RISK_DAYS` (or is overdue): a staff-only ALERT event mailed to the
    account manager and the product managers. Answers how many were alerted."""
    now = now or timezone.now()
    horizon = now + timedelta(days=PRODUCTION_RISK_DAYS)
    # A system sweep sees every customer's orders, and says so.
    due = (
        CustomOrder.objects.all_unscoped()
        .filter(
            status=S.ACCEPTED,
            production_started_at__isnull=True,
            risk_alerted_at__isnull=True,
            production_due__lte=horizon,
        )
        .order_by("production_due", "pk")
        .values_list("pk", flat=True)
    )
    alerted = 0
    for pk in list(due):
        with _locked(pk, "customer") as custom_order:
            if (
                custom_order.status != S.ACCEPTED
                or custom_order.risk_alerted_at is not None
                or custom_order.production_due is None
            ):
                continue
            left = custom_order.production_due - now
            deadline = i18n_text.moment(custom_order.production_due)
            if left.total_seconds() < 0:
                text = texts.OVERDUE(late=i18n_text.duration(left), due=deadline)
            else:
                text = texts.AT_RISK(left=i18n_text.duration(left), due=deadline)
            custom_order.risk_alerted_at = now
            _save(custom_order)
            record_event(
                subject=custom_order,
                actor=None,
                kind=EventKind.ALERT,
                text=text,
                visible_to_customer=False,
                notify=producers_of(custom_order.customer),
            )
            alerted += 1
    return alerted


def expire_quotes(today: date | None = None) -> int:
    """Mark quotes whose validity passed as expired (the life-cycle's `expire` step; the
    customer, its account manager and the quoting product manager are told). Answers how
    many expired."""
    today = today or timezone.localdate()
    stale = (
        CustomOrder.objects.all_unscoped()
        .filter(status=S.QUOTED, quote_valid_until__lt=today)
        .order_by("quote_valid_until", "pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in list(stale):
        with _locked(pk, "customer", "quoted_by") as custom_order:
            valid_until = custom_order.quote_valid_until
            if custom_order.status != S.QUOTED or valid_until is None or valid_until >= today:
                continue
            custom_order.status = S.EXPIRED
            _save(custom_order)
            notify = people_of(custom_order.customer)
            if custom_order.quoted_by is not None and custom_order.quoted_by.is_active:
                notify.append(custom_order.quoted_by)
            record_event(
                subject=custom_order,
                actor=None,
                from_status=S.QUOTED,
                to_status=S.EXPIRED,
                text=texts.EXPIRED(date=i18n_text.day(valid_until)),
                notify=notify,
            )
            expired += 1
    return expired


def run_production_clock(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic sweep: expire stale quotes, then alert on production at risk."""
    now = now or timezone.now()
    expired = expire_quotes(today=timezone.localdate(now))
    alerted = check_production_clock(now=now)
    return {"expired": expired, "alerted": alerted}
