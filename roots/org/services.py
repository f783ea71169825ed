"""Writes about people: language preference, two-factor enrolment, recovery codes and API
tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from roots.org import otp

if TYPE_CHECKING:
    from roots.org.models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the user's interface language (it wins over Accept-Language after login)."""
    allowed = {code for code, _name in user._meta.get_field("language").choices or ()}
    if language not in allowed:
        raise ValidationError({"language": [_("Unknown language.")]})
    user.language = language
    user.save(update_fields=["language"])
    return user


# --- two-factor -----------------------------------------------------------------------------
def _require_proof(*, user: User, verified: bool) -> None:
    """Changing the second factor of an enrolled user needs a session that entered a code
    of it: the password alone must never replace or remove the authenticator."""
    if not verified and otp.has_device(user):
        raise PermissionDenied(_("Enter a code from your authenticator app first."))


@transaction.atomic
def totp_device_start(*, user: User, verified: bool) -> TOTPDevice:
    """Start (or restart) enrolment: an unconfirmed device whose secret the user scans.
    `verified`: the caller's session entered a code (needed once a device is confirmed)."""
    _require_proof(user=user, verified=verified)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, code: str, verified: bool) -> TOTPDevice:
    """Confirm enrolment with a first code from the app; only then does it guard logins.
    It replaces a confirmed device only for a caller whose session entered a code of it."""
    _require_proof(user=user, verified=verified)
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError({"code": [_("Start the enrolment again.")]})
    if not device.verify_token(code):
        raise ValidationError({"code": [_("The code is not valid; check your phone's clock.")]})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def totp_device_remove(*, user: User, verified: bool) -> None:
    """Turn two-factor off: the authenticator and the recovery codes go."""
    _require_proof(user=user, verified=verified)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def recovery_codes_generate(*, user: User, verified: bool) -> list[str]:
    """A fresh set of single-use recovery codes (the previous set stops working). The
    caller shows them once; each one signs in instead of a code from the app."""
    if not verified:
        raise PermissionDenied(_("Enter a code from your authenticator app first."))
    if not otp.has_device(user):
        raise ValidationError(_("Turn on two-factor authentication first."))
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=otp.RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < otp.RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in sorted(codes))
    return sorted(codes)


# --- API tokens -----------------------------------------------------------------------------
@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token (each login gets its own): stored hashed, valid for
    `API_TOKEN_TTL_HOURS`. Answers the record and the secret, which is never shown again.
    Expired tokens go, and beyond `API_TOKEN_LIMIT_PER_USER` live ones the oldest."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    token, secret = AuthToken.objects.create(
        user=user, expiry=timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    )
    keep = AuthToken.objects.filter(user=user).order_by("-created", "-pk")
    surplus = list(keep.values_list("pk", flat=True)[settings.API_TOKEN_LIMIT_PER_USER :])
    if surplus:
        AuthToken.objects.filter(pk__in=surplus).delete()
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token: AuthToken) -> None:
    """Revoke one of the user's own tokens."""
    if token.user_id != user.pk:
        raise PermissionDenied
    token.delete()


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every API token of the user (also done when the password changes or the
    user is deactivated); answers how many there were."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted
