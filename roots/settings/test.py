"""Test settings: fast hashing, in-memory mail, no lockout surprises between tests."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from roots.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The outbox sends right after the commit, in the test process (`mail.outbox` sees it).
OUTBOX_DELIVER_ON_COMMIT = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Files the tests write (stored statement PDFs, uploads) go to a scratch directory of this
# process, not to var/media (parallel test processes reuse the same statement numbers).
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="roots-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# Two test processes that run at once against one PostgreSQL server (the schema fuzzing's two
# halves, `make test-postgres`) each need a test database of their own.
if os.environ.get("TEST_DB_SUFFIX"):
    DATABASES["default"].setdefault("TEST", {})  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = (  # noqa: F405
        f"test_{DATABASES['default']['NAME']}_{os.environ['TEST_DB_SUFFIX']}"  # noqa: F405
    )

# A test-only app whose life-cycle proves that the declaration alone gives the API actions,
# page actions, schema and access-matrix rows (tests/test_lifecycle_declared.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.lifecycle_app"]  # noqa: F405
