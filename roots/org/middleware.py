"""Two-factor enforcement for the browser: a user with a confirmed TOTP device must enter a
code once per session; a user whose role requires two-factor must enrol first."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from roots.org import otp

# Most users have no device and no obligation: that is remembered for the session instead
# of asked of the database on every request. Enrolling logs the new device in (otp_login),
# so a remembered "no" never lets an enrolled user skip the code.
NO_OTP_SESSION_KEY = "roots_no_otp"
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/favicon.ico")
EXEMPT_PATHS = frozenset(
    {
        "/account/login/",
        "/account/logout/",
        "/account/language/",
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
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Two-factor verification required."), "errors": {}},
                        status=403,
                    )
                return redirect("otp-verify" if has_device else "otp-setup")
            request.session[NO_OTP_SESSION_KEY] = user.pk
        return self.get_response(request)

    @staticmethod
    def _needs_check(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.path not in EXEMPT_PATHS
            and "HTTP_AUTHORIZATION" not in request.META
            and not user.is_verified()  # type: ignore[union-attr]
            and request.session.get(NO_OTP_SESSION_KEY) != user.pk
        )
