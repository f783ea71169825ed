"""Writes to the catalog. Each public function is one business action in one transaction;
only headquarters and product managers write (`policies.can_edit_catalog`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

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
from roots.core.exceptions import ConflictError
from roots.core.models import VersionedModel
from roots.core.numbers import next_number
from roots.core.services import (
    apply_and_validate,
    lock_for_update,
    record_history_user,
)

if TYPE_CHECKING:
    from datetime import date

    from roots.org.models import User

V = TypeVar("V", bound=VersionedModel)


def _check_writer(user: User) -> None:
    if not policies.can_edit_catalog(user):
        raise PermissionDenied(_("You may not change the catalog."))


def _create(*, user: User, instance: V, data: Mapping[str, Any]) -> V:
    _check_writer(user)
    return apply_and_validate(instance=instance, data=dict(data), user=user)


def _update(
    *,
    user: User,
    instance: V,
    data: Mapping[str, Any],
    expected_version: int | None,
    fixed: tuple[str, ...] = (),
) -> V:
    """Change a record; the fields in `fixed` (its code, its parent record) cannot change."""
    _check_writer(user)
    locked = lock_for_update(instance=instance, expected_version=expected_version)
    values = dict(data)
    for name in fixed:
        if name not in values:
            continue
        new = values.pop(name)
        current = getattr(locked, name)
        if getattr(new, "pk", new) != getattr(current, "pk", current):
            raise ValidationError({name: [_("This field cannot change.")]})
    return apply_and_validate(instance=locked, data=values, user=user)


# --- categories and product models ---------------------------------------------------------
@transaction.atomic
def category_create(*, user: User, data: Mapping[str, Any]) -> Category:
    """Add a product category."""
    return _create(user=user, instance=Category(), data=data)


@transaction.atomic
def category_update(
    *, user: User, category: Category, data: Mapping[str, Any], expected_version: int | None = None
) -> Category:
    """Rename or move a category; its code stays and it cannot become its own ancestor."""
    parent = data.get("parent")
    while parent is not None:
        if parent.pk == category.pk:
            raise ValidationError({"parent": [_("A category cannot be under itself.")]})
        parent = parent.parent
    return _update(
        user=user,
        instance=category,
        data=data,
        expected_version=expected_version,
        fixed=("code",),
    )


@transaction.atomic
def product_model_create(*, user: User, data: Mapping[str, Any]) -> ProductModel:
    """Add a product model (a product line)."""
    return _create(user=user, instance=ProductModel(), data=data)


@transaction.atomic
def product_model_update(
    *,
    user: User,
    product_model: ProductModel,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> ProductModel:
    return _update(
        user=user,
        instance=product_model,
        data=data,
        expected_version=expected_version,
        fixed=("code",),
    )


@transaction.atomic
def regional_variant_create(*, user: User, data: Mapping[str, Any]) -> RegionalVariant:
    """Record how a product model is tuned for a region."""
    return _create(user=user, instance=RegionalVariant(), data=data)


@transaction.atomic
def regional_variant_update(
    *,
    user: User,
    regional_variant: RegionalVariant,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> RegionalVariant:
    return _update(
        user=user,
        instance=regional_variant,
        data=data,
        expected_version=expected_version,
        fixed=("product_model",),
    )


# --- SKUs ----------------------------------------------------------------------------------
@transaction.atomic
def sku_create(*, user: User, data: Mapping[str, Any]) -> Sku:
    """Add a SKU to a product model."""
    return _create(user=user, instance=Sku(), data=data)


@transaction.atomic
def sku_update(
    *, user: User, sku: Sku, data: Mapping[str, Any], expected_version: int | None = None
) -> Sku:
    """Change a SKU's attributes, list price or activity; its code stays."""
    return _update(
        user=user, instance=sku, data=data, expected_version=expected_version, fixed=("code",)
    )


# --- warehouses and stock ------------------------------------------------------------------
@transaction.atomic
def warehouse_create(*, user: User, data: Mapping[str, Any]) -> Warehouse:
    return _create(user=user, instance=Warehouse(), data=data)


@transaction.atomic
def warehouse_update(
    *,
    user: User,
    warehouse: Warehouse,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Warehouse:
    return _update(
        user=user,
        instance=warehouse,
        data=data,
        expected_version=expected_version,
        fixed=("code",),
    )


def _check_reserved(values: Mapping[str, Any], current: StockLevel | None = None) -> None:
    on_hand = values.get("on_hand", current.on_hand if current else 0)
    reserved = values.get("reserved", current.reserved if current else 0)
    if reserved > on_hand:
        raise ValidationError({"reserved": [_("More units reserved than on hand.")]})


@transaction.atomic
def stock_level_create(*, user: User, data: Mapping[str, Any]) -> StockLevel:
    """Record the stock of a SKU in a warehouse (one row per warehouse and SKU)."""
    _check_writer(user)
    _check_reserved(data)
    return _create(user=user, instance=StockLevel(), data=data)


@transaction.atomic
def stock_level_update(
    *,
    user: User,
    stock_level: StockLevel,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> StockLevel:
    """Set the units on hand or reserved."""
    _check_writer(user)
    _check_reserved(data, stock_level)
    return _update(
        user=user,
        instance=stock_level,
        data=data,
        expected_version=expected_version,
        fixed=("warehouse", "sku"),
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
def price_list_create(*, user: User, data: Mapping[str, Any]) -> PriceList:
    """Add a channel price list."""
    return _create(user=user, instance=PriceList(), data=data)


@transaction.atomic
def price_list_update(
    *,
    user: User,
    price_list: PriceList,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> PriceList:
    return _update(
        user=user,
        instance=price_list,
        data=data,
        expected_version=expected_version,
        fixed=("code",),
    )


@transaction.atomic
def price_list_item_create(*, user: User, data: Mapping[str, Any]) -> PriceListItem:
    """Price a SKU in a price list (once per list)."""
    return _create(user=user, instance=PriceListItem(), data=data)


@transaction.atomic
def price_list_item_update(
    *,
    user: User,
    price_list_item: PriceListItem,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> PriceListItem:
    return _update(
        user=user,
        instance=price_list_item,
        data=data,
        expected_version=expected_version,
        fixed=("price_list", "sku"),
    )


@transaction.atomic
def price_list_item_delete(
    *, user: User, price_list_item: PriceListItem, expected_version: int | None = None
) -> None:
    """Take a SKU off a price list (its customers then pay the list price, or another
    list's); the item's history stays."""
    _check_writer(user)
    locked = lock_for_update(instance=price_list_item, expected_version=expected_version)
    record_history_user(locked, user)
    locked.delete()


@transaction.atomic
def customer_price_create(*, user: User, data: Mapping[str, Any]) -> CustomerPrice:
    """Agree a customer-specific price for a SKU over a period."""
    return _create(user=user, instance=CustomerPrice(), data=data)


@transaction.atomic
def customer_price_update(
    *,
    user: User,
    customer_price: CustomerPrice,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> CustomerPrice:
    return _update(
        user=user,
        instance=customer_price,
        data=data,
        expected_version=expected_version,
        fixed=("customer", "sku"),
    )


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
