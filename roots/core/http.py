"""HTTP helpers shared by the pages of every app."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after a form: the request's `next` (POST first, then the query string)
    when it points back to this site, else `default`.

    Every `next` and redirect target that a client sends goes through here, so that a
    crafted link (`?next=https://evil.example/phish`) can never send a user off-site.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
