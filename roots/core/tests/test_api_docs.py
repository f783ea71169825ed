"""Security review A7 (the schema and docs behind sign-in unless API_SCHEMA_PUBLIC) and UX
review D37 (the docs render offline and under the CSP: our static files, no inline script)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- access ---------------------------------------------------------------------------------
def test_anonymous_schema_request_is_refused(personas):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code in {401, 403}
    assert b"/api/v1/customers/" not in response.content


def test_signed_in_callers_get_the_schema(personas, api):
    response = _client(personas.cu_a1).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/customers/" in response.json()["paths"]
    by_token = api.as_(personas.am_a).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert by_token.status_code == 200


@override_settings(API_SCHEMA_PUBLIC=True)
def test_api_schema_public_opens_schema_and_docs(personas):
    anonymous = Client()
    assert anonymous.get("/api/schema/", HTTP_ACCEPT="application/json").status_code == 200
    assert anonymous.get("/api/docs/").status_code == 200


def test_anonymous_docs_visitor_is_sent_to_sign_in(personas):
    response = Client().get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/api/docs/")


# --- the page -------------------------------------------------------------------------------
def test_docs_page_refers_to_no_external_host_and_has_no_inline_script(personas):
    client = _client(personas.am_a)
    response = client.get("/api/docs/", HTTP_ACCEPT="application/json")  # any Accept: the page
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html), html
    assert "cdn.jsdelivr.net" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in html and "style=" not in html
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    script_url = re.search(r"<script src=\"(/api/docs/\?[^\"]*script[^\"]*)\"", html)
    assert script_url, html
    script = client.get(script_url.group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert "validator.swagger.io" not in script.content.decode()


@pytest.mark.e2e
def test_docs_render_the_operations_under_the_csp(
    personas, live_server, transactional_db, page: Page, shoot
):
    external: list[str] = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    # A CSP violation is reported on the console too, but this names what was refused.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP', e.violatedDirective, e.sourceFile, e.lineNumber, e.blockedURI))"
    )
    page.goto(live_server.url + "/api/docs/")
    page.fill("input[name=username]", "am_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    expect(page).to_have_url(live_server.url + "/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    # Swagger UI renders the operations near the viewport; the spec holds them all.
    assert page.evaluate("ui.specSelectors.taggedOperations().size") > 30
    page.wait_for_timeout(500)
    shoot(page, "api-docs")
    # A deep link opens one operation, with its parameters and answers.
    page.goto(live_server.url + "/api/docs/#/customers/customers_list")
    page.reload()  # a new hash alone is no new page load, which deep links are read on
    customers = page.locator(
        ".opblock.is-open", has=page.locator('[data-path="/api/v1/customers/"]')
    )
    expect(customers.locator(".parameters").first).to_be_visible(timeout=30_000)
    expect(customers.locator(".responses-table").first).to_contain_text("429")
    customers.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shoot(page, "api-docs-operation")
    # Swagger UI logs a notice (as an error) that it reads the `_` of an operation id in a
    # deep link as a space; anything else (a CSP refusal, a script error) fails the test.
    errors = [
        e
        for e in page.console_errors  # type: ignore[attr-defined]
        if not e.startswith("Deprecated: escaping deep link")
    ]
    assert not errors, errors
    assert not external, external
