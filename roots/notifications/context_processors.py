"""Whether the page shows the bell (signed-in users); its count loads by htmx (`_badge.html`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"bell": bool(user is not None and user.is_authenticated)}
