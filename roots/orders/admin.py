"""Django admin of orders, custom orders and their timelines. Status changes belong to the
services (the life-cycle, stock, credit, e-mails): the admin shows orders read-only."""

from __future__ import annotations

from django.contrib import admin

from roots.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline
from roots.orders.models import CustomOrder, Order, OrderAllocation, OrderEvent, OrderLine


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
class OrderAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "kind", "status", "customer", "outlet", "total", "submitted_at"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "search_text", "customer__code"]
    list_select_related = ["customer", "outlet"]
    raw_id_fields = ["customer", "outlet", "placed_by"]
    inlines = [OrderLineInline, OrderEventInline]
    date_hierarchy = "submitted_at"


@admin.register(OrderAllocation)
class OrderAllocationAdmin(ReadOnlyAdmin):
    list_display = ["line", "warehouse", "quantity"]
    list_select_related = ["line__order", "warehouse"]
    raw_id_fields = ["line", "warehouse"]


@admin.register(CustomOrder)
class CustomOrderAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "status", "customer", "title", "quantity", "production_due"]
    list_filter = ["status"]
    search_fields = ["number", "search_text", "customer__code"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "outlet", "requested_by", "quoted_model", "quoted_by", "order"]


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "order", "custom_order", "kind", "to_status", "actor"]
    list_filter = ["kind", "visible_to_customer"]
    list_select_related = ["order", "custom_order", "actor"]
    raw_id_fields = ["customer", "order", "custom_order", "actor"]
