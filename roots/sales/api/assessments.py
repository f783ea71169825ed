"""`/api/v1/assessments/`: the potential-customer worksheet, by id (never edited: a new one
replaces the old)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import ScopedModelViewSet, ScopedSlugRelatedField, request_user, scope_user
from roots.customers.models import Customer
from roots.sales import policies, selectors, services
from roots.sales.filters import AssessmentFilter
from roots.sales.models import PotentialAssessment


class AssessmentSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    assessed_by = serializers.CharField(source="assessed_by.username", read_only=True)

    class Meta:
        model = PotentialAssessment
        fields = [
            "id",
            "customer",
            "customer_name",
            *services.SCORE_FIELDS,
            "potential_revenue",
            "current_revenue",
            "score",
            "priority",
            "assessed_by",
            "notes",
            "created_at",
        ]
        read_only_fields = ["id", "current_revenue", "score", "priority", "created_at"]


class AssessmentViewSet(
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """The potential-customer worksheet: seven criteria scored 1–5 and the potential
    revenue; the answer has the score (0–100), the current revenue (invoiced over the
    last 365 days) and the priority (A+/A/B/C), which becomes the customer's. Filters:
    customer, priority. Assessments are never edited: a new one replaces the old."""

    model = PotentialAssessment
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["created_at", "score"]
    # Assessments keep no change history (they are never changed).
    history = None  # type: ignore[assignment]

    def get_queryset(self) -> Any:
        return selectors.assessment_list(user=scope_user(self.request)).order_by(
            "-created_at", "-pk"
        )

    def get_object(self) -> Any:
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) >= 2**31:
            raise exceptions.NotFound()
        return super().get_object()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Fill in the worksheet for a customer you sell to (201); roles without a
        pipeline get 403."""
        user = request_user(request)
        if not policies.works_pipeline(user):
            raise exceptions.PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_create(user=user, **serializer.validated_data)
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
