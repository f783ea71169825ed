"""Production settings fail closed and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests' plugin (tests/browser.py) sets DJANGO_ALLOW_ASYNC_UNSAFE in the test
    # process's environment (async.E001 in a deploy check): leave it out.
    dropped = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(DJANGO_SETTINGS_MODULE="roots.settings.prod", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "production-secret-key-for-the-check-0123456789",
        ALLOWED_HOSTS="crm.example.com",
        ROOTS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    environment = {"ALLOWED_HOSTS": "crm.example.com", "ROOTS_VAR_DIR": str(tmp_path)}
    os_secret = os.environ.pop("SECRET_KEY", None)
    try:
        result = _manage("check", **environment)
    finally:
        if os_secret is not None:
            os.environ["SECRET_KEY"] = os_secret
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
