"""Admin of the sell-through app: uploads (read-only: an upload changes only through its
import), their rejected rows and the feed rows, for lookups."""

from django.contrib import admin

from roots.core.admin import ReadOnlyAdmin
from roots.sellthrough.models import CategorySales, SellThrough, Upload, UploadError


@admin.register(UploadError)
class UploadErrorAdmin(ReadOnlyAdmin):
    list_display = ["upload", "row_number", "column", "message"]
    search_fields = ["=upload__id", "message"]
    list_select_related = ["upload"]
    raw_id_fields = ["upload"]
    show_full_result_count = False


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "original_name",
        "customer",
        "kind",
        "status",
        "rows_read",
        "rows_rejected",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["original_name", "sha256", "customer__code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "uploaded_by"]
    readonly_fields = [f.name for f in Upload._meta.fields]
    date_hierarchy = "created_at"


@admin.register(SellThrough)
class SellThroughAdmin(ReadOnlyAdmin):
    list_display = [
        "date",
        "outlet",
        "sku",
        "units_received",
        "units_sold",
        "revenue",
        "stock_units",
        "unit_cost",
    ]
    list_filter = ["date"]
    search_fields = ["outlet__code", "sku__code", "customer__code"]
    list_select_related = ["outlet", "sku"]
    raw_id_fields = ["customer", "outlet", "sku", "upload"]
    show_full_result_count = False


@admin.register(CategorySales)
class CategorySalesAdmin(ReadOnlyAdmin):
    list_display = ["date", "outlet", "category", "total_sales"]
    list_filter = ["date"]
    search_fields = ["outlet__code", "category__code", "customer__code"]
    list_select_related = ["outlet", "category"]
    raw_id_fields = ["customer", "outlet", "category", "upload"]
    show_full_result_count = False
