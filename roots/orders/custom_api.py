"""The custom-order (made-to-order) API; its routes join `roots.orders.api.ROUTES`."""

from __future__ import annotations

from typing import Any

CUSTOM_ROUTES: list[tuple[str, Any, str]] = []
