"""Disputes of statement lines (the account manager's desk), the steps of
`roots.finance.lifecycles.disputes` (`answer/`, `close/`, generated) and the thread
(`messages/`: a message is not a step)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import RetrieveWithETagMixin, ScopedModelViewSet, request_user, scope_user
from roots.core.lifecycle_api import LifecycleViewSetMixin
from roots.finance import selectors, services
from roots.finance.api.statements import (
    DisputeDetailSerializer,
    DisputeMessageSerializer,
    DisputeSerializer,
)
from roots.finance.filters import DisputeFilter
from roots.finance.lifecycles import DISPUTE
from roots.finance.models import Dispute


class DisputeViewSet(
    LifecycleViewSetMixin, RetrieveWithETagMixin, mixins.ListModelMixin, ScopedModelViewSet
):
    """Disputes of statement lines: open ones first, oldest first (the account manager's
    desk). Staff answer; the customer (or staff, once answered) closes."""

    # The steps (`answer/`, `close/`) are generated from `DISPUTE`; `messages/` is the
    # thread (a message is not a step).
    lifecycle = DISPUTE
    lifecycle_answer_serializer = DisputeDetailSerializer
    model = Dispute
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    lookup_field = "number"
    ordering_fields = ["created_at", "number"]

    def get_queryset(self) -> Any:
        queryset = selectors.dispute_list(user=scope_user(self.request)).prefetch_related("lines")
        if self.action != "list":
            queryset = queryset.prefetch_related("messages__author")
        return queryset

    def get_serializer_class(self) -> Any:
        if self.action == "messages":
            return DisputeMessageSerializer
        return DisputeSerializer if self.action == "list" else DisputeDetailSerializer

    @extend_schema(
        methods=["GET"], responses={200: DisputeMessageSerializer(many=True)}, filters=False
    )
    @extend_schema(
        methods=["POST"],
        request=DisputeMessageSerializer,
        responses={201: DisputeMessageSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
    )
    def messages(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """GET: the thread. POST: add a message (the customer's reply reopens an answered
        dispute; a staff message answers it)."""
        dispute = self.get_object()
        if request.method == "GET":
            thread = selectors.dispute_thread(dispute=dispute)
            return Response(DisputeMessageSerializer(thread, many=True).data)
        body = DisputeMessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.dispute_message_add(
            user=request_user(request), dispute=dispute, body=body.validated_data["body"]
        )
        return Response(DisputeMessageSerializer(message).data, status=status.HTTP_201_CREATED)
