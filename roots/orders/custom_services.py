"""Made-to-order (定制) writes: the customer's request, the product manager's quote, the
customer's decision, production and its 7-day clock.

Life-cycle (docs/custom-orders.md draws it)::

    requested -> quoted -> accepted -> in_production -> produced
        |          |  ^        |
        |          +--+ re-quote
        +-> declined (product manager)   quoted -> rejected (customer), expired (sweep)
        requested / quoted / accepted -> cancelled

Who may act (reads are scoped by `CustomOrder.objects.visible_to`, so a record out of scope
is a 404 before any of this runs):

* request: the customer's own users, or its account manager, branch manager or hq on its
  behalf;
* quote, decline, start production, mark produced: product managers and hq;
* accept, reject: the customer's users, or its account manager on the customer's behalf;
* cancel: the customer's users while requested or quoted; its account manager, branch
  manager or hq until production starts.

A role that sees the record but never takes this step answers 403; a customer user trying
the producer's step (quoting its own request) is a participant acting out of turn and
answers 409, like every step the record's state does not allow. Every action is one
transaction: the row is locked (`lock_for_update`, checking `If-Match`), the version grows by
one, and a timeline event is written (`record_event`, which mails after commit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.core import i18n_text
from roots.core.exceptions import ConflictError
from roots.core.search import build_search_text
from roots.core.services import lock_for_update, record_history_user, sequence_next
from roots.customers.models import Customer, CustomerStatus, Outlet
from roots.orders import texts
from roots.orders.models import (
    PRODUCTION_RISK_DAYS,
    CustomOrder,
    CustomOrderStatus,
    EventKind,
    Order,
    OrderKind,
    OrderLine,
    OrderStatus,
)
from roots.orders.timeline import people_of, record_event
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.catalog.models import Category, ProductModel
    from roots.org.models import User

S = CustomOrderStatus

# A quote is valid this long unless the product manager says otherwise.
QUOTE_VALID_DAYS = 14
# Bounds of the need and the quote (an order line holds at most 100,000 units; a unit price
# of a million yuan keeps every total inside the money columns).
MAX_QUANTITY = 100_000
MAX_UNIT_PRICE = Decimal("1000000")
MAX_CAPACITY = Decimal("100000")
MAX_LEAD_DAYS = 365
MAX_FEATURES = 10


class CustomFeature(models.TextChoices):
    """The fixed vocabulary of features a customer may ask for (the demand view counts
    them; free text goes in the description)."""

    ENERGY_SAVING = "energy_saving", gettext_lazy("Energy saving / low power")
    FROST_FREE = "frost_free", gettext_lazy("Frost free")
    INVERTER = "inverter", gettext_lazy("Inverter")
    LARGE_FREEZER = "large_freezer", gettext_lazy("Large freezer")
    SMART_WIFI = "smart_wifi", gettext_lazy("Smart / Wi-Fi")
    QUIET = "quiet", gettext_lazy("Quiet")
    SLIM = "slim", gettext_lazy("Slim")
    GLASS_PANEL = "glass_panel", gettext_lazy("Glass panel")
    CHILD_LOCK = "child_lock", gettext_lazy("Child lock")
    DUAL_COOLING = "dual_cooling", gettext_lazy("Dual cooling")


# States from which each step may be taken.
QUOTABLE = frozenset({S.REQUESTED, S.QUOTED})
CUSTOMER_CANCELLABLE = frozenset({S.REQUESTED, S.QUOTED})
STAFF_CANCELLABLE = frozenset({S.REQUESTED, S.QUOTED, S.ACCEPTED})
CLOSED = frozenset({S.PRODUCED, S.DECLINED, S.REJECTED, S.EXPIRED, S.CANCELLED})
REQUESTER_ROLES = frozenset(
    {Role.CUSTOMER_USER, Role.ACCOUNT_MANAGER, Role.BRANCH_MANAGER, Role.HQ_ADMIN}
)
PRODUCER_ROLES = frozenset({Role.PRODUCT_MANAGER, Role.HQ_ADMIN})
DEMAND_ROLES = frozenset(
    {Role.PRODUCT_MANAGER, Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}
)


# --- policies ---------------------------------------------------------------------------------
def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_request(user: User) -> bool:
    """Customer users (for their own company) and the staff who own customers."""
    return _active(user) and user.role in REQUESTER_ROLES


def can_request_for(user: User, customer: Customer) -> bool:
    if not can_request(user):
        return False
    if user.role == Role.CUSTOMER_USER:
        return customer.pk == user.customer_id
    return Customer.objects.visible_to(user).filter(pk=customer.pk).exists()


def can_produce(user: User) -> bool:
    """Quote, decline, start production and mark produced: product managers and hq."""
    return _active(user) and user.role in PRODUCER_ROLES


def can_decide(user: User, custom_order: CustomOrder) -> bool:
    """Accept or reject a quote: the customer's users, or its account manager on its behalf."""
    if not _active(user):
        return False
    if user.role == Role.CUSTOMER_USER:
        return custom_order.customer_id == user.customer_id
    if user.role == Role.ACCOUNT_MANAGER:
        return custom_order.customer.account_manager_id == user.pk
    return False


