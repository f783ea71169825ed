"""The app's API: `ROUTES` lists (prefix, viewset, basename) for `roots/api_urls.py`."""

from __future__ import annotations

from typing import Any

ROUTES: list[tuple[str, Any, str]] = []
