from django.contrib import admin

from roots.core.admin import ReadOnlyHistoryAdmin
from roots.customers.models import Contact, Customer, Outlet


@admin.register(Customer)
class CustomerAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "channel_type", "branch", "account_manager", "tier", "status"]
    list_filter = ["channel_type", "tier", "priority", "status", "is_key_account", "branch"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["branch", "account_manager"]
    raw_id_fields = ["account_manager"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Outlet)
class OutletAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "customer", "format", "province", "city", "is_active"]
    list_filter = ["format", "is_active", "province"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["customer", "province"]
    raw_id_fields = ["customer"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "customer", "title", "mobile", "is_decision_maker"]
    search_fields = ["name", "search_text", "mobile"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    readonly_fields = ["version", "created_at", "updated_at"]
