"""API base: error format, pagination, scoped viewsets, idempotency keys, ETags and history.

Every viewset of every app derives from `ScopedModelViewSet`, so that scoping (404 outside
the user's scope), the error format, `Idempotency-Key`, `If-Match` and the documented error
responses (`RootsAutoSchema`) cannot be forgotten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.viewsets import GenericViewSet

from roots.core import dates
from roots.core.dates import FIRST_YEAR, LAST_YEAR, BusinessDateValidator
from roots.core.exceptions import (
    ConflictError,
    PreconditionFailedError,
    chosen_code,
    error_code,
    error_messages,
)
from roots.core.models import IdempotencyRecord, ScopedQuerySet
from roots.core.parsers import JSONParser

if TYPE_CHECKING:  # core imports no app (docs/architecture.md, "Layering")
    from roots.org.models import User

    ViewSetMixinBase = GenericViewSet[Any]  # for mypy, the mixins below are parts of a viewset
else:
    ViewSetMixinBase = object

_M = TypeVar("_M", bound=models.Model)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RECORD_EDIT_METHODS = frozenset({"PUT", "PATCH", "DELETE"})
# An idempotency record whose request is still running (no answer stored yet).
_PENDING = 0


# --- errors ---------------------------------------------------------------------------------
class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since you read it."
    default_code = "stale_version"


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord) -> None:
        self.record = record


def _messages(value: Any, path: str = "") -> list[Any]:
    """The messages of one field as a flat list; errors of nested items (a list field's
    item, a line of an order) keep their place as a prefix: `"1.quantity: ..."`."""
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found.extend(_messages(item, f"{path}{key}."))
        return found
    if isinstance(value, list):
        found = []
        for index, item in enumerate(value):
            nested = isinstance(item, dict | list)
            found.extend(_messages(item, f"{path}{index}." if nested and item else path))
        return found
    if not path:
        return [value]
    return [type(value)(f"{path.rstrip('.')}: {value}", code=getattr(value, "code", None))]


def _as_error_lists(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {
            ("non_field_errors" if k == NON_FIELD_ERRORS else str(k)): _messages(v)
            for k, v in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": _messages(detail)}
    return {"non_field_errors": [detail]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every error as `{"detail": ..., "code": ..., "errors": {field: [messages]}}`.

    `code` is machine-readable (the table is in docs/api.md): DRF's own code of the error
    (`not_found`, `throttled` ...), the code a domain error names (`invalid_transition`), and
    for invalid input "invalid", or the first code a service or serializer chose for one of
    the errors (`credit_exceeded`)."""
    chosen: str | None = None
    if isinstance(exc, DjangoValidationError):
        chosen = error_code(exc)
        exc = exceptions.ValidationError(detail=error_messages(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, ConflictError):
        exc = Conflict(detail=str(exc), code=exc.code)
    elif isinstance(exc, PreconditionFailedError):
        exc = PreconditionFailed(detail=str(exc), code=exc.code)
    elif isinstance(exc, IntegrityError):
        # A race the service's validation could not see (two creates of the same code).
        exc = Conflict(detail=_("The change conflicts with another record; reload and retry."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if not isinstance(exc, exceptions.APIException):  # the handler answers no other
        raise AssertionError("isinstance(exc, exceptions.APIException)")
    if isinstance(exc, exceptions.ParseError):  # a body that cannot be read (roots.core.parsers)
        message = str(exc.detail)
        detail, code, errors = message, "parse_error", {"non_field_errors": [message]}
    elif isinstance(exc, exceptions.ValidationError):
        detail, errors = _("Invalid input."), _as_error_lists(exc.detail)
        code = chosen or chosen_code(exc.get_codes()) or "invalid"
    else:
        data = response.data
        detail = (data.get("detail") if isinstance(data, dict) else None) or str(exc)
        codes = exc.get_codes()
        code, errors = codes if isinstance(codes, str) else exc.default_code, {}
    response.data = {"detail": detail, "code": code, "errors": errors}
    if isinstance(exc, exceptions.Throttled):
        response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
    return response


def request_user(request: Request) -> User:
    """The caller of an API handler: every API view but the token exchange requires
    authentication, which `initial()` checks before the handler runs."""
    user = request.user
    if not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return cast("User", user)


def scope_user(request: Request) -> User:
    """The user whose scope `get_queryset()` shows. Not asserted like `request_user`:
    drf-spectacular calls `get_queryset()` as an anonymous user while it builds the schema,
    and `visible_to` shows an anonymous user nothing."""
    return cast("User", request.user)


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any URL under /api/v1/ that names no resource: a 404 in the API's error format
    (Django's own 404 page is HTML)."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found", "errors": {}}, status=404)


class ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(
        help_text=(
            "What went wrong, for a program: a stable name such as `not_found`, "
            "`invalid_transition` or `credit_exceeded` (the table is in docs/api.md)."
        )
    )
    # Shadows `Serializer.errors` (a property in the stubs): harmless, as this serializer only
    # documents the error answers in the schema and never validates anything.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


# --- history --------------------------------------------------------------------------------
class HistoryEntrySerializer(serializers.Serializer[dict[str, Any]]):
    history_id = serializers.IntegerField()
    date = serializers.DateTimeField(read_only=True)
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


# --- the schema: every operation documents the errors it can answer ------------------------
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


class RootsAutoSchema(AutoSchema):
    """drf-spectacular's schema plus what the API base adds to every operation: the
    `Idempotency-Key` and `If-Match` headers and the error answers (section 5 of DESIGN.md):
    400 bad input (writes, lists), 401/403 auth, 404 out of scope or missing (records),
    409 conflicts (writes), 412 stale If-Match (record edits), 415 a body that is not
    JSON, 429 rate limit."""

    def _requires_auth(self) -> bool:
        return any(self.get_auth())

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method in UNSAFE_METHODS:
            parameters.append(IDEMPOTENCY_PARAMETER)
        if self.method in RECORD_EDIT_METHODS:
            parameters.append(IF_MATCH_PARAMETER)
        return parameters

    def error_codes(self) -> set[int]:
        codes = {429}
        if self._requires_auth():
            codes |= {401, 403}
        if self.method in UNSAFE_METHODS:
            codes |= {400, 409}
            if self.method != "DELETE":
                codes.add(415)
        if self.method in RECORD_EDIT_METHODS:
            codes.add(412)
        if "{" in self.path:
            codes.add(404)
        if self.method == "GET" and self._is_list_view():
            codes.add(400)
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in sorted(self.error_codes()):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(  # type: ignore[no-untyped-call]  # untyped upstream
                    ErrorSerializer, str(code), direction=direction
                )
        return responses


# --- the base viewset -----------------------------------------------------------------------
class _NoFormatOverride:
    """DRF's settings, except that `?format=` does not pick a renderer."""

    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name: str) -> Any:
        return getattr(api_settings, name)


class ContentNegotiation(DefaultContentNegotiation):
    """`?format=` is a filter of ours (an outlet's format), not DRF's renderer switch, which
    answered 404 to `?format=counter`. The API answers JSON (or what `Accept` asks for)."""

    settings: Any = _NoFormatOverride()


class ScopedViewSetMixin(ViewSetMixinBase):
    """Scoping, idempotency, ETag/If-Match and history for every viewset.

    Subclasses set `model` (whose manager has `visible_to`) and may override
    `get_base_queryset` or `get_queryset`: `filter_queryset` applies the scope after either.

    `Idempotency-Key`: the key is reserved (one row per user and key) before the write runs,
    so that two concurrent retries cannot both write; a successful answer is stored and
    replayed to a retry with the same body; a different body, or a retry while the first
    request still runs, answers 409. Failed requests wrote nothing, so their key is released.
    """

    model: Any = None
    kwargs: dict[str, Any]
    schema: Any = RootsAutoSchema()
    content_negotiation_class: Any = ContentNegotiation
    # A JSON API; an endpoint that takes uploads (sell-through files) adds its parsers.
    # Ours: a body nested too deep is a 400 like any other unreadable body, not a 500.
    parser_classes: Any = [JSONParser]

    # -- scope
    def get_base_queryset(self) -> Any:
        return self.model.objects.all()

    def get_queryset(self) -> Any:
        return self.get_base_queryset().visible_to(self.request.user)

    def filter_queryset(self, queryset: Any) -> Any:
        """The filtered rows, inside the caller's scope whatever `get_queryset` answered:
        `list`, `get_object` and every action that filters come through here (NetBox's
        `restrict` in its base viewset). A queryset `visible_to` scoped already is kept."""
        queryset = super().filter_queryset(queryset)
        if not isinstance(queryset, ScopedQuerySet):
            raise TypeError(f"{type(self).__name__}: rows without `visible_to` cannot be scoped")
        return queryset.scoped_for(scope_user(self.request))

    def get_object(self) -> Any:
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        # PostgreSQL refuses NUL in a text parameter (a 500); no record has such a key.
        if "\x00" in str(lookup) or len(str(lookup)) > 100:
            raise exceptions.NotFound()
        return super().get_object()

    # -- idempotency
    def _request_hash(self, request: Request) -> str:
        try:
            raw = request._request.body
        except RawPostDataException:  # the stream was read already (multipart): hash the data
            form = cast(dict[str, Any], request.data)  # a QueryDict
            raw = json.dumps({k: str(v) for k, v in form.items()}, sort_keys=True).encode()
        # The same JSON document hashes the same whatever its key order and spacing.
        with contextlib.suppress(ValueError, RecursionError):
            raw = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
        method = request.method or ""
        return hashlib.sha256(method.encode() + request.path.encode() + raw).hexdigest()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self._idempotency: IdempotencyRecord | None = None
        key = request.headers.get("Idempotency-Key")
        if not key or request.method not in UNSAFE_METHODS:
            return
        if len(key) > 255:
            raise exceptions.ValidationError({"Idempotency-Key": [_("At most 255 characters.")]})
        digest = self._request_hash(request)
        user = request_user(request)
        try:
            with transaction.atomic():
                self._idempotency = IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=digest,
                    status_code=_PENDING,
                    response_body=None,
                )
            return
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None or record.request_hash != digest:
            raise Conflict(
                _("This Idempotency-Key was already used with a different request."),
                code="idempotency_conflict",
            )
        if record.status_code == _PENDING:
            raise Conflict(
                _("A request with this Idempotency-Key is still being processed."),
                code="idempotency_in_progress",
            )
        raise _Replay(record)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            body = exc.record.response_body
            response = Response(body, status=exc.record.status_code)
            response["Idempotent-Replayed"] = "true"
            if isinstance(body, dict) and isinstance(body.get("version"), int):
                response["ETag"] = f'"{body["version"]}"'
            return response
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotency", None)
        if record is not None:
            self._idempotency = None
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.response_body = json.loads(json.dumps(response.data, default=str))
                record.save(update_fields=["status_code", "response_body"])
            else:  # nothing was written: release the key for a corrected retry
                record.delete()
        return response

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            record = getattr(self, "_idempotency", None)
            if record is not None:  # an unhandled error (a 500): release the key
                self._idempotency = None
                with contextlib.suppress(DatabaseError):
                    record.delete()

    # -- ETag / If-Match
    def expected_version(self) -> int | None:
        header = self.request.headers.get("If-Match")
        if not header or header.strip() == "*":
            return None
        value = header.strip().removeprefix("W/").strip('"')
        if not value.isascii() or not value.isdigit():
            raise PreconditionFailed(_("If-Match must be an ETag this API gave out."))
        return int(value)

    def with_etag(self, response: Response, instance: Any) -> Response:
        if hasattr(instance, "etag"):
            response["ETag"] = instance.etag
        return response

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The record's change history, newest first: who, when, and what changed (without
        the fields the record's serializer hides from the caller's role)."""
        from roots.core.selectors import history_entries

        instance = self.get_object()
        serializer_class = self.get_serializer_class()
        hidden_by_role = getattr(serializer_class, "hidden_fields", {})
        hidden = hidden_by_role.get(getattr(request.user, "role", ""), frozenset())
        return Response(history_entries(instance=instance, hidden=hidden))


if TYPE_CHECKING:  # for mypy, parts of a viewset with `ScopedViewSetMixin`
    ScopedMixinBase = ScopedViewSetMixin
else:
    ScopedMixinBase = object


class RetrieveWithETagMixin(ScopedMixinBase):
    """`GET <record>/` answering the record's version as its ETag."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        return self.with_etag(response, instance)


class ServiceWriteMixin(ScopedMixinBase):
    """`create`, `update` and `partial_update` through the app's services.

    The viewset names the services (`create_service(user=, data=)`,
    `update_service(user=, <instance_kwarg>=, data=, expected_version=)`) and may name
    `create_permission(user) -> bool`, checked before the body is validated so that a role
    that may not create at all gets a 403 whatever it sends.
    """

    create_service: Any = None
    update_service: Any = None
    create_permission: Callable[[Any], bool] | None = None
    instance_kwarg: str = "instance"

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        allowed = type(self).create_permission
        if allowed is not None and not allowed(request.user):
            raise exceptions.PermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(user=request.user, data=serializer.validated_data)
        response = Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)
        return self.with_etag(response, instance)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        expected_version = self.expected_version()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = type(self).update_service(
            user=request.user,
            data=serializer.validated_data,
            expected_version=expected_version,
            **{self.instance_kwarg: instance},
        )
        response = Response(self.get_serializer(instance).data)
        return self.with_etag(response, instance)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class ScopedModelViewSet(ScopedViewSetMixin, GenericViewSet[Any]):
    """Base for every resource; add `mixins.ListModelMixin` etc. for the verbs it offers."""

    lookup_value_regex = "[^/]+"


