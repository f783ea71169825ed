"""Reads of the catalog, always through the user's scope, and the effective price."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    Promotion,
    PromotionQuerySet,
    RegionalVariant,
    Sku,
    StockLevel,
    Warehouse,
)
from roots.core.selectors import HistoryChange, HistoryEntry, history_entries

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User


def category_list(*, user: User) -> QuerySet[Category]:
    return Category.objects.visible_to(user).select_related("parent")


def product_model_list(*, user: User) -> QuerySet[ProductModel]:
    return ProductModel.objects.visible_to(user).select_related("category")


def regional_variant_list(*, user: User) -> QuerySet[RegionalVariant]:
    return RegionalVariant.objects.visible_to(user).select_related("product_model")


def sku_list(*, user: User, search: str | None = None) -> QuerySet[Sku]:
    return (
        Sku.objects.visible_to(user)
        .search(search)
        .select_related("product_model", "product_model__category")
    )


def warehouse_list(*, user: User) -> QuerySet[Warehouse]:
    return Warehouse.objects.visible_to(user).select_related("province", "branch")


def stock_level_list(*, user: User) -> QuerySet[StockLevel]:
    return StockLevel.objects.visible_to(user).select_related("warehouse", "sku")


def price_list_list(*, user: User) -> QuerySet[PriceList]:
    return PriceList.objects.visible_to(user)


def price_list_item_list(*, user: User) -> QuerySet[PriceListItem]:
    return PriceListItem.objects.visible_to(user).select_related("price_list", "sku")


def customer_price_list(*, user: User) -> QuerySet[CustomerPrice]:
    return CustomerPrice.objects.visible_to(user).select_related("customer", "sku")


# --- the effective price -------------------------------------------------------------------
def _valid_on(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def prices_for(*, customer: Customer, skus: Iterable[Sku], on: date) -> dict[int, Decimal]:
    """The effective price of each SKU for a customer on a day, in two queries whatever
    the number of SKUs: a customer-specific price valid that day, else the price in a valid
    price list of the customer's channel type, else the SKU's list price. Where several
    are valid, the one that started last wins."""
    by_id = {sku.pk: sku for sku in skus}
    prices = {pk: sku.list_price for pk, sku in by_id.items()}
    if not by_id:
        return prices
    channel_items = (
        PriceListItem.objects.all_unscoped()
        .filter(
            _valid_on(on, "price_list__"),
            price_list__channel_type=customer.channel_type,
            sku_id__in=by_id,
        )
        .order_by("price_list__valid_from", "price_list_id")
        .values_list("sku_id", "price")
    )
    for sku_id, price in channel_items:  # later lists overwrite earlier ones
        prices[sku_id] = price
    overrides = (
        CustomerPrice.objects.all_unscoped()
        .filter(_valid_on(on), customer=customer, sku_id__in=by_id)
        .order_by("valid_from", "pk")
        .values_list("sku_id", "price")
    )
    for sku_id, price in overrides:
        prices[sku_id] = price
    return prices


def price_for(*, customer: Customer, sku: Sku, on: date) -> Decimal:
    """The effective price of one SKU for a customer on a day (see `prices_for`)."""
    return prices_for(customer=customer, skus=[sku], on=on)[sku.pk]


# --- stock ---------------------------------------------------------------------------------
def available_stock(*, sku_ids: Iterable[int]) -> dict[int, int]:
    """Units available to order (on hand minus reserved, over every active warehouse) of
    each SKU, in one query."""
    ids = list(sku_ids)
    if not ids:
        return {}
    rows = (
        StockLevel.objects.all_unscoped()
        .filter(sku_id__in=ids, warehouse__is_active=True)
        .values("sku_id")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
        .values_list("sku_id", "units")
    )
    found = {sku_id: int(units or 0) for sku_id, units in rows}
    return {pk: found.get(pk, 0) for pk in ids}


# --- promotions ----------------------------------------------------------------------------
def promotion_list(*, user: User) -> PromotionQuerySet:
    return Promotion.objects.visible_to(user).select_related("created_by")


def promotions_for(*, user: User, on: date | None = None) -> QuerySet[Promotion]:
    """The published promotions that apply for `user` on a day (today by default): for a
    customer user those that target its channel type; for staff every channel's. Newest
    first; suppliers and anonymous users get none."""
    day = on or timezone.localdate()
    return (
        Promotion.objects.visible_to(user)
        .filter(is_published=True)
        .valid_on(day)
        .order_by("-discount_percent", "-valid_from", "code")
    )


def best_promotions(
    *, customer: Customer | None, skus: Iterable[Sku], on: date
) -> dict[int, Promotion]:
    """The best published promotion valid on `on` for each SKU that has one (the highest
    discount; then the one that started last), for the customer's channel type (`None`:
    any channel). At most five queries whatever the number of SKUs."""
    ids = {sku.pk for sku in skus}
    if not ids:
        return {}
    active = Promotion.objects.all_unscoped().filter(is_published=True).valid_on(on)
    if customer is not None:
        active = active.for_channel(customer.channel_type)
    promotions = {p.pk: p for p in active}
    if not promotions:
        return {}
    targets: dict[int, tuple[set[int], set[int], set[int]]] = {
        pk: (set(), set(), set()) for pk in promotions
    }
    for through, column, index in (
        (Promotion.categories.through, "category_id", 0),
        (Promotion.product_models.through, "productmodel_id", 1),
        (Promotion.skus.through, "sku_id", 2),
    ):
        for promotion_id, target_id in through.objects.filter(
            promotion_id__in=promotions
        ).values_list("promotion_id", column):
            targets[promotion_id][index].add(target_id)
    facts = (
        Sku.objects.all_unscoped()
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "product_model_id",
            "product_model__category_id",
            "product_model__category__parent_id",
        )
    )
    ranked = sorted(
        promotions.values(), key=lambda p: (p.discount_percent, p.valid_from, p.pk), reverse=True
    )
    best: dict[int, Promotion] = {}
    for sku_id, model_id, category_id, parent_id in facts:
        for promotion in ranked:
            categories, models_, skus_ = targets[promotion.pk]
            everything = not (categories or models_ or skus_)
            if (
                everything
                or sku_id in skus_
                or model_id in models_
                or category_id in categories
                or (parent_id is not None and parent_id in categories)
            ):
                best[sku_id] = promotion
                break
    return best


def best_promotion(*, customer: Customer | None, sku: Sku, on: date) -> Promotion | None:
    """The best promotion for one SKU (see `best_promotions`)."""
    return best_promotions(customer=customer, skus=[sku], on=on).get(sku.pk)


# --- product cards (the catalog pages and the order builder) ---------------------------------
@dataclass(frozen=True)
class ProductCard:
    """A SKU as a buyer sees it: its list price, the customer's own price (when there is a
    customer), the best promotion and the units available to order."""

    sku: Sku
    list_price: Decimal
    price: Decimal | None
    promotion: Promotion | None
    available: int

    @property
    def promotion_price(self) -> Decimal | None:
        base = self.price if self.price is not None else self.list_price
        if self.promotion is None:
            return None
        off = (base * self.promotion.discount_percent / 100).quantize(Decimal("0.01"))
        return base - off


def product_cards(
    *, skus: Iterable[Sku], customer: Customer | None, on: date | None = None
) -> list[ProductCard]:
    """Cards for a page of SKUs in a constant number of queries (prices, promotions, stock)."""
    items = list(skus)
    day = on or timezone.localdate()
    prices = prices_for(customer=customer, skus=items, on=day) if customer is not None else {}
    promotions = best_promotions(customer=customer, skus=items, on=day)
    stock = available_stock(sku_ids=[s.pk for s in items])
    return [
        ProductCard(
            sku=sku,
            list_price=sku.list_price,
            price=prices.get(sku.pk),
            promotion=promotions.get(sku.pk),
            available=stock.get(sku.pk, 0),
        )
        for sku in items
    ]


# --- change history of a price list with its items -----------------------------------------
def price_list_history(*, price_list: PriceList, limit: int = 200) -> list[HistoryEntry]:
    """The history of a price list and of its items (added, re-priced, removed), newest
    first; each item's entry names its SKU (as the entry's `reason`). Three queries for the
    items whatever the length of the list: the latest item snapshots, the snapshots before
    them, and the SKUs."""
    entries = history_entries(instance=price_list, limit=limit)
    historical = PriceListItem.history.model  # type: ignore[attr-defined]
    latest = list(
        historical.objects.filter(price_list_id=price_list.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    ids = {record.id for record in latest}
    snapshots: dict[int, list[Any]] = {}
    for record in historical.objects.filter(price_list_id=price_list.pk, id__in=ids).order_by(
        "history_date", "history_id"
    ):
        snapshots.setdefault(record.id, []).append(record)
    skus = Sku.objects.all_unscoped().in_bulk({record.sku_id for record in latest})
    label = str(PriceListItem._meta.get_field("price").verbose_name)
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    for record in latest:
        chain = snapshots.get(record.id, [])
        position = next(i for i, r in enumerate(chain) if r.history_id == record.history_id)
        previous = chain[position - 1] if position > 0 else None
        old = None if previous is None else str(previous.price)
        new = str(record.price)
        changes: list[HistoryChange] = []
        if record.history_type == "+" or (record.history_type == "~" and old != new):
            changes.append({"field": "price", "label": label, "old": old, "new": new})
        sku = skus.get(record.sku_id)
        user = record.history_user
        entries.append(
            {
                "history_id": record.history_id,
                "date": record.history_date,
                "type": kinds.get(record.history_type, "changed"),
                "user": getattr(user, "username", None) if user else None,
                "reason": _("SKU %(code)s") % {"code": sku.code if sku else record.sku_id},
                "changes": changes,
            }
        )
    entries.sort(key=lambda e: e["date"], reverse=True)
    return entries[:limit]
