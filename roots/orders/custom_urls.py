"""Custom-order (made-to-order) pages; included by `roots.orders.urls`."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
