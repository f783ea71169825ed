"""API of notifications: `GET /api/v1/notifications/` (the caller's own, newest first;
`?unread=true`), `GET .../<id>/`, `POST .../<id>/read/`, `POST .../read-all/` and
`GET .../unread-count/`. Another user's notification answers 404. `ROUTES` lists (prefix,
viewset, basename) for `roots/api_urls.py`; `PATHS` plain paths (none)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import RenderedTextField, ScopedModelViewSet, request_user, scope_user
from roots.notifications import selectors, services
from roots.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    message = RenderedTextField(read_only=True, help_text="In the reader's language.")
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "message", "url", "created_at", "read", "read_at"]
        read_only_fields = fields


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: unread only; false: read only.",
    )


class EmptySerializer(serializers.Serializer):
    pass


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """The caller's notifications (every role has its own; nobody sees another's)."""

    model = Notification
    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list[Any] = []
    history = None  # type: ignore[assignment]  # notifications keep no change history

    def get_queryset(self) -> Any:
        return selectors.notification_list(user=scope_user(self.request))

    @extend_schema(parameters=[NotificationQuerySerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Newest first; `?unread=true` for the unread ones."""
        query = NotificationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unread = query.validated_data.get("unread")
        rows = selectors.notification_list(user=request_user(request), unread=unread)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=EmptySerializer, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark the notification read (again: no change)."""
        notification = services.notification_mark_read(
            user=request_user(request), notification=self.get_object()
        )
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=EmptySerializer,
        responses={
            200: inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})
        },
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark every unread notification read; answers how many."""
        return Response(
            {"marked": services.notifications_mark_all_read(user=request_user(request))}
        )

    @extend_schema(
        responses={
            200: inline_serializer("NotificationsUnread", {"unread": serializers.IntegerField()})
        },
    )
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """How many notifications are unread (the bell's number)."""
        return Response({"unread": selectors.unread_count(user=request_user(request))})


ROUTES: list[tuple[str, Any, str]] = [("notifications", NotificationViewSet, "notification")]
PATHS: list[URLPattern] = []
