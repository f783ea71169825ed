"""U1 (security review 2026-12): an XLSX is a ZIP archive; one that would inflate to far
more than it weighs (a zip bomb), has too many parts or is no ZIP at all is refused when it
is uploaded (400, `code: archive_refused`, on the API and the upload form) and never read;
the import checks it again, and the sheet is read in bounded memory whatever it holds."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import shared_personas
from roots.sellthrough import services
from roots.sellthrough.models import SellThrough, StagedSellThrough, Upload, UploadStatus
from roots.sellthrough.tests.upload_helpers import (
    upload_and_import,
    xlsx_bomb,
    xlsx_file,
    yesterday,
    zip_with_members,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/api/v1/sellthrough/uploads/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """~260 KB that inflates to 256 MB (written once for the module: ~2 s)."""
    return xlsx_bomb(tmp_path_factory.mktemp("bomb") / "report.xlsx", megabytes=256)


@pytest.fixture
def never_read(monkeypatch):
    """Fails the test if anything opens a workbook's sheet."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr("roots.core.xlsx.open_first_sheet", refuse)
    monkeypatch.setattr("roots.sellthrough.importing._open_xlsx", refuse)


def _bomb_file(bomb: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile("report.xlsx", bomb.read_bytes())


def test_the_bomb_is_small_and_inflates_a_thousandfold(bomb):
    import zipfile

    with zipfile.ZipFile(bomb) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    assert bomb.stat().st_size < 400 * 1024 and inflated > 256 * 1024 * 1024


def test_a_zip_bomb_is_refused_by_the_api_with_400_and_never_read(personas, api, bomb, never_read):
    tracemalloc.start()
    try:
        response = api.as_(personas.cu_a1).post(
            URL, {"kind": "sellthrough", "file": _bomb_file(bomb)}, format="multipart"
        )
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400, response.data
    assert response.data["code"] == "archive_refused"
    assert list(response.data["errors"]) == ["file"]
    assert "compressed 1,0" in response.data["errors"]["file"][0]  # ~1,028 to 1
    assert not Upload.objects.exists()
    assert peak < 32 * 1024 * 1024  # nothing was inflated


def test_a_zip_bomb_is_refused_by_the_upload_form(personas, bomb, never_read):
    client = Client()
    client.force_login(personas.cu_a1)
    response = client.post("/sellthrough/", {"kind": "sellthrough", "file": _bomb_file(bomb)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is compressed" in html and "at most 100 to 1 is accepted" in html
    assert not Upload.objects.exists()


def test_too_many_members_are_refused(personas, api, never_read):
    response = api.as_(personas.cu_a1).post(
        URL, {"kind": "sellthrough", "file": zip_with_members(1001)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data["code"] == "archive_refused"
    assert "1,001 parts; at most 1,000" in response.data["errors"]["file"][0]
    assert not Upload.objects.exists()


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused(personas, api, never_read):
    file = SimpleUploadedFile("feed.xlsx", b"date,outlet\n")
    response = api.as_(personas.cu_a1).post(
        URL, {"kind": "sellthrough", "file": file}, format="multipart"
    )
    assert response.status_code == 400 and response.data["code"] == "archive_refused"
    assert "not a ZIP archive" in response.data["errors"]["file"][0]


def test_other_bad_input_keeps_its_answer_without_a_code(personas, api):
    file = SimpleUploadedFile("feed.txt", b"date\n")
    response = api.as_(personas.cu_a1).post(
        URL, {"kind": "sellthrough", "file": file}, format="multipart"
    )
    assert response.status_code == 400 and response.data["code"] == "invalid"


def test_a_stored_bomb_fails_the_import_cleanly(personas, bomb, monkeypatch):
    """Defence in depth: a bomb stored before the check (or under other limits) is refused
    again by the import, which fails with a message and imports nothing."""
    monkeypatch.setattr(services, "check_archive", lambda file: None)
    tracemalloc.start()
    try:
        upload = upload_and_import(personas.cu_a1, _bomb_file(bomb))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert upload.status == UploadStatus.FAILED
    assert "is compressed" in upload.message
    assert not SellThrough.objects.exists() and not StagedSellThrough.objects.exists()
    assert peak < 32 * 1024 * 1024


def test_a_bomb_let_through_by_the_limits_is_still_read_in_bounded_memory(
    personas, bomb, monkeypatch, settings
):
    """With the archive limits lifted, the reader itself refuses an endless run of XML
    (here: 256 MB of spaces) after 1 MB, instead of holding it."""
    monkeypatch.setattr(services, "check_archive", lambda file: None)
    settings.ROOTS_ARCHIVE_MAX_RATIO = 1_000_000
    settings.ROOTS_ARCHIVE_MAX_TOTAL = 10 * 1024**3
    settings.ROOTS_ARCHIVE_MAX_EXPANSION = 1_000_000
    tracemalloc.start()
    try:
        upload = upload_and_import(personas.cu_a1, _bomb_file(bomb))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert upload.status == UploadStatus.FAILED
    assert "not a readable XLSX workbook" in upload.message
    assert "a run of more than 1,048,576 bytes" in upload.message
    assert peak < 32 * 1024 * 1024


def test_a_normal_workbook_passes_the_check_and_imports(personas):
    rows = [
        ["date", "outlet", "sku", "units_received", "units_sold", "revenue", "stock_units"],
        [yesterday(), "S1000001", "BCD-216STPT-W", 10, 6, 13794.0, 24],
    ]
    upload = upload_and_import(personas.cu_a1, xlsx_file(rows))
    assert upload.status == UploadStatus.SUCCEEDED and upload.rows_created == 1


def test_a_wide_csv_row_is_kept_compact(personas):
    """A row of 50,000 empty cells and a value is rejected as having more values than the
    header, and what is kept of it (the row as sent) is cut short."""
    wide = f"{yesterday()},S1000001,BCD-216STPT-W,10,6,13794.00,24" + "," * 50_000 + "x"
    upload = upload_and_import(personas.cu_a1, [wide])
    assert upload.status == UploadStatus.SUCCEEDED and upload.rows_rejected == 1
    error = upload.errors.get()
    assert error.column == "" and len(error.raw) <= 1000


def test_a_csv_line_longer_than_the_limit_fails_the_file(personas):
    upload = upload_and_import(personas.cu_a1, ["x" * 70_000])
    assert upload.status == UploadStatus.FAILED
    assert "Line 2 is longer than 65,536 characters" in upload.message
