from django.contrib import admin

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
from roots.core.admin import ReadOnlyHistoryAdmin

_RECORD = ["version", "created_at", "updated_at"]


@admin.register(Category)
class CategoryAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "name_en", "parent"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["parent"]
    readonly_fields = _RECORD


@admin.register(ProductModel)
class ProductModelAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "category", "series", "launched_on", "is_custom_capable"]
    list_filter = ["category", "is_custom_capable"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["category"]
    readonly_fields = _RECORD


@admin.register(RegionalVariant)
class RegionalVariantAdmin(ReadOnlyHistoryAdmin):
    list_display = ["product_model", "region"]
    list_filter = ["region"]
    search_fields = ["product_model__code", "features"]
    list_select_related = ["product_model"]
    raw_id_fields = ["product_model"]
    readonly_fields = _RECORD


@admin.register(Sku)
class SkuAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "product_model", "energy_class", "list_price", "is_active"]
    list_filter = ["is_active", "energy_class", "product_model__category"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["product_model"]
    raw_id_fields = ["product_model"]
    readonly_fields = _RECORD


@admin.register(Warehouse)
class WarehouseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "province", "branch", "city", "is_active"]
    list_filter = ["is_active", "province"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["province", "branch"]
    readonly_fields = _RECORD


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyHistoryAdmin):
    list_display = ["warehouse", "sku", "on_hand", "reserved"]
    list_filter = ["warehouse"]
    search_fields = ["sku__code", "warehouse__code"]
    list_select_related = ["warehouse", "sku"]
    raw_id_fields = ["warehouse", "sku"]
    readonly_fields = _RECORD


@admin.register(PriceList)
class PriceListAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "channel_type", "valid_from", "valid_to"]
    list_filter = ["channel_type"]
    search_fields = ["code", "name"]
    readonly_fields = ["currency", *_RECORD]


@admin.register(PriceListItem)
class PriceListItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ["price_list", "sku", "price"]
    list_filter = ["price_list"]
    search_fields = ["sku__code"]
    list_select_related = ["price_list", "sku"]
    raw_id_fields = ["price_list", "sku"]
    readonly_fields = _RECORD


@admin.register(CustomerPrice)
class CustomerPriceAdmin(ReadOnlyHistoryAdmin):
    list_display = ["customer", "sku", "price", "valid_from", "valid_to"]
    search_fields = ["customer__code", "sku__code"]
    list_select_related = ["customer", "sku"]
    raw_id_fields = ["customer", "sku"]
    readonly_fields = _RECORD


@admin.register(Promotion)
class PromotionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "valid_from", "valid_to", "discount_percent", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["code", "name", "search_text"]
    filter_horizontal = ["categories", "product_models"]
    raw_id_fields = ["skus", "created_by"]
    readonly_fields = _RECORD
