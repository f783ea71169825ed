"""Django admin of orders, custom orders and their timelines. Status changes belong to the
services (the life-cycle, stock, credit, e-mails): the admin shows orders read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from roots.orders.models import CustomOrder, Order, OrderAllocation, OrderEvent, OrderLine


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = (
        "line_no", "sku", "description", "quantity", "unit_price", "discount", "line_total",
    )  # fmt: skip


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fk_name = "order"
    fields = readonly_fields = (
        "created_at", "kind", "from_status", "to_status", "actor", "get_message_display",
    )  # fmt: skip


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ["number", "kind", "status", "customer", "outlet", "total", "submitted_at"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "search_text", "customer__code"]
    list_select_related = ["customer", "outlet"]
    raw_id_fields = ["customer", "outlet", "placed_by"]
    inlines = [OrderLineInline, OrderEventInline]
    date_hierarchy = "submitted_at"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrderAllocation)
class OrderAllocationAdmin(admin.ModelAdmin):
    list_display = ["line", "warehouse", "quantity"]
    list_select_related = ["line__order", "warehouse"]
    raw_id_fields = ["line", "warehouse"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CustomOrder)
class CustomOrderAdmin(SimpleHistoryAdmin):
    list_display = ["number", "status", "customer", "title", "quantity", "production_due"]
    list_filter = ["status"]
    search_fields = ["number", "search_text", "customer__code"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "outlet", "requested_by", "quoted_model", "quoted_by", "order"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "order", "custom_order", "kind", "to_status", "actor"]
    list_filter = ["kind", "visible_to_customer"]
    list_select_related = ["order", "custom_order", "actor"]
    raw_id_fields = ["customer", "order", "custom_order", "actor"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
