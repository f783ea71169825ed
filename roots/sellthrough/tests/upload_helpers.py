"""Helpers of the sell-through upload tests: feed files made in memory, uploads imported."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from roots.sellthrough.models import FEED_COLUMNS, FeedKind, Upload
from roots.sellthrough.services import upload_create, upload_import

ST_HEADER = ",".join(FEED_COLUMNS[FeedKind.SELLTHROUGH])
CS_HEADER = ",".join(FEED_COLUMNS[FeedKind.CATEGORY_SALES])


def yesterday(days: int = 1) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def day(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def csv_bytes(lines: Iterable[str], *, header: str | None = ST_HEADER, bom: bool = False) -> bytes:
    text = "\n".join(([header] if header is not None else []) + list(lines)) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def csv_file(lines: Iterable[str], *, name: str = "feed.csv", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(lines, **kwargs), content_type="text/csv")


def xlsx_file(rows: Sequence[Sequence[Any]], *, name: str = "feed.xlsx") -> SimpleUploadedFile:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    book.close()
    return SimpleUploadedFile(name, output.getvalue())


def upload_and_import(
    user: Any,
    lines: Iterable[str] | SimpleUploadedFile,
    *,
    kind: str = FeedKind.SELLTHROUGH,
    customer: Any = None,
    **kwargs: Any,
) -> Upload:
    """Upload a file as `user` and import it now (the task runs after commit, which a
    test's transaction never reaches)."""
    file = lines if isinstance(lines, SimpleUploadedFile) else csv_file(lines, **kwargs)
    upload = upload_create(user=user, customer=customer, kind=kind, file=file)
    upload_import(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload
