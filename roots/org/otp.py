"""TOTP two-factor authentication helpers on top of django-otp."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from roots.org.models import User


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user: User) -> bool:
    """Whether the user's role must use two-factor (setting `OTP_REQUIRED_ROLES`)."""
    return user.role in settings.OTP_REQUIRED_ROLES


def verify(user: User, code: str) -> bool:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return True
    return False
