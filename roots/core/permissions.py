"""API permissions shared by every app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import BasePermission


class SchemaAccess(BasePermission):
    """The OpenAPI schema and its docs (security review A7): signed-in callers only, anyone
    when `settings.API_SCHEMA_PUBLIC` (env `API_SCHEMA_PUBLIC=true`). drf-spectacular's
    `SERVE_PERMISSIONS`; the setting is read on each request. (Not in `roots.core.apidocs`:
    drf-spectacular imports it while its views module loads.)"""

    def has_permission(self, request: Any, view: Any) -> bool:
        if getattr(settings, "API_SCHEMA_PUBLIC", False):
            return True
        return bool(request.user and request.user.is_authenticated)
