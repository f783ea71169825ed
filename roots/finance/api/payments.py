"""Payments received; account, branch and HQ staff record them."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers

from roots.core.api import (
    BusinessDateField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    scope_user,
)
from roots.customers.models import Customer
from roots.finance import policies, selectors, services
from roots.finance.api.common import AMOUNT, CreateThroughServiceMixin, username_field
from roots.finance.filters import PaymentFilter
from roots.finance.models import Payment, PaymentMethod


class PaymentSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    amount = serializers.DecimalField(**AMOUNT)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    received_on = BusinessDateField(
        required=False, help_text="Defaults to today; never in the future."
    )
    recorded_by = username_field("recorded_by")

    class Meta:
        model = Payment
        fields = [
            "number",
            "customer",
            "customer_name",
            "received_on",
            "amount",
            "method",
            "reference",
            "note",
            "unapplied_amount",
            "recorded_by",
            "version",
            "created_at",
        ]
        read_only_fields = ["number", "unapplied_amount", "version", "created_at"]


class PaymentViewSet(
    CreateThroughServiceMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Payments received. Account, branch and HQ staff record them (`POST`); a payment is
    applied to the customer's oldest open invoices first."""

    model = Payment
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    lookup_field = "number"
    ordering_fields = ["received_on", "amount", "number"]
    create_service = staticmethod(services.payment_record)
    create_permission = staticmethod(policies.is_finance_staff)

    def get_queryset(self) -> Any:
        return selectors.payment_list(user=scope_user(self.request))
