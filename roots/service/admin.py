from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roots.service.models import Complaint, ComplaintMessage


class ComplaintMessageInline(admin.TabularInline):
    model = ComplaintMessage
    extra = 0
    fields = ["created_at", "kind", "author", "internal", "text"]
    readonly_fields = ["created_at", "kind", "author", "internal", "text"]
    can_delete = False


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
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
