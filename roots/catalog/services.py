"""Writes to the catalog. Each public function is one business action in one transaction;
only headquarters and product managers write (`policies.can_edit_catalog`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from roots.catalog import policies
from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    Promotion,
    RegionalVariant,
    Sku,
    StockLevel,
    Warehouse,
)
from roots.core.crud import record_delete, record_services
from roots.core.exceptions import ConflictError
from roots.core.numbers import next_number
from roots.core.services import apply_and_validate, lock_for_update, record_history_user

if TYPE_CHECKING:
    from datetime import date

    from roots.org.models import User


def _check_writer(user: User) -> None:
    if not policies.can_edit_catalog(user):
        raise PermissionDenied(_("You may not change the catalog."))


def _check_not_own_ancestor(data: Mapping[str, Any], category: Category | None) -> None:
    parent = data.get("parent")
    while category is not None and parent is not None:
        if parent.pk == category.pk:
            raise ValidationError({"parent": [_("A category cannot be under itself.")]})
        parent = parent.parent


def _check_reserved(values: Mapping[str, Any], current: StockLevel | None = None) -> None:
    on_hand = values.get("on_hand", current.on_hand if current else 0)
    reserved = values.get("reserved", current.reserved if current else 0)
    if reserved > on_hand:
        raise ValidationError({"reserved": [_("More units reserved than on hand.")]})


# The plain records: written by hq and product managers, their code or parents fixed.
category_create, category_update = record_services(
    Category,
    "category",
    check=_check_writer,
    fixed=("code",),
    validate=_check_not_own_ancestor,
    create_doc="Add a product category.",
    update_doc="Rename or move a category; its code stays and it cannot become its own ancestor.",
)
product_model_create, product_model_update = record_services(
    ProductModel,
    "product_model",
    check=_check_writer,
    fixed=("code",),
    create_doc="Add a product model (a product line).",
    update_doc="Change a product model; its code stays.",
)
regional_variant_create, regional_variant_update = record_services(
    RegionalVariant,
    "regional_variant",
    check=_check_writer,
    fixed=("product_model",),
    create_doc="Record how a product model is tuned for a region.",
    update_doc="Change how a product model is tuned for a region (the model stays).",
)
sku_create, sku_update = record_services(
    Sku,
    "sku",
    check=_check_writer,
    fixed=("code",),
    create_doc="Add a SKU to a product model.",
    update_doc="Change a SKU's attributes, list price or activity; its code stays.",
)
warehouse_create, warehouse_update = record_services(
    Warehouse,
    "warehouse",
    check=_check_writer,
    fixed=("code",),
    create_doc="Add a warehouse.",
    update_doc="Change a warehouse; its code stays.",
)
stock_level_create, stock_level_update = record_services(
    StockLevel,
    "stock_level",
    check=_check_writer,
    fixed=("warehouse", "sku"),
    validate=_check_reserved,
    create_doc="Record the stock of a SKU in a warehouse (one row per warehouse and SKU).",
    update_doc="Set the units on hand or reserved.",
)
price_list_create, price_list_update = record_services(
    PriceList,
    "price_list",
    check=_check_writer,
    fixed=("code",),
    create_doc="Add a channel price list.",
    update_doc="Change a channel price list; its code stays.",
)
price_list_item_create, price_list_item_update = record_services(
    PriceListItem,
    "price_list_item",
    check=_check_writer,
    fixed=("price_list", "sku"),
    create_doc="Price a SKU in a price list (once per list).",
    update_doc="Re-price a SKU in a price list (the SKU and the list stay).",
)
customer_price_create, customer_price_update = record_services(
    CustomerPrice,
    "customer_price",
    check=_check_writer,
    fixed=("customer", "sku"),
    create_doc="Agree a customer-specific price for a SKU over a period.",
    update_doc="Change a customer price's amount or period (the customer and the SKU stay).",
)


def stock_adjust(
    stock: StockLevel, *, user: User, reason: str, on_hand: int = 0, reserved: int = 0
) -> None:
    """Move units of a stock row (locked by the caller, in its transaction): `on_hand` and
    `reserved` are deltas. The one writer of stock movements: orders reserve, ship and release
    through it. A movement that would leave less on hand than reserved, or a negative count,
    is refused (409): the stock changed under the caller."""
    stock.on_hand += on_hand
    stock.reserved += reserved
    if stock.on_hand < 0 or stock.reserved < 0 or stock.reserved > stock.on_hand:
        raise ConflictError(
            _("The stock of this order's products changed meanwhile; ask the branch to check it."),
            code="stock_changed",
        )
    stock.version += 1
    record_history_user(stock, user)
    stock._change_reason = reason  # type: ignore[attr-defined]
    stock.save(update_fields=["on_hand", "reserved", "version", "updated_at"])


# --- prices --------------------------------------------------------------------------------
@transaction.atomic
def price_list_item_delete(
    *, user: User, price_list_item: PriceListItem, expected_version: int | None = None
) -> None:
    """Take a SKU off a price list (its customers then pay the list price, or another
    list's); the item's history stays."""
    _check_writer(user)
    record_delete(user=user, instance=price_list_item, expected_version=expected_version)


@transaction.atomic
def customer_price_end(
    *,
    user: User,
    customer_price: CustomerPrice,
    on: date,
    expected_version: int | None = None,
) -> CustomerPrice:
    """End a customer-specific price: it is valid up to `on` (included), then the channel
    price applies again. A price is never deleted, so orders keep their explanation."""
    return customer_price_update(
        user=user,
        customer_price=customer_price,
        data={"valid_to": on},
        expected_version=expected_version,
    )


# --- promotions ----------------------------------------------------------------------------
PROMOTION_TARGETS = ("categories", "product_models", "skus")


def _check_promotion_writer(user: User) -> None:
    if not policies.can_edit_promotions(user):
        raise PermissionDenied(_("You may not change promotions."))


def _set_targets(promotion: Promotion, targets: Mapping[str, Any]) -> None:
    for name in PROMOTION_TARGETS:
        if name in targets:
            getattr(promotion, name).set(list(targets[name] or []))


@transaction.atomic
def promotion_create(*, user: User, data: Mapping[str, Any]) -> Promotion:
    """Add a promotion (a draft until `is_published`); its code is generated (PR000001)
    when not given. Targets (categories, product models, SKUs) are lists of records."""
    _check_promotion_writer(user)
    values = {k: v for k, v in data.items() if k not in PROMOTION_TARGETS}
    if not values.get("code"):
        values["code"] = next_number(
            model=Promotion, prefix="PR", width=6, sequence="promotion", field="code"
        )
    elif Promotion.objects.all_unscoped().filter(code=values["code"]).exists():
        raise ValidationError({"code": [_("A promotion with this code exists already.")]})
    promotion = apply_and_validate(instance=Promotion(created_by=user), data=values, user=user)
    _set_targets(promotion, data)
    return promotion


@transaction.atomic
def promotion_update(
    *,
    user: User,
    promotion: Promotion,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Promotion:
    """Change a promotion (dates, targets, discount, publication); its code stays. A change
    of targets alone counts as a change (the version grows)."""
    _check_promotion_writer(user)
    locked = lock_for_update(instance=promotion, expected_version=expected_version)
    values = {k: v for k, v in data.items() if k not in PROMOTION_TARGETS}
    if "code" in values and values.pop("code") != locked.code:
        raise ValidationError({"code": [_("This field cannot change.")]})
    targets = {k: data[k] for k in PROMOTION_TARGETS if k in data}
    targets_changed = any(
        {obj.pk for obj in targets[name] or []}
        != set(getattr(locked, name).values_list("pk", flat=True))
        for name in targets
    )
    before = locked.version
    locked = apply_and_validate(instance=locked, data=values, user=user)
    if targets_changed:
        _set_targets(locked, targets)
        if locked.version == before:
            locked.version += 1
            locked.save(update_fields=["version", "updated_at"])
    return locked


@transaction.atomic
def promotion_delete(
    *, user: User, promotion: Promotion, expected_version: int | None = None
) -> None:
    """Delete a promotion that no order used (one that did stays, unpublished, as the
    record of the discount those orders got)."""
    _check_promotion_writer(user)
    locked = lock_for_update(instance=promotion, expected_version=expected_version)
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as exc:
        raise ConflictError(
            _("Orders used this promotion; unpublish it or end it instead of deleting it.")
        ) from exc
