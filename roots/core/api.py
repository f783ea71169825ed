"""API base: error format, pagination, scoped viewsets, idempotency keys, ETags and history.

Every viewset of every app derives from `ScopedModelViewSet`, so that scoping (404 outside
the user's scope), the error format, `Idempotency-Key` and `If-Match` cannot be forgotten.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.viewsets import GenericViewSet

from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.models import IdempotencyRecord

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# --- errors ---------------------------------------------------------------------------------
class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you read it."
    default_code = "precondition_failed"


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord) -> None:
        self.record = record


def _as_error_lists(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {str(k): (v if isinstance(v, list | dict) else [v]) for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every error as `{"detail": ..., "errors": {field: [messages]}}`."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, ConflictError):
        exc = Conflict(detail=str(exc))
    elif isinstance(exc, PreconditionFailedError):
        exc = PreconditionFailed(detail=str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("Invalid input."), "errors": _as_error_lists(exc.detail)}
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = {"detail": detail or str(exc), "errors": {}}
    if isinstance(exc, exceptions.Throttled):
        response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
    return response


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# --- history --------------------------------------------------------------------------------
class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    changes = inline_serializer(
        name="HistoryChange",
        fields={
            "field": serializers.CharField(),
            "label": serializers.CharField(),
            "old": serializers.CharField(allow_null=True),
            "new": serializers.CharField(allow_null=True),
        },
        many=True,
    )


# --- the base viewset -----------------------------------------------------------------------
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="A client-chosen key; a retry with the same key and body replays the answer.",
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The record's ETag as last read; a stale one answers 412.",
)


class ScopedViewSetMixin:
    """Scoping, idempotency, ETag/If-Match and history for every viewset.

    Subclasses set `model` (whose manager has `visible_to`) and may override `get_base_queryset`.
    """

    model: Any = None
    request: Request
    kwargs: dict[str, Any]

    # -- scope
    def get_base_queryset(self) -> Any:
        return self.model.objects.all()

    def get_queryset(self) -> Any:
        return self.get_base_queryset().visible_to(self.request.user)

    # -- idempotency
    def _request_hash(self, request: Request) -> str:
        try:
            raw = request._request.body
        except Exception:  # the stream was read already (multipart): hash the parsed data
            raw = json.dumps({k: str(v) for k, v in request.data.items()}, sort_keys=True).encode()
        return hashlib.sha256(request.method.encode() + request.path.encode() + raw).hexdigest()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._idempotency: tuple[str, str] | None = None
        key = request.headers.get("Idempotency-Key")
        if not key or request.method not in UNSAFE_METHODS:
            return
        if len(key) > 255:
            raise exceptions.ValidationError({"Idempotency-Key": [_("At most 255 characters.")]})
        digest = self._request_hash(request)
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is not None:
            if record.request_hash != digest:
                raise Conflict(_("This Idempotency-Key was already used with a different request."))
            raise _Replay(record)
        self._idempotency = (key, digest)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            response = Response(exc.record.response_body, status=exc.record.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        idem = getattr(self, "_idempotency", None)
        if idem and response.status_code < 500:
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        user=request.user,
                        key=idem[0],
                        method=request.method,
                        path=request.path[:500],
                        request_hash=idem[1],
                        status_code=response.status_code,
                        response_body=json.loads(json.dumps(response.data, default=str)),
                    )
            except IntegrityError:
                pass  # a concurrent retry stored it first; both answers are the same
        return response

    # -- ETag / If-Match
    def expected_version(self) -> int | None:
        header = self.request.headers.get("If-Match")
        if not header or header.strip() == "*":
            return None
        value = header.strip().removeprefix("W/").strip('"')
        if not value.isdigit():
            raise PreconditionFailed(_("If-Match must be an ETag this API gave out."))
        return int(value)

    def with_etag(self, response: Response, instance: Any) -> Response:
        if hasattr(instance, "etag"):
            response["ETag"] = instance.etag
        return response

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The record's change history, newest first: who, when, and what changed."""
        from roots.core.selectors import history_entries

        instance = self.get_object()  # type: ignore[attr-defined]
        return Response(history_entries(instance=instance))


class RetrieveWithETagMixin:
    """`GET <record>/` answering the record's version as its ETag."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        response = Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]
        return self.with_etag(response, instance)  # type: ignore[attr-defined]


class ScopedModelViewSet(ScopedViewSetMixin, GenericViewSet):
    """Base for every resource; add `mixins.ListModelMixin` etc. for the verbs it offers."""

    lookup_value_regex = "[^/]+"


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A reference by business code that only resolves records inside the caller's scope,
    so that an out-of-scope code reads as "does not exist" (never a leak, never a 403)."""

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)