def can_cancel(user: User, custom_order: CustomOrder) -> bool:
    """The customer's users, its account manager, its branch manager, hq."""
    if not _active(user):
        return False
    customer = custom_order.customer
    if user.role == Role.CUSTOMER_USER:
        return customer.pk == user.customer_id
    if user.role == Role.ACCOUNT_MANAGER:
        return customer.account_manager_id == user.pk
    if user.role == Role.BRANCH_MANAGER:
        return customer.branch_id == user.branch_id
    return user.role == Role.HQ_ADMIN


def can_see_demand(user: User) -> bool:
    return _active(user) and user.role in DEMAND_ROLES


def available_actions(
    user: User, custom_order: CustomOrder, *, today: date | None = None
) -> set[str]:
    """The steps `user` may take on `custom_order` now (the buttons a page shows)."""
    today = today or timezone.localdate()
    status = custom_order.status
    actions: set[str] = set()
    if can_produce(user):
        if status in QUOTABLE:
            actions |= {"quote", "decline"}
        if status == S.ACCEPTED:
            actions.add("start-production")
        if status == S.IN_PRODUCTION:
            actions.add("produced")
    if can_decide(user, custom_order) and status == S.QUOTED:
        actions.add("reject")
        if custom_order.quote_valid_until is None or today <= custom_order.quote_valid_until:
            actions.add("accept")
    if can_cancel(user, custom_order):
        allowed = CUSTOMER_CANCELLABLE if user.role == Role.CUSTOMER_USER else STAFF_CANCELLABLE
        if status in allowed:
            actions.add("cancel")
    return actions


PRODUCER_STEPS = {
    "quote": gettext_lazy("Only a product manager can quote a custom order."),
    "decline": gettext_lazy("Only a product manager can decline a custom order."),
    "start-production": gettext_lazy("Production is started by a product manager."),
    "produced": gettext_lazy("Production is reported by a product manager."),
}


def require_producer(user: User, *, step: str) -> None:
    """The producer's steps: a customer user taking one acts out of turn (409); any other
    role that sees the record but does not take this step is refused (403)."""
    if can_produce(user):
        return
    if user.role == Role.CUSTOMER_USER:
        raise ConflictError(str(PRODUCER_STEPS[step]))
    raise PermissionDenied(_("Your role does not take this step on custom orders."))


def require_decider(user: User, custom_order: CustomOrder) -> None:
    if not can_decide(user, custom_order):
        raise PermissionDenied(_("Only the customer, or its account manager, decides on a quote."))


def require_canceller(user: User, custom_order: CustomOrder) -> None:
    if not can_cancel(user, custom_order):
        raise PermissionDenied(_("You may not cancel this custom order."))


