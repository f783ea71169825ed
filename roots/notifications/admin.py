from django.contrib import admin

from roots.core.admin import ReadOnlyAdmin
from roots.notifications.models import Notification, OutboxMessage


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "message", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "message")
    raw_id_fields = ("user",)
    readonly_fields = ("message_text", "created_at")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Read-only: the worker owns these rows (a failed one shows its last error)."""

    list_display = ("dedup_key", "to_address", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("dedup_key", "to_address", "subject")
