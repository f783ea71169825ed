"""The statement PDF is rendered once and kept (D1): stored when the statement is issued,
served from the store without rendering again, rendered again after a change (a new
version, a confirmation, a dispute or its answer), and kept per language."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import shared_personas
from roots.finance import rendering, services
from roots.finance.models import Statement
from roots.finance.tests import factories as f

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 fake "


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def renders():
    """Replace WeasyPrint: each rendering answers distinct bytes (its language and a count)
    and is recorded, so that a test can tell a rendering from a stored file."""
    calls: list[tuple[str, int]] = []

    def fake(*, statement: Statement) -> bytes:
        calls.append((translation.get_language(), statement.version))
        return FAKE_PDF + f"{translation.get_language()} #{len(calls)}\n%%EOF\n".encode()

    with mock.patch.object(rendering, "statement_pdf", side_effect=fake) as spy:
        spy.calls = calls
        yield spy


@pytest.fixture
def draft(personas) -> Statement:
    customer = personas.cust_a1
    customer.credit_limit = 100000
    customer.save()
    f.invoice(customer, "1000.00", date(2026, 4, 10), due_date=date(2026, 5, 10))
    f.payment(customer, "400.00", date(2026, 5, 15))
    services.statements_generate(year=2026, month=5, customers=[customer])
    return Statement.objects.get(customer=customer)


def _issue(personas, statement, django_capture_on_commit_callbacks) -> Statement:
    with django_capture_on_commit_callbacks(execute=True):
        return services.statement_issue(user=personas.am_a, statement=statement)


def _download(user, statement: Statement, language: str = "zh-hans") -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("statement-pdf", args=[statement.number]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _stored(statement: Statement) -> list[str]:
    root = Path(settings.MEDIA_ROOT) / rendering.PDF_DIR / statement.number
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.pdf"))


def test_the_pdf_is_rendered_and_stored_when_the_statement_is_issued(
    personas, draft, renders, django_capture_on_commit_callbacks
):
    statement = _issue(personas, draft, django_capture_on_commit_callbacks)
    assert renders.call_count >= 1
    name = rendering.pdf_name(statement=statement, language="zh-hans")
    assert default_storage.exists(name)
    assert f"/v{statement.version}-" in name
    assert _stored(statement)[0].startswith("zh-hans/")


def test_a_download_is_served_from_the_store_without_rendering_again(
    personas, draft, renders, django_capture_on_commit_callbacks
):
    statement = _issue(personas, draft, django_capture_on_commit_callbacks)
    issued_renders = renders.call_count
    first = _download(personas.cu_a1, statement)
    second = _download(personas.am_a, statement)
    assert first == second and first.startswith(FAKE_PDF)
    assert renders.call_count == issued_renders  # both served from the store


def test_without_a_stored_file_the_download_renders_once_then_serves_the_store(
    personas, draft, renders
):
    services.statement_issue(user=personas.am_a, statement=draft)  # no commit: no rendering
    statement = Statement.objects.get(pk=draft.pk)
    assert renders.call_count == 0
    first = _download(personas.cu_a1, statement)
    assert renders.call_count == 1
    assert _download(personas.cu_a1, statement) == first
    assert renders.call_count == 1


def test_a_change_renders_again_and_removes_the_old_rendering(
    personas, draft, renders, django_capture_on_commit_callbacks
):
    statement = _issue(personas, draft, django_capture_on_commit_callbacks)
    before = _download(personas.cu_a1, statement)
    old_name = rendering.pdf_name(statement=statement, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_confirm(user=personas.cu_a1, statement=statement)
    statement.refresh_from_db()
    new_name = rendering.pdf_name(statement=statement, language="zh-hans")
    assert new_name != old_name
    assert default_storage.exists(new_name) and not default_storage.exists(old_name)
    count = renders.call_count
    after = _download(personas.cu_a1, statement)
    assert after != before
    assert renders.call_count == count  # rendered by the confirmation, served from the store
    assert renders.calls[-1][1] == statement.version


def test_a_dispute_and_its_answer_render_the_pdf_again(
    personas, draft, renders, django_capture_on_commit_callbacks
):
    statement = _issue(personas, draft, django_capture_on_commit_callbacks)
    issued = _download(personas.cu_a1, statement)
    with django_capture_on_commit_callbacks(execute=True):
        dispute = services.statement_dispute(
            user=personas.cu_a1, statement=statement, lines=[], comment="金额不符"
        )
    statement.refresh_from_db()
    disputed = _download(personas.cu_a1, statement)
    assert disputed != issued
    # An answer changes the dispute, not the statement's version: the PDF is new all the same.
    version = statement.version
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute_answer(user=personas.am_a, dispute=dispute, answer="已核对")
    statement.refresh_from_db()
    assert statement.version == version
    count = renders.call_count
    answered = _download(personas.cu_a1, statement)
    assert answered not in (issued, disputed)
    assert renders.call_count == count


def test_each_language_gets_its_own_rendering(personas, draft, renders):
    services.statement_issue(user=personas.am_a, statement=draft)
    statement = Statement.objects.get(pk=draft.pk)
    chinese = _download(personas.am_a, statement, "zh-hans")
    english = _download(personas.am_a, statement, "en")
    assert chinese != english
    assert [language for language, _v in renders.calls] == ["zh-hans", "en"]
    assert _download(personas.am_a, statement, "en") == english
    assert _download(personas.am_a, statement, "zh-hans") == chinese
    assert renders.call_count == 2
    assert [name.split("/")[0] for name in _stored(statement)] == ["en", "zh-hans"]


def test_issuing_renders_in_the_languages_of_the_readers(
    personas, draft, renders, django_capture_on_commit_callbacks
):
    personas.cu_a1.language = "es"
    personas.cu_a1.save()
    statement = _issue(personas, draft, django_capture_on_commit_callbacks)
    languages = {language for language, _v in renders.calls}
    assert {"zh-hans", "es"} <= languages
    for language in languages:
        assert default_storage.exists(rendering.pdf_name(statement=statement, language=language))


def test_a_failing_rendering_does_not_fail_the_issue(
    personas, draft, django_capture_on_commit_callbacks
):
    with mock.patch.object(rendering, "statement_pdf", side_effect=RuntimeError("no fonts")):
        statement = _issue(personas, draft, django_capture_on_commit_callbacks)
    statement.refresh_from_db()
    assert statement.status == "issued"
    assert not _stored(statement)


def test_a_missing_harfbuzz_subsetter_is_reported_by_the_system_check(monkeypatch):
    from roots.finance import checks

    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    assert [w.id for w in checks.check_pdf_libraries()] == ["finance.W001"]
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: f"lib{name}.so.0")
    assert checks.check_pdf_libraries() == []


def test_a_stored_file_that_is_not_whole_is_rendered_again(personas, draft, renders):
    services.statement_issue(user=personas.am_a, statement=draft)
    statement = Statement.objects.get(pk=draft.pk)
    name = rendering.pdf_name(statement=statement, language="zh-hans")
    default_storage.save(name, ContentFile(FAKE_PDF + b"half written"))  # being written
    content = _download(personas.cu_a1, statement)
    assert renders.call_count == 1
    assert content.rstrip().endswith(b"%%EOF")
    assert _download(personas.cu_a1, statement) == content  # now whole in the store
    assert renders.call_count == 1
    assert _stored(statement) == [name.split(f"{statement.number}/", 1)[1]]
