"""D27 and D28 in a real browser (Chromium): an upload whose every row was rejected is a
yellow warning on its page and in the list, in Chinese and in English; the upload page says
where the customer's codes are listed. Screenshots: test-artifacts/e2e/sellthrough-d27-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from conftest import PASSWORD
from roots.sellthrough.tests.upload_helpers import upload_and_import, yesterday

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BAD = f"{yesterday()},S7777777,BCD-216STPT-W,10,6,13794.00,24"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh-CN"), ("en", "en-US")])
def test_a_fully_rejected_upload_is_a_warning(
    personas, browser: Browser, live_server, shoot, language, locale
):
    user = personas.cu_a1
    user.language = language
    user.save(update_fields=["language"])
    good = f"{yesterday()},S1000001,BCD-216STPT-W,10,6,13794.00,24"
    upload_and_import(user, [good])
    partial = upload_and_import(user, [good, BAD])
    upload = upload_and_import(user, [BAD, BAD.replace("S7777777", "S1000002")])
    assert partial.rows_rejected == 1 and upload.rows_accepted == 0
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale=locale, timezone_id="Asia/Shanghai"
    )
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url + "/account/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/sellthrough/uploads/{upload.pk}/")
    badge = page.locator("[data-testid=upload-status]")
    expect(badge).to_have_attribute("data-outcome", "none-accepted")
    expect(page.locator("[data-testid=upload-none-accepted]")).to_be_visible()
    bar = page.locator("[data-testid=upload-progress] .progress-bar")
    expect(bar).to_have_class("progress-bar bg-yellow")
    shoot(page, f"sellthrough-d27-detail-{language}", full_page=True)
    page.goto(f"{live_server.url}/sellthrough/")
    row = page.locator(f"tr[data-upload='{upload.pk}'] [data-testid=upload-status]")
    expect(row).to_have_attribute("data-outcome", "none-accepted")
    expect(
        page.locator(f"tr[data-upload='{partial.pk}'] [data-testid=upload-status]")
    ).to_have_attribute("data-outcome", "some-rejected")
    expect(page.locator("[data-testid=code-pointer] a").first).to_have_attribute(
        "href", "/customers/C100001/?tab=outlets"
    )
    shoot(page, f"sellthrough-d27-list-{language}", full_page=True)
    context.close()
    assert not errors, errors


def test_a_refused_workbook_is_a_field_error_on_the_form(
    personas, browser: Browser, live_server, shoot, tmp_path
):
    from roots.sellthrough.tests.upload_helpers import zip_with_members

    path = tmp_path / "report.xlsx"
    path.write_bytes(zip_with_members(1001).read())
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/account/login/")
    page.fill("input[name=username]", personas.cu_a1.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/sellthrough/")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_load_state()
    expect(page.locator("[data-testid=upload-form]")).to_contain_text("1,001")
    shoot(page, "sellthrough-u1-refused-zh-hans")
    context.close()
