"""What the finance API's resources share: amounts, user names, creation through a service
and file downloads."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rest_framework import exceptions, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from roots.core.api import request_user
from roots.finance import rendering
from roots.finance.models import MAX_AMOUNT

AMOUNT: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "min_value": Decimal("0.01"),
    "max_value": MAX_AMOUNT,
}


def username_field(field: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{field}.username", read_only=True, default=None, allow_null=True
    )


def display_name_field(field: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{field}.display_name", read_only=True, default=None, allow_null=True
    )


class CreateThroughServiceMixin:
    """`POST` through the app's service (`create_service(user=, data=)`); `create_permission`
    is checked before the body is validated, so that a role that may not create at all
    gets a 403 whatever it sends. (Records are not edited through the API: no PUT/PATCH.)"""

    create_service: Any = None
    create_permission: Any = None

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        if not type(self).create_permission(user):
            raise exceptions.PermissionDenied()
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(user=user, data=serializer.validated_data)
        fresh = self.get_queryset().get(pk=instance.pk)  # type: ignore[attr-defined]
        response = Response(
            self.get_serializer(fresh).data,  # type: ignore[attr-defined]
            status=status.HTTP_201_CREATED,
        )
        return self.with_etag(response, fresh)  # type: ignore[attr-defined,no-any-return]


class FileRenderer(renderers.BaseRenderer):
    """Passes a file's bytes through; an error (a dict) is rendered as JSON."""

    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(FileRenderer):
    media_type = rendering.XLSX_TYPE
    format = "xlsx"
