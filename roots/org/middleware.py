"""Two-factor enforcement for the browser: a user with a confirmed TOTP device must enter a
code once per session; a user whose role requires two-factor must enrol first.

The pages are guarded here, whatever headers a request carries: HTML views never look at
`Authorization`, so a header proves nothing. The API (`/api/`) is left to DRF, which knows
how it authenticated a call: `roots.org.permissions.TwoFactorVerified` refuses a session
call that has not entered its code, and lets a token call through (the token endpoint
asked for the code).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from roots.org import otp

# Most users have no device and no obligation: that is remembered for the session instead
# of asked of the database on every request. Enrolling logs the new device in (otp_login),
# so a remembered "no" never lets the enrolling session skip the code; other sessions of
# the user (opened with the password alone before) ask again after NO_OTP_RECHECK_SECONDS.
NO_OTP_SESSION_KEY = "roots_no_otp"
NO_OTP_RECHECK_SECONDS = 60
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/favicon.ico", "/api/")
EXEMPT_PATHS = frozenset(
    {
        "/account/login/",
        "/account/logout/",
        "/account/language/",
        # Enrolment must be reachable before the first code; the view itself sends a user
        # who already has a device to the verify page.
        "/account/two-factor/",
        "/account/two-factor/verify/",
    }
)


class OTPRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._needs_check(request):
            user = request.user
            has_device = otp.has_device(user)  # type: ignore[arg-type]
            if has_device or otp.is_required(user):  # type: ignore[arg-type]
                return redirect("otp-verify" if has_device else "otp-setup")
            request.session[NO_OTP_SESSION_KEY] = [user.pk, int(time.time())]
        return self.get_response(request)

    @staticmethod
    def _needs_check(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.path not in EXEMPT_PATHS
            and not user.is_verified()  # type: ignore[union-attr]
            and not _remembered_no_otp(request, user.pk)
        )


def _remembered_no_otp(request: HttpRequest, user_pk: object) -> bool:
    remembered = request.session.get(NO_OTP_SESSION_KEY)
    if not isinstance(remembered, list) or len(remembered) != 2 or remembered[0] != user_pk:
        return False
    return time.time() - remembered[1] < NO_OTP_RECHECK_SECONDS
