"""API of the OEC daily board (日清): `/api/v1/daily-items/` (a user's items of a day, own
tasks, and the steps done / carry / reopen, generated from
`roots.sales.daily.lifecycles.DAILY_ITEM`) and `/api/v1/daily-items/clearing-rate/` (done
items / all items per user and day). `ROUTES` lists (prefix, viewset, basename) for
`roots/api_urls.py`; `PATHS` plain paths (none)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from django.urls import URLPattern
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import (
    BusinessDateField,
    ErrorSerializer,
    RenderedTextField,
    ScopedModelViewSet,
    request_user,
    scope_user,
)
from roots.core.lifecycle_api import AllowedActionsField, LifecycleViewSetMixin
from roots.org.models import User
from roots.sales.daily import selectors, services
from roots.sales.daily.lifecycles import DAILY_ITEM
from roots.sales.models import DailyItem, DailyItemKind, DailyItemStatus

# The longest period the clearing-rate endpoint answers at once, and the days it knows.
MAX_RATE_DAYS = 92
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


class DailyItemSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    title = RenderedTextField(read_only=True, help_text="In the reader's language.")
    detail = RenderedTextField(read_only=True, help_text="In the reader's language.")
    carry_reason = RenderedTextField(read_only=True, help_text="In the reader's language.")
    carried_from: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The item of an earlier day this one was carried over from.",
    )
    editable = serializers.SerializerMethodField(
        help_text="Whether the caller may change the item now (their own, of today)."
    )
    allowed_actions = AllowedActionsField(DAILY_ITEM)

    class Meta:
        model = DailyItem
        fields = [
            "id",
            "user",
            "day",
            "kind",
            "kind_label",
            "title",
            "detail",
            "url",
            "source_key",
            "status",
            "status_label",
            "carry_reason",
            "closed_at",
            "carried_from",
            "editable",
            "allowed_actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_editable(self, item: DailyItem) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return bool(
            user is not None
            and item.user_id == user.pk
            and selectors.has_board(user)
            and item.day >= selectors.board_today()
        )


class DailyTaskSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    detail = serializers.CharField(
        max_length=services.DETAIL_MAX, required=False, allow_blank=True, default=""
    )


class DailyItemQuerySerializer(serializers.Serializer):
    day = BusinessDateField(required=False, help_text="The day (default: today).")
    user = serializers.CharField(
        required=False,
        max_length=150,
        help_text="Username of a team member (branch managers: their branch's staff; "
        "headquarters: any). Default: yourself.",
    )
    kind = serializers.ChoiceField(choices=DailyItemKind.choices, required=False)
    status = serializers.ChoiceField(choices=DailyItemStatus.choices, required=False)


class ClearingRateQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is declared below under that name.
    to = BusinessDateField(
        required=False, first_year=FIRST_DAY.year, help_text="Last day (default: today)."
    )
    user = serializers.CharField(
        required=False, max_length=150, help_text="Username (default: yourself)."
    )
    branch = serializers.CharField(
        required=False,
        max_length=20,
        help_text=f"A branch's code: every staff user of it (managers); `{selectors.NO_BRANCH}` "
        "for staff without a branch (headquarters).",
    )

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = BusinessDateField(
            required=False,
            first_year=FIRST_DAY.year,
            help_text="First day (default: 13 days before `to`).",
        )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("from", "to"):
            value = attrs.get(name)
            if value is not None and not FIRST_DAY <= value <= LAST_DAY:
                raise serializers.ValidationError(
                    {name: [_("Choose a date between 2000 and 2100.")]}
                )
        date_to = attrs.get("to") or selectors.board_today()
        date_from = attrs.get("from") or date_to - datetime.timedelta(days=13)
        if date_from > date_to:
            raise serializers.ValidationError({"from": [_("Must not be after the last day.")]})
        if (date_to - date_from).days >= MAX_RATE_DAYS:
            raise serializers.ValidationError(
                {"from": [_("At most %(days)s days at once.") % {"days": MAX_RATE_DAYS}]}
            )
        if attrs.get("user") and attrs.get("branch"):
            raise serializers.ValidationError({"branch": [_("Give a user or a branch, not both.")]})
        attrs["from"], attrs["to"] = date_from, date_to
        return attrs


class ClearingRateSerializer(serializers.Serializer):
    user = serializers.CharField()
    day = BusinessDateField()
    items = serializers.IntegerField()
    done = serializers.IntegerField()
    rate = serializers.FloatField(
        allow_null=True, help_text="done / items (0–1); null on a day without items."
    )


class DailyItemViewSet(
    LifecycleViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet
):
    """Items of the daily board. The list shows one user's items of one day (default: your
    own, today; opening your own board of today builds it first). Only the item's own user
    changes it, and only on its day; a past day's items answer 409."""

    model = DailyItem
    serializer_class = DailyItemSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list[Any] = []
    history = None  # type: ignore[assignment]  # items keep no change history
    lifecycle = DAILY_ITEM  # done, carry, reopen: one action each

    def get_queryset(self) -> Any:
        return selectors.daily_item_list(user=scope_user(self.request)).select_related(
            "carried_from"
        )

    def get_object(self) -> Any:
        """The item of the URL (404 out of scope). For a step, a reader who is not the
        item's user is refused (403) before the body is read: a manager reads a team
        member's items but never changes them."""
        item = super().get_object()
        step = DAILY_ITEM.steps.get(self.action or "")
        if step is not None:
            refusal = DAILY_ITEM.role_refusal(request_user(self.request), item, step)
            if refusal is not None:
                raise refusal
        return item

    def _query(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(parameters=[DailyItemQuerySerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One user's items of one day, grouped order (kind, then id)."""
        user = request_user(request)
        query = self._query(DailyItemQuerySerializer)
        day = query.get("day") or selectors.board_today()
        username = query.get("user") or user.username
        if username == user.username and day == selectors.board_today():
            services.daily_board_ensure(user=user, day=day)
        items = self.get_queryset().filter(user__username=username, day=day)
        if query.get("kind"):
            items = items.filter(kind=query["kind"])
        if query.get("status"):
            items = items.filter(status=query["status"])
        items = items.order_by("kind", "pk")
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=DailyTaskSerializer, responses={201: DailyItemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add an own task to your board of today (201); users without a board get 403."""
        user = request_user(request)
        if not selectors.has_board(user):
            raise exceptions.PermissionDenied()
        body = DailyTaskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.daily_item_add(
            user=user, title=body.validated_data["title"], detail=body.validated_data["detail"]
        )
        return Response(self._fresh(item), status=status.HTTP_201_CREATED)

    def _fresh(self, item: DailyItem) -> Any:
        return self.get_serializer(self.get_queryset().get(pk=item.pk)).data

    @extend_schema(
        parameters=[ClearingRateQuerySerializer],
        responses={200: ClearingRateSerializer(many=True), 404: ErrorSerializer},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="clearing-rate",
        pagination_class=None,
        filter_backends=[],
    )
    def clearing_rate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Clearing rate (done items / all items) per user and day of the period, every day
        listed: yours by default; one user (`user`) or a branch's staff (`branch`) for
        branch managers (their branch) and headquarters. A user or branch that is not yours
        to see answers 404. Users without a board get an empty list."""
        user = request_user(request)
        query = self._query(ClearingRateQuerySerializer)
        owners: list[User]
        if query.get("branch"):
            scope = selectors.team_scope(user=user, branch_code=query["branch"])
            if scope is None:
                raise Http404
            owners = list(selectors.team_members(user=user, branch=scope.branch))
        else:
            owner = selectors.board_owner(user=user, username=query.get("user"))
            if owner is None:
                raise Http404
            owners = [owner] if selectors.has_board(owner) else []
        rates = selectors.clearing_rates(
            user=user, owners=owners, date_from=query["from"], date_to=query["to"]
        )
        rows = [
            {
                "user": entry.user.username,
                "day": day.day,
                "items": day.items,
                "done": day.done,
                "rate": day.rate,
            }
            for entry in rates
            for day in entry.days
        ]
        return Response(ClearingRateSerializer(rows, many=True).data)


ROUTES: list[tuple[str, Any, str]] = [("daily-items", DailyItemViewSet, "daily-item")]
PATHS: list[URLPattern] = []