# --- helpers ----------------------------------------------------------------------------------
def _next_number(*, prefix: str, sequence: str, model: type[models.Model]) -> str:
    """`<prefix><8 digits>` from a named counter that starts past numbers loaded in bulk."""
    numbers = model._default_manager.all()
    highest = (
        numbers.filter(number__regex=rf"^{prefix}[0-9]{{8}}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    floor = int(str(highest)[len(prefix) :]) if highest else 0
    while True:
        number = f"{prefix}{sequence_next(name=sequence, floor=floor):08d}"
        if not numbers.filter(number=number).exists():
            return number


def _status_label(status: str) -> str:
    return str(dict(S.choices).get(status, status))


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _yuan(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def _lock(*, custom_order: CustomOrder, expected_version: int | None) -> CustomOrder:
    locked = lock_for_update(instance=custom_order, expected_version=expected_version)
    # The policies look at the customer; keep the caller's instance of it (no extra query).
    if custom_order.customer_id == locked.customer_id:
        locked.customer = custom_order.customer
    return locked


def _save(custom_order: CustomOrder, *, user: User | None) -> None:
    record_history_user(custom_order, user)
    custom_order.version += 1
    custom_order.save()


def _producers(customer: Customer) -> list[User]:
    """Whom a step concerns on the producing side: the customer's people (staff-only events
    drop the customer users) and every product manager."""
    return people_of(customer, roles=[Role.PRODUCT_MANAGER])


def _not_active(customer: Customer) -> str:
    return _("%(customer)s cannot order now (%(status)s).") % {
        "customer": customer.name,
        "status": customer.get_status_display(),
    }


def _clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValidationError({field: [_("Null characters are not allowed.")]})
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("At most %(count)s characters.") % {"count": max_length}]})
    return text


def _decimal(
    value: Any, *, field: str, maximum: Decimal, required: bool = False, positive: bool = False
) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: [_("This field is required.")]})
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({field: [_("Enter a number.")]}) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise ValidationError(
            {
                field: [
                    _("Enter a number greater than zero.")
                    if positive
                    else _("Enter a number of zero or more.")
                ]
            }
        )
    if number > maximum:
        raise ValidationError({field: [_("At most %(max)s.") % {"max": f"{maximum:,}"}]})
    return number


def _int(value: Any, *, field: str, low: int, high: int, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: [_("This field is required.")]})
        return None
    if isinstance(value, bool):
        raise ValidationError({field: [_("Enter a whole number.")]})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Enter a whole number.")]}) from None
    if not low <= number <= high:
        raise ValidationError(
            {
                field: [
                    _("Enter a whole number from %(low)s to %(high)s.")
                    % {"low": low, "high": f"{high:,}"}
                ]
            }
        )
    return number


