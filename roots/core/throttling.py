"""Rate limits (security review R1): the API's request rate per role, and a cost throttle on
downloads that render a PDF or a workbook.

- `RoleRateThrottle` (the API's default throttle) counts each user's requests against the
  rate of its role's tier: `portal` (customer and supplier users), `field` (engineers),
  `integration` (system accounts) or `user` (every other staff role); anonymous callers
  count per IP address against `anon`. The numbers are `REST_FRAMEWORK
  ["DEFAULT_THROTTLE_RATES"]`, set from the environment in settings/base.py.
- `cost_throttled` decorates a costly download (statement PDF and XLSX, the XLSX exports):
  each user may start `EXPORT_RATE` of them (default `10/minute`), pages and API alike (one
  count per user); the next answers 429 with `Retry-After`: a short page for a page, the
  API's error format for the API.

The counters live in Django's default cache: with several server processes, a shared cache
(`CACHES`) makes the limits hold across them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

# Role -> throttle scope (its rate in DEFAULT_THROTTLE_RATES); other roles use `user`.
ROLE_SCOPES = {
    "customer_user": "portal",
    "supplier_user": "portal",
    "engineer": "field",
    "integration": "integration",
}
DEFAULT_EXPORT_RATE = "10/minute"

F = TypeVar("F", bound=Callable[..., Any])


class RoleRateThrottle(SimpleRateThrottle):
    """Requests per user, at the rate of the user's role tier (see the module docstring).
    The rates are read on each request, so that a settings override applies."""

    scope = "user"

    def __init__(self) -> None:  # the rate depends on the caller: see allow_request
        self.rate: str | None = None

    @staticmethod
    def scope_for(user: Any) -> str:
        if not (user and user.is_authenticated):
            return "anon"
        return ROLE_SCOPES.get(getattr(user, "role", ""), "user")

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        return cast(str | None, rates.get(self.scope, rates.get("user")))

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Any, view: Any) -> bool:
        self.scope = self.scope_for(request.user)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class ExportRateThrottle(SimpleRateThrottle):
    """Costly downloads per user: `settings.EXPORT_RATE` (read on each request)."""

    scope = "export"

    def get_rate(self) -> str | None:
        return getattr(settings, "EXPORT_RATE", DEFAULT_EXPORT_RATE) or None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = request.user
        if not (user and user.is_authenticated):
            return None  # the view's own sign-in check answers first
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


def _retry_after(throttle: SimpleRateThrottle) -> int:
    wait = throttle.wait()
    if wait is None:
        wait = getattr(throttle, "duration", None) or 60
    return max(1, math.ceil(wait))


def throttled_page(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 answer of a page: a short explanation, with `Retry-After`."""
    response = render(request, "core/429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def cost_throttled(view: F) -> F:
    """Limit a costly download to `EXPORT_RATE` per user. Decorates a Django view function
    (below `@login_required`) or a DRF viewset action (below `@action`)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        request = args[0] if isinstance(args[0], HttpRequest | Request) else args[1]
        throttle = ExportRateThrottle()
        # The throttle reads only `request.user`: a Django request serves as well as DRF's.
        if throttle.allow_request(cast(Any, request), cast(Any, None)):
            return view(*args, **kwargs)
        retry_after = _retry_after(throttle)
        if isinstance(request, Request):
            raise exceptions.Throttled(wait=retry_after)
        return throttled_page(request, retry_after)

    return cast(F, wrapper)
