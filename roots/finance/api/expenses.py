"""Rebates and marketing-expense claims: created through the services, decided by the steps
of `roots.finance.lifecycles.expenses` (`approve/`, `reject/`, generated)."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers

from roots.core.api import (
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    scope_user,
)
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.customers.models import Customer
from roots.finance import policies, selectors, services
from roots.finance.api.common import AMOUNT, CreateThroughServiceMixin, username_field
from roots.finance.filters import ExpenseFilter
from roots.finance.lifecycles import EXPENSE
from roots.finance.models import Expense, ExpenseKind


class ExpenseSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        help_text="Customer code; customer users leave it out (their own company).",
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    kind = serializers.ChoiceField(
        choices=ExpenseKind.choices,
        default=ExpenseKind.MARKETING_EXPENSE,
        help_text="`marketing_expense`: a claim to decide; `rebate`: granted by staff at once.",
    )
    activity = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**AMOUNT)
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    submitted_by = username_field("submitted_by")
    decided_by = username_field("decided_by")
    allowed_actions = AllowedActionsField(EXPENSE)

    class Meta:
        model = Expense
        fields = [
            "number",
            "customer",
            "customer_name",
            "kind",
            "status",
            "activity",
            "period_start",
            "period_end",
            "amount",
            "evidence",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "credit_date",
            "unapplied_amount",
            "allowed_actions",
            "version",
            "created_at",
        ]
        read_only_fields = [
            "number",
            "status",
            "submitted_at",
            "decided_at",
            "decision_note",
            "credit_date",
            "unapplied_amount",
            "version",
            "created_at",
        ]


class ExpenseViewSet(
    LifecycleViewSetMixin,
    CreateThroughServiceMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Rebates and marketing-expense claims. Customers (and their account staff) submit
    claims; account, branch or HQ staff approve or reject them and grant rebates. An
    approved one credits the customer's account."""

    # The steps (`approve/`, `reject/`) are generated from `EXPENSE`.
    lifecycle = EXPENSE
    model = Expense
    serializer_class = ExpenseSerializer
    filterset_class = ExpenseFilter
    lookup_field = "number"
    ordering_fields = ["created_at", "amount", "number"]
    create_service = staticmethod(services.expense_create)
    create_permission = staticmethod(policies.can_create_claims)

    def get_queryset(self) -> Any:
        return selectors.expense_list(user=scope_user(self.request))
