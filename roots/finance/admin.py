"""Finance records in the Django admin: read-only (writes belong to the services)."""

from django.contrib import admin

from roots.core.admin import ReadOnlyHistoryAdmin, ReadOnlyInline
from roots.finance.models import (
    Allocation,
    Dispute,
    DisputeMessage,
    Expense,
    Invoice,
    InvoiceLine,
    Payment,
    Statement,
    StatementLine,
)

_STAMPS = ["version", "created_at", "updated_at"]


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    readonly_fields = ["line_no", "sku", "description", "quantity", "unit_price", "line_total"]


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fk_name = "invoice"
    readonly_fields = ["payment", "expense", "amount", "created_at"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "number",
        "customer",
        "order",
        "issue_date",
        "due_date",
        "amount",
        "paid_amount",
        "status",
    ]
    list_filter = ["status"]
    search_fields = ["number", "customer__code", "customer__name", "order__number"]
    list_select_related = ["customer", "order"]
    raw_id_fields = ["customer", "order"]
    readonly_fields = _STAMPS
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline, AllocationInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "customer", "received_on", "amount", "method", "unapplied_amount"]
    list_filter = ["method"]
    search_fields = ["number", "reference", "customer__code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "recorded_by"]
    readonly_fields = _STAMPS
    date_hierarchy = "received_on"


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "customer", "kind", "status", "activity", "amount", "credit_date"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "activity", "customer__code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "submitted_by", "decided_by"]
    readonly_fields = _STAMPS


class StatementLineInline(ReadOnlyInline):
    model = StatementLine
    readonly_fields = [
        "line_no",
        "date",
        "kind",
        "reference",
        "description",
        "debit",
        "credit",
        "balance",
    ]


@admin.register(Statement)
class StatementAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "number",
        "customer",
        "year",
        "month",
        "opening_balance",
        "closing_balance",
        "status",
    ]
    list_filter = ["status", "year", "month"]
    search_fields = ["number", "customer__code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "issued_by", "confirmed_by"]
    readonly_fields = _STAMPS
    inlines = [StatementLineInline]


class DisputeMessageInline(ReadOnlyInline):
    model = DisputeMessage
    readonly_fields = ["created_at", "author", "body"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyHistoryAdmin):
    list_display = [
        "number",
        "customer",
        "statement",
        "status",
        "created_at",
        "answered_at",
        "closed_at",
    ]
    list_filter = ["status"]
    search_fields = ["number", "comment", "customer__code", "customer__name"]
    list_select_related = ["customer", "statement"]
    raw_id_fields = ["customer", "statement", "opened_by", "answered_by", "closed_by"]
    filter_horizontal = ["lines"]
    readonly_fields = _STAMPS
    inlines = [DisputeMessageInline]