def clean_features(values: Iterable[Any] | None) -> list[str]:
    """The requested features: known codes only, each once, in the vocabulary's order."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    given = list(values)
    if len(given) > len(CustomFeature.values) or len(given) > 50:
        raise ValidationError({"features": [_("Too many features.")]})
    known = set(CustomFeature.values)
    unknown = [str(v)[:40] for v in given if v not in known]
    if unknown:
        raise ValidationError(
            {"features": [_("Unknown feature: %(value)s.") % {"value": ", ".join(unknown)}]}
        )
    chosen = set(given)
    return [code for code in CustomFeature.values if code in chosen]


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
        assert user.customer_id is not None  # a database constraint of customer users
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
        errors["customer"] = [_not_active(customer)]
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
        ("title", lambda v: _clean_text(v, field="title", max_length=200, required=True)),
        ("description", lambda v: _clean_text(v, field="description", max_length=5000)),
        ("capacity_min", lambda v: _decimal(v, field="capacity_min", maximum=MAX_CAPACITY)),
        ("capacity_max", lambda v: _decimal(v, field="capacity_max", maximum=MAX_CAPACITY)),
        ("target_price", lambda v: _decimal(v, field="target_price", maximum=MAX_UNIT_PRICE)),
        ("quantity", lambda v: _int(v, field="quantity", low=1, high=MAX_QUANTITY)),
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
    assert customer is not None and outlet is not None and category is not None
    custom_order = CustomOrder(
        number=_next_number(prefix="MO", sequence="custom_order", model=CustomOrder),
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
        notify=_producers(customer),
    )
    return custom_order


# --- the quote --------------------------------------------------------------------------------
def _check_quoted_model(model: ProductModel | None, category: Category) -> None:
    if model is None:
        return
    if not model.is_custom_capable:
        raise ValidationError(
            {
                "quoted_model": [
                    _("This model cannot be made to order; choose a custom-capable model.")
                ]
            }
        )
    if model.category_id != category.pk and model.category.parent_id != category.pk:
        raise ValidationError({"quoted_model": [_("This model is not of the requested category.")]})


@transaction.atomic
def quote_custom_order(
    *, user: User, custom_order: CustomOrder, data: Mapping[str, Any], expected_version: int | None
) -> CustomOrder:
    """A product manager (or hq) quotes a request: unit price, lead time, optionally the
    model to build on, how long the quote holds (14 days unless said), a note. A quote may
    be replaced while the customer has not decided."""
    require_producer(user, step="quote")
    custom_order = _lock(custom_order=custom_order, expected_version=expected_version)
    if custom_order.status not in QUOTABLE:
        raise ConflictError(
            _("%(number)s is %(status)s: only an open request can be quoted.")
            % {"number": custom_order.number, "status": _status_label(custom_order.status)}
        )
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    today = timezone.localdate()
    for name, check in (
        (
            "quoted_price",
            lambda v: _decimal(
                v, field="quoted_price", maximum=MAX_UNIT_PRICE, required=True, positive=True
            ),
        ),
        (
            "quoted_lead_days",
            lambda v: _int(v, field="quoted_lead_days", low=1, high=MAX_LEAD_DAYS),
        ),
        ("quote_note", lambda v: _clean_text(v, field="note", max_length=2000)),
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
    try:
        _check_quoted_model(model, custom_order.category)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    requote = custom_order.status == S.QUOTED
    for name, value in values.items():
        setattr(custom_order, name, value)
    custom_order.quote_valid_until = valid_until
    custom_order.quoted_model = model
    custom_order.quoted_by = user
    custom_order.quoted_at = timezone.now()
    custom_order.status = S.QUOTED
    _save(custom_order, user=user)
    parts = [
        texts.QUOTE_PRICE(
            price=i18n_text.money(custom_order.quoted_price or Decimal(0)),
            quantity=custom_order.quantity,
            total=i18n_text.money(quote_total(custom_order) or Decimal(0)),
        ),
        texts.QUOTE_LEAD(days=custom_order.quoted_lead_days),
        texts.QUOTE_VALID(date=i18n_text.day(valid_until)),
    ]
    if model is not None:
        parts.append(texts.QUOTE_MODEL(code=model.code))
    quote = i18n_text.join(parts)
    record_event(
        subject=custom_order,
        actor=user,
        kind=EventKind.STATUS if not requote else EventKind.NOTE,
        from_status=S.REQUESTED if not requote else S.QUOTED,
        to_status=S.QUOTED,
        text=texts.REQUOTE(quote=quote) if requote else quote,
        message=custom_order.quote_note,
    )
    return custom_order


def quote_total(custom_order: CustomOrder) -> Decimal | None:
    if custom_order.quoted_price is None:
        return None
    return (custom_order.quoted_price * custom_order.quantity).quantize(Decimal("0.01"))


@transaction.atomic
def decline_custom_order(
    *, user: User, custom_order: CustomOrder, reason: str, expected_version: int | None
) -> CustomOrder:
    """A product manager (or hq) declines a request it cannot make, saying why."""
    require_producer(user, step="decline")
    reason = _clean_text(reason, field="reason", max_length=500, required=True)
    custom_order = _lock(custom_order=custom_order, expected_version=expected_version)
    if custom_order.status not in QUOTABLE:
        raise ConflictError(
            _("%(number)s is %(status)s: only an open request can be declined.")
            % {"number": custom_order.number, "status": _status_label(custom_order.status)}
        )
    previous = custom_order.status
    custom_order.status = S.DECLINED
    custom_order.closed_reason = reason
    _save(custom_order, user=user)
    record_event(
        subject=custom_order, actor=user, from_status=previous, to_status=S.DECLINED, message=reason
    )
    return custom_order


# --- the customer's decision ------------------------------------------------------------------
def _check_decidable(custom_order: CustomOrder, *, verb: str, today: date) -> None:
    if custom_order.status == S.EXPIRED and custom_order.quote_valid_until is not None:
        raise ConflictError(
            _("This quote expired on %(date)s; ask for a new quote.")
            % {"date": _day(custom_order.quote_valid_until)}
        )
    if custom_order.status != S.QUOTED:
        message = (
            _("There is no open quote to accept: %(number)s is %(status)s.")
            if verb == "accept"
            else _("There is no open quote to reject: %(number)s is %(status)s.")
        )
        raise ConflictError(
            message % {"number": custom_order.number, "status": _status_label(custom_order.status)}
        )


@transaction.atomic
def accept_quote(
    *, user: User, custom_order: CustomOrder, expected_version: int | None = None
) -> CustomOrder:
    """The customer (or its account manager for it) accepts the quote while it is valid:
    the customer's credit is checked for the quoted total, a confirmed made-to-order `Order`
    is created and linked, and the 7-day production clock starts.

    An expired quote answers 409 and changes nothing (the daily sweep, `expire_quotes`,
    marks it expired)."""
    from roots.orders.services import check_credit  # written by the orders services

    require_decider(user, custom_order)
    custom_order = _lock(custom_order=custom_order, expected_version=expected_version)
    today = timezone.localdate()
    _check_decidable(custom_order, verb="accept", today=today)
    valid_until = custom_order.quote_valid_until
    if valid_until is not None and today > valid_until:
        raise ConflictError(
            _("This quote expired on %(date)s; ask for a new quote.") % {"date": _day(valid_until)}
        )
    total = quote_total(custom_order)
    assert total is not None and custom_order.quoted_price is not None
    customer = custom_order.customer
    if customer.status != CustomerStatus.ACTIVE:
        raise ValidationError({"customer": [_not_active(customer)]})
    check_credit(customer_id=custom_order.customer_id, amount=total)
    now = timezone.now()
    order = _create_order(custom_order=custom_order, user=user, total=total, now=now)
    custom_order.order = order
    custom_order.status = S.ACCEPTED
    custom_order.accepted_at = now
    custom_order.production_due = CustomOrder.production_deadline(now)
    _save(custom_order, user=user)
    due = timezone.localtime(custom_order.production_due)
    record_event(
        subject=custom_order,
        actor=user,
        from_status=S.QUOTED,
        to_status=S.ACCEPTED,
        text=texts.ACCEPTED(
            order=order.number, total=i18n_text.money(total), due=i18n_text.moment(due)
        ),
        notify=_producers(custom_order.customer),
    )
    record_event(
        subject=order,
        actor=user,
        to_status=OrderStatus.CONFIRMED,
        text=texts.MADE_TO_ORDER(number=custom_order.number),
        notify=[],  # the custom order's event told everyone concerned
    )
    return custom_order


def _create_order(*, custom_order: CustomOrder, user: User, total: Decimal, now: datetime) -> Order:
    model = custom_order.quoted_model
    sku = None
    if model is not None:
        sku = model.skus.filter(is_active=True).order_by("code").first()
    description = custom_order.title
    if model is not None:
        description = f"{custom_order.title} · {model.code}"
    order = Order(
        number=_next_number(prefix="SO", sequence="order", model=Order),
        kind=OrderKind.MADE_TO_ORDER,
        customer_id=custom_order.customer_id,
        outlet_id=custom_order.outlet_id,
        status=OrderStatus.CONFIRMED,
        placed_by=user,
        requested_date=custom_order.wanted_date,
        note=_("Made to order: %(number)s") % {"number": custom_order.number},
        subtotal=total,
        discount_total=Decimal("0.00"),
        total=total,
        submitted_at=now,
        confirmed_at=now,
    )
    customer, outlet = custom_order.customer, custom_order.outlet
    # The same search keys as an order placed from the catalog (number, customer, outlet).
    order.search_text = build_search_text(order.number, customer.name, outlet.name)[:500]
    record_history_user(order, user)
    order.save()
    price = custom_order.quoted_price
    assert price is not None
    OrderLine.objects.create(
        order=order,
        line_no=1,
        sku=sku,
        description=description[:300],
        quantity=custom_order.quantity,
        list_price=price,
        unit_price=price,
        discount=Decimal("0.00"),
        line_total=total,
    )
    return order


@transaction.atomic
def reject_quote(
    *, user: User, custom_order: CustomOrder, reason: str = "", expected_version: int | None = None
) -> CustomOrder:
    """The customer (or its account manager for it) turns the quote down."""
    require_decider(user, custom_order)
    reason = _clean_text(reason, field="reason", max_length=500)
    custom_order = _lock(custom_order=custom_order, expected_version=expected_version)
    _check_decidable(custom_order, verb="reject", today=timezone.localdate())
    custom_order.status = S.REJECTED
    custom_order.closed_reason = reason
    _save(custom_order, user=user)
    record_event(
        subject=custom_order,
        actor=user,
        from_status=S.QUOTED,
        to_status=S.REJECTED,
        message=reason,
        notify=_producers(custom_order.customer),
    )
    return custom_order


@transaction.atomic
def cancel_custom_order(
    *, user: User, custom_order: CustomOrder, reason: str = "", expected_version: int | None = None
) -> CustomOrder:
    """Withdraw a custom order: the customer while it is requested or quoted; its account
    manager, branch manager or hq until production starts (the order made from an accepted
    quote is cancelled with it)."""
    require_canceller(user, custom_order)
    reason = _clean_text(reason, field="reason", max_length=500)
    custom_order = _lock(custom_order=custom_order, expected_version=expected_version)
    status = custom_order.status
    label = {"number": custom_order.number, "status": _status_label(status)}
    if status in CLOSED:
        raise ConflictError(_("%(number)s is already %(status)s.") % label)
    if status == S.IN_PRODUCTION:
        raise ConflictError(
            _("%(number)s is %(status)s: production has started, it can no longer be cancelled.")
            % label
        )
    if user.role == Role.CUSTOMER_USER and status not in CUSTOMER_CANCELLABLE:
        raise ConflictError(
            _("%(number)s is %(status)s: after acceptance, ask your account manager to cancel.")
            % label
        )
    now = timezone.now()
    if custom_order.order_id is not None:
        _cancel_order(
            order_id=custom_order.order_id,
            user=user,
            reason=reason,
            now=now,
            custom_order=custom_order,
        )
    custom_order.status = S.CANCELLED
    custom_order.closed_reason = reason
    _save(custom_order, user=user)
    record_event(
        subject=custom_order,
        actor=user,
        from_status=status,
        to_status=S.CANCELLED,
        message=reason,
        notify=_producers(custom_order.customer),
    )
    return custom_order


def _cancel_order(
    *, order_id: int, user: User, reason: str, now: datetime, custom_order: CustomOrder
) -> None:
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == OrderStatus.CANCELLED:
        return
    if order.status not in (OrderStatus.SUBMITTED, OrderStatus.CONFIRMED, OrderStatus.ALLOCATED):
        raise ConflictError(
            _("Order %(order)s is already %(status)s; the custom order can no longer be cancelled.")
            % {"order": order.number, "status": order.get_status_display()}
        )
    previous = order.status
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = now
    order.cancel_reason = (
        reason or _("Custom order %(number)s cancelled.") % {"number": custom_order.number}
    )[:500]
    order.version += 1
    record_history_user(order, user)
    order.save()
    record_event(
        subject=order,
        actor=user,
        from_status=previous,
        to_status=OrderStatus.CANCELLED,
        text=texts.CANCELLED_WITH_CUSTOM(number=custom_order.number),
        notify=[],
    )


# --- production -------------------------------------------------------------------------------
@transaction.atomic
def start_production(
    *, user: User, custom_order: CustomOrder, expected_version: int | None = None
) -> CustomOrder:
    """A product manager (or hq) starts production of an accepted custom order (the clock
    stops; late if after `production_due`)."""
    require_producer(user, step="start-production")
    custom_order = _lock(custom_order=custom_order, expected_version=expected_version)
    if custom_order.status != S.ACCEPTED:
        raise ConflictError(
            _("%(number)s is %(status)s: production starts only after the quote is accepted.")
            % {"number": custom_order.number, "status": _status_label(custom_order.status)}
        )
    now = timezone.now()
    custom_order.status = S.IN_PRODUCTION
    custom_order.production_started_at = now
    _save(custom_order, user=user)
    due = custom_order.production_due
    text = None
    if due is not None and now > due:
        text = texts.STARTED_LATE(late=i18n_text.duration(now - due))
    record_event(
        subject=custom_order,
        actor=user,
        from_status=S.ACCEPTED,
        to_status=S.IN_PRODUCTION,
        text=text,
        notify=_producers(custom_order.customer),
    )
    return custom_order


@transaction.atomic
def mark_produced(
    *, user: User, custom_order: CustomOrder, expected_version: int | None = None
) -> CustomOrder:
    """A product manager (or hq) reports the goods made; the order then ships like any."""
    require_producer(user, step="produced")
    custom_order = _lock(custom_order=custom_order, expected_version=expected_version)
    if custom_order.status != S.IN_PRODUCTION:
        raise ConflictError(
            _("%(number)s is %(status)s: only an order in production can be marked produced.")
            % {"number": custom_order.number, "status": _status_label(custom_order.status)}
        )
    custom_order.status = S.PRODUCED
    custom_order.produced_at = timezone.now()
    _save(custom_order, user=user)
    text = None
    if custom_order.order_id is not None:
        number = (
            Order.objects.filter(pk=custom_order.order_id).values_list("number", flat=True).first()
        )
        text = texts.READY(order=number or "")
    record_event(
        subject=custom_order,
        actor=user,
        from_status=S.IN_PRODUCTION,
        to_status=S.PRODUCED,
        text=text,
        notify=_producers(custom_order.customer),
    )
    return custom_order


# --- the clock --------------------------------------------------------------------------------
def duration_text(delta: timedelta) -> str:
    """`2 d 5 h`, `5 h`, `40 min` (absolute)."""
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": max(rest // 60, 1)}


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
        with transaction.atomic():
            custom_order = (
                CustomOrder.objects.all_unscoped()
                .select_for_update(of=("self",))
                .select_related("customer")
                .get(pk=pk)
            )
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
            _save(custom_order, user=None)
            record_event(
                subject=custom_order,
                actor=None,
                kind=EventKind.ALERT,
                text=text,
                visible_to_customer=False,
                notify=_producers(custom_order.customer),
            )
            alerted += 1
    return alerted


def expire_quotes(today: date | None = None) -> int:
    """Mark quotes whose validity passed as expired (the customer, its account manager and
    the quoting product manager are told). Answers how many expired."""
    today = today or timezone.localdate()
    stale = (
        CustomOrder.objects.all_unscoped()
        .filter(status=S.QUOTED, quote_valid_until__lt=today)
        .order_by("quote_valid_until", "pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in list(stale):
        with transaction.atomic():
            custom_order = (
                CustomOrder.objects.all_unscoped()
                .select_for_update(of=("self",))
                .select_related("customer", "quoted_by")
                .get(pk=pk)
            )
            valid_until = custom_order.quote_valid_until
            if custom_order.status != S.QUOTED or valid_until is None or valid_until >= today:
                continue
            custom_order.status = S.EXPIRED
            _save(custom_order, user=None)
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
