"""A sell-through file imported while Chinese is active gives an error report each reader
reads in their own language (ux review D3): the upload page and the error CSV; errors stored
as words before this change are read back by the data migration."""

from __future__ import annotations

import csv
import importlib
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import shared_personas
from roots.sellthrough.models import UploadError
from roots.sellthrough.tests.upload_helpers import upload_and_import, yesterday

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

migration = importlib.import_module("roots.sellthrough.migrations.0003_upload_error_generated_text")
FOREIGN = f"{yesterday()},S1000003,BCD-216STPT-W,10,6,13794.00,24"
BAD_DATE = "2026/12/01,S1000001,BCD-216STPT-W,10,6,13794.00,24"


def client_for(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def upload(personas):
    with translation.override("zh-hans"):
        return upload_and_import(personas.cu_a1, [FOREIGN, BAD_DATE])


def report(user, upload, language: str) -> list[list[str]]:
    url = reverse("sellthrough-upload-errors", args=[upload.pk])
    response = client_for(user, language).get(url)
    assert response.status_code == 200
    chunks = response.streaming_content  # type: ignore[attr-defined]
    text = b"".join(chunks).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_errors_keep_the_uploaders_words_and_the_message(upload):
    errors = list(UploadError.objects.filter(upload=upload).order_by("row_number"))
    assert errors[0].message == "网点 S1000003 属于其他客户。"
    assert errors[0].message_text == {
        "id": "sellthrough.foreign_outlet",
        "params": {"code": "S1000003"},
    }
    assert errors[1].message_text["id"] == "sellthrough.not_date"


def test_the_error_csv_is_in_the_readers_language(personas, upload):
    english = report(personas.am_a, upload, "en")
    assert english[1][2] == "Outlet S1000003 belongs to another customer."
    assert english[2][2] == "Not a date of the form YYYY-MM-DD."
    spanish = report(personas.cu_a1, upload, "es")
    assert spanish[1][2] == "El punto de venta S1000003 pertenece a otro cliente."
    assert spanish[2][2] == "No es una fecha con el formato AAAA-MM-DD."


def test_the_upload_page_is_in_the_readers_language(personas, upload):
    url = reverse("sellthrough-upload-detail", args=[upload.pk])
    page = client_for(personas.cu_a1, "es").get(url).content.decode()
    assert "El punto de venta S1000003 pertenece a otro cliente." in page
    assert "属于其他客户" not in page
    page = client_for(personas.am_a, "en").get(url).content.decode()
    assert "Outlet S1000003 belongs to another customer." in page


# --- the data migration ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("不是 YYYY-MM-DD 格式的日期。", {"id": "sellthrough.not_date", "params": {}}),
        (
            "网点 S0000001 属于其他客户。",
            {"id": "sellthrough.foreign_outlet", "params": {"code": "S0000001"}},
        ),
        ("Unknown SKU X-1.", {"id": "sellthrough.unknown_sku", "params": {"code": "X-1"}}),
        ("不能超过 1,000,000。", {"id": "sellthrough.too_many", "params": {"max": 1000000}}),
        ("某个新的错误", None),
    ],
)
def test_the_migration_reads_known_errors(words, expected):
    assert migration.read(words, migration.ERRORS) == expected


def test_the_migration_backfills_errors(upload):
    from django.apps import apps

    UploadError.objects.filter(upload=upload).update(message_text={})
    migration.forwards(apps, None)
    error = UploadError.objects.filter(upload=upload).order_by("row_number").first()
    assert error is not None
    with translation.override("en"):
        assert error.get_message_display() == "Outlet S1000003 belongs to another customer."
