from django.contrib import admin

from roots.core.models import IdempotencyRecord, Sequence


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "method", "path", "status_code", "created_at"]
    search_fields = ["key", "path"]
    raw_id_fields = ["user"]


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ["name", "last_value"]
