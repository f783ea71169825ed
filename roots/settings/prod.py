"""Production settings: fail closed. SECRET_KEY and ALLOWED_HOSTS must come from the
environment; DEBUG is off unless asked for; HTTPS everywhere; TOTP mandatory for managers."""

import os

os.environ.setdefault("OTP_REQUIRED_ROLES", "hq_admin,branch_manager")

from roots.settings.base import *  # noqa: F403
from roots.settings.env import env_bool, env_int

if not ALLOWED_HOSTS:  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

OUTBOX_TEST_CRASH_BEFORE_SEND = False  # a test's fault injection, never in production
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
