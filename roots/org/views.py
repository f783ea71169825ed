"""Sign-in, two-factor, language, and the landing pages of staff and portal users."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from roots.customers.policies import can_create_customer
from roots.customers.selectors import customer_dashboard_stats
from roots.org import otp, services
from roots.org.forms import LoginForm, OTPCodeForm
from roots.org.models import Role, User


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
        url = self.get_redirect_url()
        return url or landing_url(self.request.user)  # type: ignore[arg-type]

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
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return _language_response(HttpResponseRedirect(target), language)


def _qr_data_uri(device: TOTPDevice) -> str:
    # A data URI needs a standalone SVG (with its namespace), not the inline-HTML flavour.
    return segno.make(device.config_url, micro=False).svg_data_uri(scale=5, border=2)


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, then confirm with a first code."""
    user: User = request.user  # type: ignore[assignment]
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_device_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(landing_url(user))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = services.totp_device_start(user=user)
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
    """The second step of sign-in for a user with a confirmed device."""
    user: User = request.user  # type: ignore[assignment]
    if not otp.has_device(user):
        return redirect("otp-setup")
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(request.GET.get("next") or landing_url(user))
        form.add_error("code", _("The code is not valid."))
    return render(request, "org/otp_verify.html", {"form": form})


@login_required
@require_POST
def otp_remove(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if otp.is_required(user):
        messages.error(request, _("Your role requires two-factor authentication."))
    else:
        services.totp_device_remove(user=user)
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("account")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: who they are, language, two-factor."""
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "org/account.html",
        {"two_factor": otp.has_device(user), "two_factor_required": otp.is_required(user)},
    )


# Roles whose work starts from channel customers; the others get a personal dashboard.
CUSTOMER_DASHBOARD_ROLES = frozenset(
    {Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.PRODUCT_MANAGER}
)
TIER_COLOURS = {"vip": "#ae3ec9", "major": "#206bc4", "ordinary": "#74b816", "small": "#adb5bd"}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The staff home: the customers in the user's scope by channel type and tier, key
    accounts, outlets per province on the China map, and recently changed customers."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_portal_user:
        return redirect("portal-home")
    if user.role not in CUSTOMER_DASHBOARD_ROLES:
        return render(
            request,
            "org/dashboard.html",
            {"stats": None, "two_factor": otp.has_device(user)},
        )
    stats = customer_dashboard_stats(user=user)
    english = get_language() != "zh-hans"
    charts = {
        "channel": {
            "title": _("Customers by channel type"),
            "items": [{"name": c.label, "value": c.count} for c in stats.by_channel],
        },
        "tier": {
            "title": _("Customers by value tier"),
            "items": [
                {"name": t.label, "value": t.count, "color": TIER_COLOURS.get(t.key)}
                for t in stats.by_tier
            ],
        },
        "provinces": {
            "title": _("Active outlets"),
            "high": _("More"),
            "low": _("Fewer"),
            "items": [
                {
                    "name": p.short_name,
                    "value": p.count,
                    "label": (p.name_en or p.name) if english else p.name,
                }
                for p in stats.outlets_by_province
            ],
        },
    }
    return render(
        request,
        "org/dashboard.html",
        {
            "stats": stats,
            "charts": charts,
            "top_provinces": stats.outlets_by_province[:5],
            "english": english,
            "can_create": can_create_customer(user),
        },
    )
