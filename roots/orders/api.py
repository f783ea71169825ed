"""The orders API: `ROUTES` lists (prefix, viewset, basename) for `roots/api_urls.py`."""

from __future__ import annotations

from typing import Any

from roots.orders.custom_api import CUSTOM_ROUTES

ROUTES: list[tuple[str, Any, str]] = [*CUSTOM_ROUTES]
