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


def xlsx_bomb(path: Any, *, megabytes: int = 256, header: Sequence[str] | None = None) -> Any:
    """A workbook whose sheet, after a header row, holds `megabytes` MB of spaces: about
    1,000 : 1 deflated (256 MB in ~260 KB), the stuff of a zip bomb. Written in chunks, never
    held whole."""
    import zipfile

    source = io.BytesIO()
    book = xlsxwriter.Workbook(source, {"in_memory": True})
    sheet = book.add_worksheet()
    for c, name in enumerate(header or FEED_COLUMNS[FeedKind.SELLTHROUGH]):
        sheet.write_string(0, c, name)
    book.close()
    block = b" " * (1024 * 1024)
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in original.infolist():
            data = original.read(info)
            if not info.filename.endswith("sheet1.xml"):
                bomb.writestr(info.filename, data)
                continue
            head, _sep, tail = data.partition(b"</row>")
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(member, "w") as out:
                out.write(head + b"</row>")
                for _ in range(megabytes):
                    out.write(block)
                out.write(tail)
    return path


def zip_with_members(count: int, *, name: str = "feed.xlsx") -> SimpleUploadedFile:
    """A ZIP archive of `count` tiny members."""
    import zipfile

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(count):
            archive.writestr(f"xl/part{number}.xml", b"<x/>")
    return SimpleUploadedFile(name, output.getvalue())
