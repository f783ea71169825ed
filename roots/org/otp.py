"""Two-factor authentication helpers on top of django-otp: a TOTP app, and single-use
recovery codes (django-otp's static tokens) for the day the phone is lost."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from roots.org.models import User

RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10
# A TOTP code (6 to 8 digits) or a recovery code (8 base-32 characters, written in two
# groups of four; spaces and hyphens are ignored, case too).
CODE_PATTERN = r"^\s*(\d{6,8}|[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4})\s*$"
_SEPARATORS = re.compile(r"[\s-]")


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user: User) -> bool:
    """Whether the user's role must use two-factor (setting `OTP_REQUIRED_ROLES`)."""
    return user.role in settings.OTP_REQUIRED_ROLES


def is_verified(user: Any) -> bool:
    """Whether this session entered a code (django-otp's middleware marks the user of a
    session; a user loaded any other way has not)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_verification(user: User) -> bool:
    """A signed-in session of this user must enter a code (or enrol) before it may work."""
    return not is_verified(user) and (has_device(user) or is_required(user))


def normalize_code(code: str) -> str:
    return _SEPARATORS.sub("", code).lower()


def verify(user: User, code: str) -> Device | None:
    """The device that accepts `code`: the TOTP app (a code is refused a second time), or
    a recovery code, which is used up. None if neither does."""
    code = normalize_code(code)
    with transaction.atomic():  # django-otp's throttling counts failures in the same rows
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
        if not code.isdigit() or len(code) == 8:
            for static in StaticDevice.objects.select_for_update().filter(
                user=user, confirmed=True
            ):
                if static.verify_token(code):
                    return static
    return None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"
