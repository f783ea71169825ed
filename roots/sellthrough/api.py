"""API (filled in by issue 4)."""

from typing import Any

from django.urls import URLPattern

# (prefix, viewset, basename) for the router, and plain paths (APIViews) under /api/v1/.
ROUTES: list[tuple[str, Any, str]] = []
PATHS: list[URLPattern] = []
