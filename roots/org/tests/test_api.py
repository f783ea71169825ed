"""Token login (with lockout and TOTP), `me` and authentication of the API."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import PASSWORD, shared_personas

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The token endpoint's rate limit counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def _login(username: str, password: str = PASSWORD, **extra) -> object:
    return APIClient().post(
        TOKEN, {"username": username, "password": password, **extra}, format="json"
    )


def _device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{(value + offset) % 10**device.digits:0{device.digits}d}"


# --- token login ----------------------------------------------------------------------------
def test_token_login_answers_a_token_that_authenticates(personas):
    response = _login("am_a")
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.get(digest=hash_token(token)).user == personas.am_a
    me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/")
    assert me.json()["username"] == "am_a"


def test_token_login_twice_answers_two_tokens_that_both_work(personas):
    """Each login gets its own token (hashed, expiring); the first keeps working."""
    first, second = _login("am_a").json()["token"], _login("am_a").json()["token"]
    assert first != second
    for token in (first, second):
        me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/")
        assert me.status_code == 200


def test_wrong_password_answers_400_without_saying_which_part_was_wrong(personas):
    wrong_password = _login("am_a", "not-the-password")
    no_such_user = _login("nobody", "not-the-password")
    assert wrong_password.status_code == no_such_user.status_code == 400
    assert wrong_password.json() == no_such_user.json()
    assert wrong_password.json()["errors"]["non_field_errors"]


def test_inactive_user_gets_no_token(personas):
    personas.am_a.is_active = False
    personas.am_a.save()
    assert _login("am_a").status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "am_a"}, "password"),
        ({"username": "am_a", "password": PASSWORD, "otp": "12ab56"}, "otp"),
        ({"username": "u" * 151, "password": PASSWORD}, "username"),
    ],
)
def test_incomplete_login_is_a_field_error(personas, body, field):
    response = APIClient().post(TOKEN, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_failed_logins_are_counted_by_axes(personas):
    _login("am_a", "wrong")
    _login("am_a", "wrong")
    assert AccessAttempt.objects.get(username="am_a").failures_since_start == 2


def test_lockout_after_failure_limit_answers_429_on_the_token_endpoint(personas):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [_login("am_a", "wrong").status_code for _ in range(limit)]
    assert statuses[:-1] == [400] * (limit - 1)
    assert statuses[-1] == 429
    locked = _login("am_a")  # even with the right password
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert set(locked.json()) == {"detail", "code", "errors"}


def test_lockout_is_per_user(personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login("am_a", "wrong")
    assert _login("am_b").status_code == 200


def test_successful_login_resets_the_failure_count(personas):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        _login("am_a", "wrong")
    assert _login("am_a").status_code == 200
    for _ in range(limit - 1):
        assert _login("am_a", "wrong").status_code == 400
    assert _login("am_a").status_code == 200


def test_lockout_answers_429_on_the_web_login(personas):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = client.post("/account/login/", {"username": "am_a", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    assert (
        client.post("/account/login/", {"username": "am_a", "password": "wrong"}).status_code == 429
    )
    assert (
        client.post("/account/login/", {"username": "am_a", "password": PASSWORD}).status_code
        == 429
    )


def test_lockout_on_web_login_also_locks_the_token_endpoint(personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/account/login/", {"username": "am_a", "password": "wrong"})
    assert _login("am_a").status_code == 429


def test_no_lockout_state_leaks_from_other_tests(personas):
    """Runs after the lockout tests in this module: axes keeps attempts in the database,
    which every test rolls back."""
    assert not AccessAttempt.objects.exists()
    assert _login("am_a").status_code == 200


def test_token_endpoint_is_rate_limited(personas):
    statuses = {_login("nobody", "x").status_code for _ in range(61)}
    assert 429 in statuses


# --- two-factor -----------------------------------------------------------------------------
def test_user_with_totp_device_must_send_a_code(personas):
    _device(personas.hq)
    response = _login("hq")
    assert response.status_code == 400
    assert "otp" in response.json()["errors"]


def test_wrong_totp_code_answers_400(personas):
    device = _device(personas.hq)
    response = _login("hq", otp=_code(device, offset=500000))
    assert response.status_code == 400
    assert "otp" in response.json()["errors"]
    assert "token" not in response.json()


def test_right_totp_code_answers_a_token(personas):
    device = _device(personas.hq)
    response = _login("hq", otp=_code(device))
    assert response.status_code == 200
    assert response.json()["token"]


def test_totp_code_cannot_be_replayed(personas):
    device = _device(personas.hq)
    code = _code(device)
    assert _login("hq", otp=code).status_code == 200
    assert _login("hq", otp=code).status_code == 400


def test_unconfirmed_device_does_not_ask_for_a_code(personas):
    _device(personas.hq, confirmed=False)
    assert _login("hq").status_code == 200


def test_wrong_totp_codes_count_towards_lockout(personas):
    device = _device(personas.hq)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login("hq", otp=_code(device, offset=123456))
    assert _login("hq", otp=_code(device)).status_code == 429


def test_role_that_requires_two_factor_without_device_gets_403(personas, settings):
    settings.OTP_REQUIRED_ROLES = ["hq_admin"]
    response = _login("hq")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "code", "errors"}
    assert _login("am_a").status_code == 200


def test_role_that_requires_two_factor_with_device_and_code_gets_token(personas, settings):
    settings.OTP_REQUIRED_ROLES = ["hq_admin"]
    device = _device(personas.hq)
    assert _login("hq", otp=_code(device)).status_code == 200


# --- me and authentication ------------------------------------------------------------------
def _me(role: str, branch=None, customer=None, supplier=None) -> dict:
    return {"role": role, "branch": branch, "customer": customer, "supplier": supplier}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hq", _me("hq_admin")),
        ("bm_b", _me("branch_manager", branch="BB")),
        ("am_a", _me("account_manager", branch="BA")),
        ("cu_b1", _me("customer_user", customer="C100003")),
        ("su", _me("supplier_user", supplier="P00001")),
    ],
)
def test_me_answers_username_role_and_codes(personas, api, persona, expected):
    body = api.as_(getattr(personas, persona)).get("/api/v1/me/").json()
    assert body["username"] == persona
    assert {k: body[k] for k in expected} == expected


def test_me_reports_two_factor(personas, api):
    _device(personas.hq)
    assert api.as_(personas.hq).get("/api/v1/me/").json()["two_factor"] is True
    assert api.as_(personas.am_a).get("/api/v1/me/").json()["two_factor"] is False


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/customers/", "/api/v1/branches/"])
def test_no_credentials_answers_401(personas, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail", "code", "errors"}


def test_unknown_token_answers_401(personas):
    client = APIClient(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/v1/me/").status_code == 401


def test_session_user_with_two_factor_must_verify_before_using_the_api(personas):
    _device(personas.am_a)
    client = Client()
    client.force_login(personas.am_a)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["errors"] == {}


def test_token_user_with_two_factor_uses_the_api(personas):
    device = _device(personas.am_a)
    token = _login("am_a", otp=_code(device)).json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 200
