"""A dead import (its worker killed mid-file) is found by its silence and started again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import shared_personas
from roots.sellthrough import services
from roots.sellthrough.models import SellThrough, Upload, UploadStatus
from roots.sellthrough.tests.upload_helpers import upload_and_import, yesterday

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _rows(personas, days: int) -> list[str]:
    return [
        f"{yesterday(n)},{personas.outlet_a1.code},{personas.sku.code},5,2,7980.00,{10 + n}"
        for n in range(1, days + 1)
    ]


def _stall(record: Upload, *, minutes: int, attempts: int = 1) -> None:
    """Make the upload look like an import whose worker died `minutes` ago."""
    Upload.objects.filter(pk=record.pk).update(
        status=UploadStatus.RUNNING,
        attempts=attempts,
        updated_at=timezone.now() - timedelta(minutes=minutes),
    )
    SellThrough.objects.all_unscoped().delete()


def test_a_silent_running_import_is_run_again_to_the_same_result(
    personas, django_capture_on_commit_callbacks
):
    record = upload_and_import(personas.cu_a1, _rows(personas, 3))
    assert SellThrough.objects.count() == 3
    _stall(record, minutes=45)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.uploads_resume_stale() == [record.pk]
    record.refresh_from_db()
    assert record.status == UploadStatus.SUCCEEDED and record.attempts == 2
    assert SellThrough.objects.count() == 3


def test_an_import_that_reports_progress_is_left_alone(personas):
    record = upload_and_import(personas.cu_a1, _rows(personas, 2))
    _stall(record, minutes=5)
    assert services.uploads_resume_stale() == []
    record.refresh_from_db()
    assert record.status == UploadStatus.RUNNING


def test_after_three_attempts_the_upload_fails(personas):
    record = upload_and_import(personas.cu_a1, _rows(personas, 2))
    _stall(record, minutes=45, attempts=services.MAX_ATTEMPTS)
    assert services.uploads_resume_stale() == []
    record.refresh_from_db()
    assert record.status == UploadStatus.FAILED and record.message
