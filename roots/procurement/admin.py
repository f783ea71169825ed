"""Suppliers in the Django admin, where they are kept (procurement has no services yet, so
this admin stays editable; see roots.core.admin)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roots.procurement.models import Supplier


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "province", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["is_active"]
