"""Who may change the catalog (reads are scoped by `visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.core.fields import FieldAllowList
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User


def can_edit_catalog(user: User) -> bool:
    """Headquarters and product managers keep the catalog, stock and prices."""
    return bool(user.is_authenticated and user.is_active) and user.has_role(
        Role.HQ_ADMIN, Role.PRODUCT_MANAGER
    )


def can_edit_promotions(user: User) -> bool:
    """Headquarters and product managers create and change promotions."""
    return bool(user.is_authenticated and user.is_active) and user.has_role(
        Role.HQ_ADMIN, Role.PRODUCT_MANAGER
    )


# --- what each role may write on an edit (`roots.core.fields`) ------------------------------
# Headquarters and product managers keep the whole catalog; nobody else writes any of it.
# `*_FIXED` fields are set on create and never change (a change is a field error, 400).
CATALOG_EDITORS = (Role.HQ_ADMIN, Role.PRODUCT_MANAGER)


def _editors(*names: str) -> FieldAllowList:
    return dict.fromkeys(CATALOG_EDITORS, frozenset(names))


CATEGORY_FIELDS = _editors("name", "name_en", "parent")
CATEGORY_FIXED = _editors("code")
PRODUCT_MODEL_FIELDS = _editors(
    "name", "category", "series", "launched_on", "is_custom_capable", "description"
)
PRODUCT_MODEL_FIXED = _editors("code")
REGIONAL_VARIANT_FIELDS = _editors("region", "features")
REGIONAL_VARIANT_FIXED = _editors("product_model")
SKU_FIELDS = _editors(
    "name",
    "product_model",
    "capacity",
    "capacity_unit",
    "energy_class",
    "colour",
    "list_price",
    "is_active",
)
SKU_FIXED = _editors("code")
WAREHOUSE_FIELDS = _editors("name", "province", "branch", "city", "is_active")
WAREHOUSE_FIXED = _editors("code")
STOCK_LEVEL_FIELDS = _editors("on_hand", "reserved")
STOCK_LEVEL_FIXED = _editors("warehouse", "sku")
PRICE_LIST_FIELDS = _editors("name", "channel_type", "valid_from", "valid_to")
PRICE_LIST_FIXED = _editors("code")
PRICE_LIST_ITEM_FIELDS = _editors("price")
PRICE_LIST_ITEM_FIXED = _editors("price_list", "sku")
CUSTOMER_PRICE_FIELDS = _editors("price", "valid_from", "valid_to")
CUSTOMER_PRICE_FIXED = _editors("customer", "sku")
PROMOTION_FIELDS = _editors(
    "name",
    "description",
    "valid_from",
    "valid_to",
    "channel_types",
    "categories",
    "product_models",
    "skus",
    "discount_percent",
    "is_published",
)
PROMOTION_FIXED = _editors("code")
