"""Development and demo settings: `make run` uses these."""

import os

os.environ.setdefault("SECRET_KEY", "dev-insecure-key-only-for-the-local-demo")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

from roots.settings.base import *  # noqa: F403
