"""The API's share of two-factor: a browser session must have entered its code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from roots.org import otp


class TwoFactorRequired(exceptions.PermissionDenied):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _("Two-factor verification required.")
    default_code = "otp_required"  # the `code` of the error answer


class TwoFactorVerified(BasePermission):
    """Refuses an API call made with a session cookie whose user has a TOTP device (or a
    role that requires one) but has not entered a code in this session. A call with an API
    token passes: the token endpoint asked for the code before it issued the token.

    Only how DRF actually authenticated the request counts, never which headers it carries
    (an `Authorization: Basic ...` header beside a session cookie is still a session call).
    It sits in `DEFAULT_PERMISSION_CLASSES` beside `IsAuthenticated`; a view that sets its
    own `permission_classes` keeps it with `[*api_settings.DEFAULT_PERMISSION_CLASSES, ...]`.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        if otp.needs_verification(request.user):  # type: ignore[arg-type]
            raise TwoFactorRequired()
        return True