class _BusinessBoundsMixin(serializers.Field[Any, Any, Any, Any]):
    """A serializer field with the business-date rule (`roots.core.dates`) first among its
    validators, whatever `validators=` the declaration passes."""

    def __init__(
        self, *args: Any, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        validators = list(self.validators)
        if not any(isinstance(v, BusinessDateValidator) for v in validators):
            # (a model field's own rule, copied by ModelSerializer, is kept as it is)
            validators = [BusinessDateValidator(first_year, last_year), *validators]
        self.validators = validators

    def check_business_date(self, value: Any) -> None:
        """The rule, as a DRF error (for a check before the field's own validators run)."""
        for validator in self.validators:
            if isinstance(validator, BusinessDateValidator):
                try:
                    validator(value)
                except DjangoValidationError as exc:
                    raise serializers.ValidationError(exc.messages, code=exc.code) from exc


class BusinessDateField(_BusinessBoundsMixin, serializers.DateField):
    """A date of business (a delivery, a payment, a period): years 1970 to 2100, far dates
    are typos. Every date a hand-written serializer takes is one of these."""


class BusinessDateTimeField(_BusinessBoundsMixin, serializers.DateTimeField):
    """A date and time of business (a publication, an appointment): years 1970 to 2100.
    Far dates are typos, and before 1900 the time zone's local mean time (+08:05:43 in
    Shanghai) makes an offset that RFC 3339 cannot write."""

    def enforce_timezone(self, value: Any) -> Any:
        # DRF's own time-zone check overflows (a 500) near years 1 and 9999: the rule first.
        self.check_business_date(value)
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


# A ModelSerializer makes these of the model fields that carry the rule (`roots.core.dates`).
serializers.ModelSerializer.serializer_field_mapping[dates.BusinessDateField] = BusinessDateField
serializers.ModelSerializer.serializer_field_mapping[dates.BusinessDateTimeField] = (
    BusinessDateTimeField
)


class CodeRelatedField(serializers.SlugRelatedField[_M]):
    """A reference by business code (or username): a string; one no record can have (with
    NUL, which PostgreSQL refuses in a query) reads as "does not exist"."""

    def to_internal_value(self, data: Any) -> _M:
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:50])
        return super().to_internal_value(data)


class ScopedSlugRelatedField(CodeRelatedField[_M]):
    """A reference by business code that only resolves records inside the caller's scope,
    so that an out-of-scope code reads as "does not exist" (never a leak, never a 403)."""

    def get_queryset(self) -> models.QuerySet[_M]:
        queryset = cast(ScopedQuerySet[_M], super().get_queryset())  # always given
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)


class RenderedTextField(serializers.CharField):
    """A text field the API answers in the reader's language: the model's generated text
    (`text_field`, a `GeneratedTextField`) rendered when there is one, else the literal
    field (`source`). Writable like a `CharField` when not read-only (the literal field)."""

    def __init__(self, *, text_field: str | None = None, **kwargs: Any) -> None:
        self.text_field = text_field
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        from roots.core.i18n_text import render

        literal = super().get_attribute(instance)
        text_field = self.text_field or f"{self.source_attrs[-1]}_text"
        return render(getattr(instance, text_field, None), fallback=literal or "")
