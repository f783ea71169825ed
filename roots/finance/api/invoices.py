"""Invoices, one per shipped order (read-only), with their lines and allocations."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import mixins, serializers

from roots.core.api import RetrieveWithETagMixin, ScopedModelViewSet, scope_user
from roots.finance import selectors
from roots.finance.filters import InvoiceFilter
from roots.finance.models import Allocation, Invoice, InvoiceLine


class InvoiceLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = InvoiceLine
        fields = ["line_no", "sku", "description", "quantity", "unit_price", "line_total"]
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    receipt = serializers.SerializerMethodField(help_text="Number of the payment or credit.")
    kind = serializers.SerializerMethodField()

    class Meta:
        model = Allocation
        fields = ["receipt", "kind", "amount"]
        read_only_fields = fields

    def get_receipt(self, obj: Allocation) -> str:
        receipt = obj.payment or obj.expense
        return receipt.number if receipt is not None else ""

    def get_kind(self, obj: Allocation) -> str:
        return "payment" if obj.payment_id else "credit"


class InvoiceSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    order = serializers.CharField(
        source="order.number", read_only=True, default=None, allow_null=True
    )
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    display_status = serializers.SerializerMethodField(
        help_text="The status, or `overdue` for an unpaid invoice past its due date."
    )

    class Meta:
        model = Invoice
        fields = [
            "number",
            "customer",
            "customer_name",
            "order",
            "issue_date",
            "due_date",
            "amount",
            "paid_amount",
            "outstanding",
            "status",
            "display_status",
            "paid_at",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_display_status(self, obj: Invoice) -> str:
        return obj.display_status(timezone.localdate())


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "allocations"]
        read_only_fields = fields


class InvoiceViewSet(RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet):
    """Invoices, one per shipped order (read-only). `?status=overdue` lists the unpaid ones
    past their due date."""

    model = Invoice
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    lookup_field = "number"
    ordering_fields = ["issue_date", "due_date", "amount", "number"]

    def get_queryset(self) -> Any:
        queryset = selectors.invoice_list(user=scope_user(self.request))
        if self.action != "list":
            queryset = queryset.prefetch_related(
                "lines__sku", "allocations__payment", "allocations__expense"
            )
        return queryset

    def get_serializer_class(self) -> Any:
        return InvoiceSerializer if self.action == "list" else InvoiceDetailSerializer
