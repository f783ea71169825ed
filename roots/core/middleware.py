"""Middleware of the whole site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """Answers to a signed-in caller carry `Cache-Control: no-store, private`: pages,
    downloads (statements, exports) and the API alike, so that neither a shared browser nor
    a proxy keeps them (security review A6, ASVS V8.2.1).

    "Signed in" is read after the view ran: the session user (AuthenticationMiddleware), or
    the user that DRF authenticated by token, which DRF's `Request` also sets on the Django
    request. Every answer under `/api/` is private too, the token login's (a credential)
    included. Static files never get here (WhiteNoise answers them earlier in the chain), and
    the other anonymous answers keep their own headers.
    """

    PRIVATE_PREFIXES = ("/api/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(
            self.PRIVATE_PREFIXES
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response
