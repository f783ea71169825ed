"""`GET /api/v1/search/?q=`: the top bar's search for API clients."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from roots.core.api import ErrorSerializer, RootsAutoSchema, request_user
from roots.core.global_search import MAX_QUERY_LENGTH, search_all


class SearchHitSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.CharField(help_text="The record's page in the browser UI.")


class SearchGroupSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(help_text="customers, contacts, orders, custom_orders ...")
    label = serializers.CharField()  # type: ignore[assignment]
    hits = SearchHitSerializer(many=True)


class SearchAnswerSerializer(serializers.Serializer[dict[str, Any]]):
    query = serializers.CharField()
    groups = SearchGroupSerializer(many=True)


class GlobalSearchView(APIView):
    """Records of every kind the caller may open that match the query (names, pinyin,
    initials, numbers, and phone numbers in any format), up to `limit` per kind."""

    schema: Any = RootsAutoSchema()

    @extend_schema(
        summary="Search across kinds of record",
        parameters=[
            OpenApiParameter("q", str, description="The query", required=True),
            OpenApiParameter("limit", int, description="Hits per kind (1-50, default 10)"),
        ],
        responses={200: SearchAnswerSerializer, 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        query = request.query_params.get("q", "")
        if len(query) > MAX_QUERY_LENGTH:
            raise serializers.ValidationError({"q": [f"At most {MAX_QUERY_LENGTH} characters."]})
        try:
            limit = min(max(int(request.query_params.get("limit", 10)), 1), 50)
        except ValueError:
            raise serializers.ValidationError({"limit": ["A whole number."]}) from None
        groups = search_all(user=user, query=query, limit=limit)
        answer = {
            "query": query,
            "groups": [
                {
                    "kind": g.kind.key,
                    "label": str(g.kind.label),
                    "hits": [
                        {"title": h.title, "subtitle": h.subtitle, "url": h.url} for h in g.hits
                    ],
                }
                for g in groups
            ],
        }
        return Response(SearchAnswerSerializer(answer).data)
