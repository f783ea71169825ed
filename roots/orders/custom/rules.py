"""What a custom order holds, shared by its services and its life-cycle: the fixed
vocabulary of features, the bounds of the need and of the quote, the checks of numbers a
caller sends, the quote's total, and whom its steps concern."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.customers.models import Customer
from roots.orders.models import CustomOrder, CustomOrderStatus
from roots.orders.timeline import people_of
from roots.org.models import Role, User

# A quote is valid this long unless the product manager says otherwise.
QUOTE_VALID_DAYS = 14
# Bounds of the need and the quote (an order line holds at most 100,000 units; a unit price
# of a million yuan keeps every total inside the money columns).
MAX_QUANTITY = 100_000
MAX_UNIT_PRICE = Decimal("1000000")
MAX_CAPACITY = Decimal("100000")
MAX_LEAD_DAYS = 365


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


def quote_total(custom_order: CustomOrder) -> Decimal | None:
    if custom_order.quoted_price is None:
        return None
    return (custom_order.quoted_price * custom_order.quantity).quantize(Decimal("0.01"))


def producers_of(customer: Customer) -> list[User]:
    """Whom a step concerns on the producing side: the customer's people (staff-only events
    drop the customer users) and every product manager."""
    return people_of(customer, roles=[Role.PRODUCT_MANAGER])


# --- words ------------------------------------------------------------------------------------
def status_label(status: str) -> str:
    return str(dict(CustomOrderStatus.choices).get(status, status))


def day_label(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def customer_not_active(customer: Customer) -> str:
    return _("%(customer)s cannot order now (%(status)s).") % {
        "customer": customer.name,
        "status": customer.get_status_display(),
    }


# --- checks of what a caller sends ------------------------------------------------------------
def decimal_value(
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


def whole_number(
    value: Any, *, field: str, low: int, high: int, required: bool = True
) -> int | None:
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
