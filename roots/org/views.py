"""Sign-in, two-factor, language and the account page; `/` sends each user to their landing
page (the staff dashboard is `roots.home`'s, the portal home `roots.portal`'s)."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from roots.core.http import safe_next
from roots.core.pages import page_user
from roots.org import otp, services
from roots.org.forms import LoginForm, OTPCodeForm, OTPVerifyForm
from roots.org.models import Role, User, api_tokens

# Set when a new set of recovery codes was made: the next view of the codes page shows
# them, once.
SHOW_RECOVERY_CODES_KEY = "roots_show_recovery_codes"


def home(request: HttpRequest) -> HttpResponse:
    """`/`: anonymous visitors sign in; staff land on their dashboard, portal users on
    their portal home."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return redirect(landing_url(request.user))  # type: ignore[arg-type]


def landing_url(user: User) -> str:
    if user.role in (Role.CUSTOMER_USER, Role.SUPPLIER_USER):
        return reverse("portal-home")
    return reverse("dashboard")


def _language_response(response: HttpResponse, language: str) -> HttpResponse:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        return safe_next(self.request, landing_url(self.request.user))  # type: ignore[arg-type]

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        return _language_response(response, form.get_user().language)


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any):
    """django-axes calls this when a username/IP pair is locked out."""
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME or 0) * 60))
    return render(request, "org/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user's choice is remembered."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponse(status=400)
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)  # type: ignore[arg-type]
    return _language_response(HttpResponseRedirect(safe_next(request, "/")), language)


def _qr_data_uri(device: TOTPDevice) -> str:
    # A data URI needs a standalone SVG (with its namespace), not the inline-HTML flavour.
    return segno.make(device.config_url, micro=False).svg_data_uri(scale=5, border=2)


def _verify_first(path: str) -> HttpResponse:
    """To the verify page, and back to `path` once the code is in."""
    return redirect(f"{reverse('otp-verify')}?{urlencode({'next': path})}")


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, then confirm with a first code.

    A user who already has a device must enter a code of it first (a verified session):
    the password alone never replaces the authenticator."""
    user = page_user(request)
    verified = otp.is_verified(user)
    if otp.has_device(user) and not verified:
        return _verify_first(reverse("otp-setup"))
    form = OTPCodeForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            try:
                device = services.totp_device_confirm(
                    user=user, code=form.cleaned_data["code"], verified=verified
                )
            except ValidationError as exc:
                form.add_error("code", exc.message_dict.get("code", exc.messages))
            else:
                otp_login(request, device)
                services.recovery_codes_generate(user=user, verified=True)
                request.session[SHOW_RECOVERY_CODES_KEY] = True
                messages.success(request, _("Two-factor authentication is on."))
                return redirect("otp-recovery-codes")
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None or request.method == "GET":
            device = services.totp_device_start(user=user, verified=verified)
    except PermissionDenied:  # a device was confirmed meanwhile, in another session
        return _verify_first(reverse("otp-setup"))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "org/otp_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device),
            "secret": secret,
            "required": otp.is_required(user),
            "enrolled": otp.has_device(user),
        },
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in for a user with a confirmed device: a code from the app,
    or a recovery code (used up)."""
    user = page_user(request)
    if not otp.has_device(user):
        return redirect("otp-setup")
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.verify(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = otp.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code. Recovery codes left: %(count)s.")
                    % {"count": left},
                )
            return redirect(safe_next(request, landing_url(user)))
        form.add_error("code", _("The code is not valid."))
    return render(request, "org/otp_verify.html", {"form": form})


@login_required
@require_POST
def otp_remove(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    if otp.is_required(user):
        messages.error(request, _("Your role requires two-factor authentication."))
        return redirect("account")
    try:
        services.totp_device_remove(user=user, verified=otp.is_verified(user))
    except PermissionDenied:
        return _verify_first(reverse("account"))
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("account")


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Recovery codes: a new set on demand (POST, from a verified session), shown once."""
    user = page_user(request)
    if not otp.has_device(user):
        return redirect("otp-setup")
    if not otp.is_verified(user):
        return _verify_first(reverse("otp-recovery-codes"))
    if request.method == "POST":
        services.recovery_codes_generate(user=user, verified=True)
        request.session[SHOW_RECOVERY_CODES_KEY] = True
        return redirect("otp-recovery-codes")
    codes: list[str] = []
    if request.session.pop(SHOW_RECOVERY_CODES_KEY, False):
        tokens = StaticToken.objects.filter(device__user=user, device__confirmed=True)
        codes = [otp.format_recovery_code(t) for t in tokens.values_list("token", flat=True)]
    response = render(
        request,
        "org/recovery_codes.html",
        {"codes": codes, "left": otp.recovery_codes_left(user), "continue_url": landing_url(user)},
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: who they are, language, two-factor, recovery codes
    and API tokens."""
    user = page_user(request)
    two_factor = otp.has_device(user)
    return render(
        request,
        "org/account.html",
        {
            "two_factor": two_factor,
            "two_factor_required": otp.is_required(user),
            "recovery_codes_left": otp.recovery_codes_left(user) if two_factor else 0,
            "api_tokens": api_tokens().visible_to(user).order_by("-created"),
            "token_ttl_days": round(settings.API_TOKEN_TTL_HOURS / 24),
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    """Revoke one of the user's API tokens from the account page (another user's: 404)."""
    user = page_user(request)
    token = api_tokens().visible_to(user).filter(token_key=token_id).first()
    if token is None:
        raise Http404
    services.api_token_revoke(user=user, token=token)
    messages.success(request, _("The API token is revoked."))
    return redirect(f"{reverse('account')}#api-tokens")


@login_required
@require_POST
def api_tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    count = services.api_tokens_revoke_all(user=user)
    messages.success(request, _("API tokens revoked: %(count)s.") % {"count": count})
    return redirect(f"{reverse('account')}#api-tokens")
