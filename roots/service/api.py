"""API of the service app: `/api/v1/complaints/` with the steps of the life-cycle (one
action each, generated from `roots.service.lifecycles.COMPLAINT`) and the message thread.
`ROUTES` lists (prefix, viewset, basename) for `roots/api_urls.py`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    request_user,
    scope_user,
)
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.customers.models import Customer, Outlet
from roots.service import policies, selectors, services
from roots.service.filters import ComplaintFilter
from roots.service.lifecycles import COMPLAINT
from roots.service.models import ClockState, Complaint, ComplaintMessage
from roots.service.thread import TEXT_MAX


class ComplaintSerializer(serializers.ModelSerializer):
    customer = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Customer.objects.all(),
        required=False,
        help_text="Customer code; customer users leave it out (their own company).",
    )
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    outlet = ScopedSlugRelatedField(
        slug_field="code", queryset=Outlet.objects.all(), required=False, allow_null=True
    )
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT_MAX)
    owner = serializers.CharField(
        source="owner.username", read_only=True, default=None, allow_null=True
    )
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )
    raised_by = serializers.CharField(
        source="raised_by.username", read_only=True, default=None, allow_null=True
    )
    clock = serializers.SerializerMethodField(
        help_text="The running SLA clock: on_time, at_risk, overdue; met or missed once resolved."
    )
    allowed_actions = AllowedActionsField(COMPLAINT)

    class Meta:
        model = Complaint
        fields = [
            "number",
            "customer",
            "customer_name",
            "outlet",
            "category",
            "subject",
            "description",
            "severity",
            "status",
            "owner",
            "owner_name",
            "raised_by",
            "raised_at",
            "response_due",
            "resolution_due",
            "first_response_at",
            "resolved_at",
            "resolved_within_sla",
            "resolution",
            "closed_at",
            "reopened_count",
            "clock",
            "allowed_actions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "status",
            "raised_at",
            "response_due",
            "resolution_due",
            "first_response_at",
            "resolved_at",
            "resolved_within_sla",
            "resolution",
            "closed_at",
            "reopened_count",
            "version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=ClockState.choices))
    def get_clock(self, complaint: Complaint) -> str:
        return complaint.clock()


class ComplaintMessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        source="author.username", read_only=True, default=None, allow_null=True
    )
    author_name = serializers.CharField(
        source="author.display_name", read_only=True, default=None, allow_null=True
    )
    text = serializers.CharField(max_length=TEXT_MAX)
    internal = serializers.BooleanField(
        default=False, help_text="A note for our staff only (never shown to the customer)."
    )

    class Meta:
        model = ComplaintMessage
        fields = ["id", "kind", "author", "author_name", "text", "internal", "created_at"]
        read_only_fields = ["id", "kind", "created_at"]


class ComplaintViewSet(
    LifecycleViewSetMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Complaints of channel customers. Customer users raise them for their company (the
    customer is implied); staff raise them on a customer's behalf. `?search=` matches the
    number and the subject; filters: status, severity, category, customer, owner, active,
    overdue."""

    model = Complaint
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    lookup_field = "number"
    ordering_fields = ["raised_at", "response_due", "number", "status"]
    lifecycle = COMPLAINT  # respond, resolve, close, reopen, assign: one action each

    def get_queryset(self) -> Any:
        return selectors.complaint_list(user=scope_user(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Raise a complaint (201); roles that never raise complaints get 403."""
        user = request_user(request)
        if not policies.may_raise_complaints(user):
            raise exceptions.PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = services.complaint_raise(user=user, data=serializer.validated_data)
        fresh = self.get_queryset().get(pk=complaint.pk)
        response = Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
        return self.with_etag(response, fresh)

    @extend_schema(
        methods=["GET"],
        responses={200: ComplaintMessageSerializer(many=True)},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        request=ComplaintMessageSerializer,
        responses={201: ComplaintMessageSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        serializer_class=ComplaintMessageSerializer,
    )
    def messages(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """GET: the thread as the caller may read it (customers never see internal notes).
        POST: add a message; customers write to our staff, staff answer or note
        (`internal`)."""
        complaint = self.get_object()
        user = request_user(request)
        if request.method == "GET":
            thread = selectors.complaint_thread(user=user, complaint=complaint)
            return Response(ComplaintMessageSerializer(thread, many=True).data)
        serializer = ComplaintMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.complaint_message_add(
            user=user,
            complaint=complaint,
            text=serializer.validated_data["text"],
            internal=serializer.validated_data.get("internal", False),
        )
        return Response(ComplaintMessageSerializer(message).data, status=status.HTTP_201_CREATED)


ROUTES: list[tuple[str, Any, str]] = [("complaints", ComplaintViewSet, "complaint")]
