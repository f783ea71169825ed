"""The browser tests' fixtures: Playwright (sync API) driving Debian's Chromium against
`live_server`. A pytest plugin, registered by the root conftest.py, so that every browser
test (in tests/e2e/ or in an app's tests) shares one Chromium per test process: two sync
Playwright instances in one process fail.

Playwright's sync API runs an event loop in the test thread, so Django's guard against ORM
calls from async code must be lifted for these tests (the ORM calls are still synchronous).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context of a Chinese-speaking user, at a laptop's screen size; the
    console errors it logs (a CSP violation, a failing script) are collected on
    `page.console_errors`."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        reduced_motion="reduce",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def shoot() -> object:
    """`shoot(page, name)` saves a screenshot to test-artifacts/e2e/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str, *, full_page: bool = False) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


def sign_in(page: Page, base_url: str, username: str, password: str) -> Page:
    """Sign in through the login form, as a user would; the page lands where the user lands."""
    page.goto(base_url + "/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state()
    return page
