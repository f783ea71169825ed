"""The authentication holes of the December 2026 review (A1-A5), each as its reproduction:
two-factor by header (A1), re-enrolment takeover (A2), tokens that outlive a password (A3),
password spraying (A4) and the open redirect after the code (A5); and recovery codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from conftest import PASSWORD, shared_personas
from roots.org import otp, services
from roots.org.models import User
from roots.org.permissions import TwoFactorVerified

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def _device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _code(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def _password_session(username: str) -> Client:
    """A browser that knows only the password (the attacker of A1 and A2)."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _verified_session(user: User, device: TOTPDevice) -> Client:
    client = _password_session(user.username)
    response = client.post(reverse("otp-verify"), {"code": _code(device)})
    assert response.status_code == 302
    return client


def _token(username: str, **extra: str) -> str:
    response = APIClient().post(
        TOKEN, {"username": username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def _with_token(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


# --- A1: no exemption from two-factor by header -------------------------------------------
def test_a1_any_authorization_header_does_not_skip_two_factor_on_pages(personas):
    _device(personas.hq)
    client = _password_session("hq")
    for header in ("Bearer anything", "Basic Zm9vOmJhcg==", "Token nonsense"):
        response = client.get(reverse("dashboard"), HTTP_AUTHORIZATION=header)
        assert response.status_code == 302, header
        assert response["Location"] == reverse("otp-verify")


def test_a1_any_authorization_header_does_not_skip_two_factor_on_admin(personas):
    personas.hq.is_staff = personas.hq.is_superuser = True
    personas.hq.save()
    _device(personas.hq)
    client = _password_session("hq")
    response = client.get("/admin/", HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 302
    assert response["Location"] == reverse("otp-verify")


def test_a1_session_with_basic_header_gets_403_otp_required_from_the_api(personas):
    _device(personas.hq)
    client = _password_session("hq")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "otp_required"
    assert body["errors"] == {}
    assert "hq_admin" not in response.content.decode()


def test_a1_session_of_role_that_requires_two_factor_gets_403_before_enrolling(personas, settings):
    settings.OTP_REQUIRED_ROLES = ["hq_admin"]
    client = _password_session("hq")
    response = client.get("/api/v1/customers/", HTTP_AUTHORIZATION="Bearer x")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_a1_verified_session_uses_the_api(personas):
    device = _device(personas.hq)
    client = _verified_session(personas.hq, device)
    assert client.get("/api/v1/me/").json()["username"] == "hq"


def test_a1_session_without_two_factor_uses_the_api(personas):
    assert _password_session("am_a").get("/api/v1/me/").status_code == 200


def test_a1_real_token_of_enrolled_user_works_without_a_session(personas):
    device = _device(personas.hq)
    token = _token("hq", otp=_code(device))
    response = _with_token(token).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["role"] == "hq_admin"


def _api_views():
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.callback

    for route, callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "cls", None)
        if route.startswith("api/") and view is not None:
            yield route, view


def test_every_api_view_that_takes_a_session_checks_two_factor():
    """The check lives in DEFAULT_PERMISSION_CLASSES; a view that sets its own permission
    classes must keep it (or take no session at all, like the token endpoint)."""
    from rest_framework.authentication import SessionAuthentication

    missing = []
    for route, view in _api_views():
        takes_session = any(
            issubclass(a, SessionAuthentication) for a in view.authentication_classes
        )
        public = any(p.__name__ == "AllowAny" for p in view.permission_classes)
        if takes_session and not public and TwoFactorVerified not in view.permission_classes:
            missing.append(f"{route} ({view.__name__})")
    assert TwoFactorVerified in api_settings.DEFAULT_PERMISSION_CLASSES
    assert not missing, missing


# --- A2: no re-enrolment with the password alone --------------------------------------------
def test_a2_password_only_session_cannot_replace_the_authenticator(personas):
    original = _device(personas.hq)
    client = _password_session("hq")
    page = client.get(reverse("otp-setup"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("otp-verify"))
    assert not TOTPDevice.objects.filter(user=personas.hq, confirmed=False).exists()
    # Even with an unconfirmed device planted (and its code), the POST takes nothing over.
    planted = TOTPDevice.objects.create(user=personas.hq, name="attacker", confirmed=False)
    response = client.post(reverse("otp-setup"), {"code": _code(planted)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-verify"))
    assert list(TOTPDevice.objects.filter(user=personas.hq, confirmed=True)) == [original]
    assert client.get(reverse("dashboard"))["Location"] == reverse("otp-verify")


def test_a2_password_only_session_cannot_remove_the_authenticator(personas):
    _device(personas.hq)
    client = _password_session("hq")
    response = client.post(reverse("otp-remove"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-verify"))
    assert TOTPDevice.objects.filter(user=personas.hq, confirmed=True).exists()


def test_a2_service_refuses_to_replace_a_confirmed_device_without_proof(personas):
    from django.core.exceptions import PermissionDenied

    original = _device(personas.hq)
    new = TOTPDevice.objects.create(user=personas.hq, name="new", confirmed=False)
    with pytest.raises(PermissionDenied):
        services.totp_device_confirm(user=personas.hq, code=_code(new), verified=False)
    with pytest.raises(PermissionDenied):
        services.totp_device_remove(user=personas.hq, verified=False)
    assert TOTPDevice.objects.get(user=personas.hq, confirmed=True) == original


def test_a2_verified_session_replaces_the_authenticator(personas):
    original = _device(personas.hq)
    client = _verified_session(personas.hq, original)
    assert client.get(reverse("otp-setup")).status_code == 200
    new = TOTPDevice.objects.get(user=personas.hq, confirmed=False)
    response = client.post(reverse("otp-setup"), {"code": _code(new)})
    assert response["Location"] == reverse("otp-recovery-codes")
    assert list(TOTPDevice.objects.filter(user=personas.hq, confirmed=True)) == [new]


def test_enrolling_in_another_session_soon_stops_a_password_only_session(personas):
    """A session opened with the password before the user enrolled remembers "no device"
    only for a minute."""
    from roots.org import middleware

    client = _password_session("hq")
    assert client.get(reverse("dashboard")).status_code == 200
    _device(personas.hq)
    session = client.session
    pk, at = session[middleware.NO_OTP_SESSION_KEY]
    session[middleware.NO_OTP_SESSION_KEY] = [pk, at - middleware.NO_OTP_RECHECK_SECONDS]
    session.save()
    assert client.get(reverse("dashboard"))["Location"] == reverse("otp-verify")


# --- recovery codes -------------------------------------------------------------------------
def test_enrolment_shows_ten_recovery_codes_once(personas):
    client = _password_session("am_a")
    client.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=personas.am_a, confirmed=False)
    response = client.post(reverse("otp-setup"), {"code": _code(device)}, follow=True)
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert all(code in response.content.decode() for code in codes)
    again = client.get(reverse("otp-recovery-codes"))
    assert again.context["codes"] == []
    assert again.context["left"] == 10
    assert codes[0] not in again.content.decode()


def test_recovery_code_signs_in_once_on_the_verify_page(personas):
    _device(personas.am_a)
    code = services.recovery_codes_generate(user=personas.am_a, verified=True)[0]
    first = _password_session("am_a")
    response = first.post(reverse("otp-verify"), {"code": otp.format_recovery_code(code).upper()})
    assert response.status_code == 302
    assert first.get(reverse("dashboard")).status_code == 200
    assert otp.recovery_codes_left(personas.am_a) == 9
    second = _password_session("am_a")
    again = second.post(reverse("otp-verify"), {"code": code})
    assert again.status_code == 200
    assert "code" in again.context["form"].errors
    assert second.get(reverse("dashboard"))["Location"] == reverse("otp-verify")


def test_recovery_code_gets_a_token_once(personas):
    _device(personas.hq)
    code = services.recovery_codes_generate(user=personas.hq, verified=True)[0]
    assert _token("hq", otp=otp.format_recovery_code(code))
    response = APIClient().post(
        TOKEN, {"username": "hq", "password": PASSWORD, "otp": code}, format="json"
    )
    assert response.status_code == 400
    assert "otp" in response.json()["errors"]


def test_new_recovery_codes_need_a_verified_session_and_replace_the_old(personas):
    device = _device(personas.am_a)
    old = services.recovery_codes_generate(user=personas.am_a, verified=True)
    client = _verified_session(personas.am_a, device)
    response = client.post(reverse("otp-recovery-codes"), follow=True)
    new = [c.replace("-", "") for c in response.context["codes"]]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.recovery_codes_generate(user=personas.am_a, verified=False)


def test_turning_two_factor_off_removes_the_recovery_codes(personas):
    device = _device(personas.am_a)
    services.recovery_codes_generate(user=personas.am_a, verified=True)
    client = _verified_session(personas.am_a, device)
    client.post(reverse("otp-remove"))
    assert not StaticToken.objects.exists()


# --- A3: tokens are hashed, expire, can be listed and revoked, and die with the password ----
def test_a3_token_is_stored_hashed_with_an_expiry(personas):
    before = timezone.now()
    response = APIClient().post(TOKEN, {"username": "am_a", "password": PASSWORD}, format="json")
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=personas.am_a)
    assert token not in (stored.digest, stored.token_key)
    ttl = timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert before + ttl <= stored.expiry <= timezone.now() + ttl
    assert response.json()["expiry"]


def test_a3_expired_token_answers_401(personas):
    token = _token("am_a")
    AuthToken.objects.filter(user=personas.am_a).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    assert _with_token(token).get("/api/v1/me/").status_code == 401


def test_a3_token_survives_no_password_reset_by_the_admin(personas):
    token = _token("am_a")
    admin_user = personas.hq
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(
        f"/admin/org/user/{personas.am_a.pk}/password/",
        {"password1": "a-new-pass-word-456", "password2": "a-new-pass-word-456"},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _with_token(token).get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=personas.am_a).exists()


def test_a3_password_change_form_revokes_tokens(personas):
    token = _token("am_a")
    user = User.objects.get(pk=personas.am_a.pk)
    user.set_password("another-pass-word-789")
    user.save()
    assert _with_token(token).get("/api/v1/me/").status_code == 401


def test_a3_other_saves_keep_the_tokens(personas):
    token = _token("am_a")
    user = User.objects.get(pk=personas.am_a.pk)
    user.full_name = "改名"
    user.save()
    assert _with_token(token).get("/api/v1/me/").status_code == 200


def test_a3_deactivation_revokes_tokens(personas):
    token = _token("am_a")
    user = User.objects.get(pk=personas.am_a.pk)
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert _with_token(token).get("/api/v1/me/").status_code == 401


def test_a3_owner_lists_tokens_without_secrets(personas):
    first, second = _token("am_a"), _token("am_a")
    _token("am_b")
    response = _with_token(second).get(TOKENS)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 2
    assert set(rows[0]) == {"id", "created", "expiry", "current"}
    assert [r["current"] for r in rows] == [True, False]
    assert first not in response.content.decode() and second not in response.content.decode()
    assert all(first.startswith(r["id"]) or second.startswith(r["id"]) for r in rows)


def test_a3_owner_revokes_one_token(personas):
    first, second = _token("am_a"), _token("am_a")
    response = _with_token(second).delete(f"{TOKENS}{first[:15]}/")
    assert response.status_code == 204
    assert _with_token(first).get("/api/v1/me/").status_code == 401
    assert _with_token(second).get("/api/v1/me/").status_code == 200


def test_a3_another_users_token_answers_404(personas):
    theirs = _token("am_b")
    mine = _token("am_a")
    assert _with_token(mine).delete(f"{TOKENS}{theirs[:15]}/").status_code == 404
    assert _with_token(theirs).get("/api/v1/me/").status_code == 200


def test_a3_owner_revokes_all_tokens(personas):
    first, second = _token("am_a"), _token("am_a")
    other = _token("am_b")
    response = _with_token(first).post(f"{TOKENS}revoke-all/")
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert _with_token(second).get("/api/v1/me/").status_code == 401
    assert _with_token(other).get("/api/v1/me/").status_code == 200


def test_a3_account_page_lists_and_revokes_tokens(personas):
    first, second = _token("am_a"), _token("am_a")
    _token("am_b")
    client = Client()
    client.force_login(personas.am_a)
    page = client.get(reverse("account"))
    assert len(page.context["api_tokens"]) == 2
    assert first not in page.content.decode()
    response = client.post(reverse("api-token-revoke", args=[first[:15]]))
    assert response.status_code == 302
    assert _with_token(first).get("/api/v1/me/").status_code == 401
    assert _with_token(second).get("/api/v1/me/").status_code == 200
    theirs = AuthToken.objects.get(user=personas.am_b).token_key
    assert client.post(reverse("api-token-revoke", args=[theirs])).status_code == 404
    client.post(reverse("api-tokens-revoke-all"))
    assert not AuthToken.objects.filter(user=personas.am_a).exists()
    assert AuthToken.objects.filter(user=personas.am_b).exists()


def test_a3_token_that_is_not_utf8_answers_401(personas):
    client = APIClient(HTTP_AUTHORIZATION="Token \xe9\xe9\xe9")
    assert client.get("/api/v1/me/").status_code == 401


def test_a3_tokens_per_user_are_capped(personas, settings):
    settings.API_TOKEN_LIMIT_PER_USER = 3
    tokens = [_token("am_a") for _ in range(4)]
    assert AuthToken.objects.filter(user=personas.am_a).count() == 3
    assert _with_token(tokens[0]).get("/api/v1/me/").status_code == 401
    assert _with_token(tokens[-1]).get("/api/v1/me/").status_code == 200


# --- A4: password spraying from one address -------------------------------------------------
def test_a4_web_login_limits_one_address_across_usernames(personas):
    client = Client()
    statuses = [
        client.post(
            reverse("login"), {"username": f"sprayed{i}", "password": "Summer2026!"}
        ).status_code
        for i in range(15)
    ]
    limit = settings.AXES_IP_FAILURE_LIMIT
    assert limit < 15
    # Like the per-username lockout: the failure that reaches the limit answers 429.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    # ... even for a real user with the right password, from that address
    assert (
        client.post(reverse("login"), {"username": "am_a", "password": PASSWORD}).status_code == 429
    )
    # ... but not from another address
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other.post(reverse("login"), {"username": "am_a", "password": PASSWORD}).status_code == 302
    )


def test_a4_token_endpoint_limits_one_address_across_usernames(personas):
    client = APIClient()
    statuses = [
        client.post(
            TOKEN, {"username": f"sprayed{i}", "password": "Summer2026!"}, format="json"
        ).status_code
        for i in range(15)
    ]
    limit = settings.AXES_IP_FAILURE_LIMIT
    assert statuses[: limit - 1] == [400] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}


def test_a4_failures_of_one_username_still_lock_at_the_per_user_limit(personas):
    statuses = [
        Client().post(reverse("login"), {"username": "am_a", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert (
        Client().post(reverse("login"), {"username": "am_b", "password": PASSWORD}).status_code
        == 302
    )


# --- A5: every `next` stays on the site -----------------------------------------------------
def test_a5_verify_page_refuses_a_foreign_next(personas):
    device = _device(personas.am_a)
    client = _password_session("am_a")
    response = client.post(
        reverse("otp-verify") + "?next=https://evil.example/phish", {"code": _code(device)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a5_verify_page_follows_a_local_next(personas):
    device = _device(personas.am_a)
    client = _password_session("am_a")
    response = client.post(reverse("otp-verify") + "?next=/account/", {"code": _code(device)})
    assert response["Location"] == "/account/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/phish", "/\\evil.example"]
)
def test_a5_login_refuses_a_foreign_next(personas, target):
    response = Client().post(
        reverse("login") + f"?next={target}", {"username": "am_a", "password": PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")


def test_a5_language_switch_refuses_a_foreign_next_in_the_query(personas):
    response = Client().post(
        reverse("set-language") + "?next=https://evil.example/phish", {"language": "en"}
    )
    assert response["Location"] == "/"


def test_safe_next_wants_https_on_a_secure_request(rf):
    from roots.core.http import safe_next

    request = rf.get("/", {"next": "http://testserver/account/"}, secure=True)
    assert safe_next(request, "/x/") == "/x/"
    request = rf.get("/", {"next": "https://testserver/account/"}, secure=True)
    assert safe_next(request, "/x/") == "https://testserver/account/"
