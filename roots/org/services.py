"""Writes about people: language preference and two-factor enrolment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

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


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Start (or restart) enrolment: an unconfirmed device whose secret the user scans."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, code: str) -> TOTPDevice:
    """Confirm enrolment with a first code from the app; only then does it guard logins."""
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
def totp_device_remove(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
