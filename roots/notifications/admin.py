from django.contrib import admin

from roots.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "message", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "message")
    raw_id_fields = ("user",)
    readonly_fields = ("message_text", "created_at")
