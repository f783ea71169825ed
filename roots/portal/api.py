"""API of the portal: `/api/v1/news/` (headquarters writes; staff and customer users of a
matching channel type read). `ROUTES` lists (prefix, viewset, basename)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    BusinessDateTimeField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ServiceWriteMixin,
    request_user,
)
from roots.core.fields import AllowListSerializerMixin
from roots.customers.models import ChannelType
from roots.portal import policies, services
from roots.portal.filters import NewsFilter
from roots.portal.models import NewsItem


class NewsItemSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.NEWS_FIELDS

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    # Item errors answer as "2: not a valid choice" (the API's error format).
    audience = serializers.ListField(
        child=serializers.ChoiceField(choices=ChannelType.choices),
        max_length=len(ChannelType.choices),
        required=False,
        help_text="Channel types the item is for; empty (the default) for every customer.",
    )
    author = serializers.CharField(
        source="author.username", read_only=True, default=None, allow_null=True
    )
    published_at = BusinessDateTimeField(required=False)

    class Meta:
        model = NewsItem
        fields = [
            "id",
            "title",
            "body",
            "kind",
            "published_at",
            "audience",
            "is_published",
            "author",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]


class NewsItemViewSet(
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """News from headquarters. Read by every staff role and by customer users (items for
    their channel type); written by headquarters only."""

    model = NewsItem
    serializer_class = NewsItemSerializer
    filterset_class = NewsFilter
    ordering_fields = ["published_at", "title"]
    lookup_value_regex = r"\d+"
    create_service = staticmethod(services.news_create)
    create_permission = staticmethod(policies.can_manage_news)
    update_service = staticmethod(services.news_update)
    instance_kwarg = "item"

    def get_base_queryset(self) -> Any:
        return NewsItem.objects.select_related("author")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()
        if not policies.can_manage_news(request_user(request)):
            raise exceptions.PermissionDenied()
        return super().update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        services.news_delete(
            user=request_user(request), item=item, expected_version=self.expected_version()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


ROUTES: list[tuple[str, Any, str]] = [("news", NewsItemViewSet, "news")]
