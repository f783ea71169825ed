from django.contrib import admin

from roots.core.admin import ReadOnlyHistoryAdmin, ReadOnlyInline
from roots.service.models import Complaint, ComplaintMessage


class ComplaintMessageInline(ReadOnlyInline):
    model = ComplaintMessage
    fields = ["created_at", "kind", "author", "internal", "text"]
    readonly_fields = ["created_at", "kind", "author", "internal", "text"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "number",
        "customer",
        "category",
        "severity",
        "status",
        "owner",
        "raised_at",
        "response_due",
        "resolved_within_sla",
    ]
    list_filter = ["status", "severity", "category", "resolved_within_sla"]
    search_fields = ["number", "subject", "search_text", "customer__code", "customer__name"]
    list_select_related = ["customer", "owner"]
    raw_id_fields = ["customer", "outlet", "owner", "raised_by"]
    readonly_fields = ["version", "created_at", "updated_at"]
    date_hierarchy = "raised_at"
    inlines = [ComplaintMessageInline]
