"""django-axes with a second rule: a limit per address across usernames.

Axes locks a username/address pair (`AXES_LOCKOUT_PARAMETERS`), which keeps an attacker
from locking a victim out but lets one address try one password against many usernames
(password spraying). Axes has one failure limit for every rule, so the per-address rule
lives here, at its own, higher limit (`AXES_IP_FAILURE_LIMIT`): the failures recorded for
the address within the cool-off, whatever the username. It applies wherever axes does (the
web login and the token endpoint) and answers like an axes lockout (429).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def address_failures(request: Any, ip_address: str | None) -> int:
    """Failed logins from the address within the cool-off, over every username."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _address_locked(request: Any) -> bool:
    ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return address_failures(request, ip_address) >= settings.AXES_IP_FAILURE_LIMIT


class AddressLimitHandler(AxesDatabaseHandler):
    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        """Before a login: locked by username and address, or by address alone."""
        return super().is_locked(request, credentials) or _address_locked(request)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        """After a failure: the failure that reaches the address's limit already answers
        the lockout, as the one that reaches the username's limit does."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
