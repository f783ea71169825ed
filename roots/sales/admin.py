"""Django admin of the sales pipeline (the daily board's items are helper D's to add)."""

from django.contrib import admin

from roots.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin
from roots.sales.models import Activity, Lead, Opportunity, PotentialAssessment


@admin.register(Lead)
class LeadAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "company_name", "status", "source", "owner", "branch", "created_at"]
    list_filter = ["status", "source", "channel_type", "branch"]
    search_fields = ["code", "company_name", "contact_name", "phone", "search_text"]
    list_select_related = ["owner", "branch"]
    raw_id_fields = ["owner", "branch", "customer", "province"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "customer", "stage", "expected_value", "close_date", "owner"]
    list_filter = ["stage", "lost_reason", "branch"]
    search_fields = ["code", "name", "search_text", "customer__code", "customer__name"]
    list_select_related = ["customer", "owner"]
    raw_id_fields = ["customer", "lead", "owner", "branch"]
    readonly_fields = ["version", "created_at", "updated_at", "stage_changed_at", "closed_at"]
    date_hierarchy = "close_date"


@admin.register(Activity)
class ActivityAdmin(ReadOnlyHistoryAdmin):
    list_display = ["subject", "kind", "status", "customer", "owner", "planned_at", "done_at"]
    list_filter = ["kind", "status", "branch"]
    search_fields = ["subject", "customer__code", "customer__name", "lead__code"]
    list_select_related = ["customer", "owner"]
    raw_id_fields = ["owner", "branch", "customer", "lead", "opportunity", "contact"]
    readonly_fields = ["version", "created_at", "updated_at"]
    date_hierarchy = "planned_at"


@admin.register(PotentialAssessment)
class PotentialAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["customer", "score", "priority", "potential_revenue", "current_revenue"]
    list_filter = ["priority"]
    search_fields = ["customer__code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "assessed_by"]
    readonly_fields = ["score", "current_revenue", "created_at", "updated_at"]
