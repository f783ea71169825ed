"""Writing a list page's rows to an XLSX workbook: the one way every list export is made.

A header row (bold, frozen, with an autofilter), then one row per record with typed cells:
numbers as numbers (money with two decimals), dates and times as Excel dates in the local
time zone, booleans as Yes/No, everything else as text. Text is never read as a formula, a
number or a link; text that a spreadsheet would take for a formula once edited (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return) is stored with Excel's quote prefix, so
it stays text. The file is named `<name>-<YYYYMMDD>.xlsx` after the local date.

The rows come from the same scoped, filtered queryset as the page (`visible_to`), so an
export never holds a row its reader may not see.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import xlsxwriter
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767
CHUNK = 2000

Kind = Literal["auto", "text", "number", "money", "percent", "date", "datetime"]


@dataclass(frozen=True)
class Column:
    """A column of an export: its header, how to read a row's value, its width and kind
    (`auto` types each cell by its value)."""

    title: Any
    value: Callable[[Any], Any]
    width: int = 14
    kind: Kind = "auto"


def _rows(rows: Iterable[Any]) -> Iterable[Any]:
    if isinstance(rows, QuerySet):
        # prefetch_related needs a chunk size to work with iterator()
        return rows.iterator(chunk_size=CHUNK)
    return rows


def xlsx_bytes(*, sheet: str, columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    """The workbook of `rows` under `columns`, as bytes."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    formats = {
        "money": book.add_format({"num_format": "#,##0.00"}),
        "number": book.add_format({"num_format": "General"}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "quoted": book.add_format({"quote_prefix": True}),
    }
    # Excel refuses sheet names with []:*?/\ and longer than 31 characters.
    name = "".join(ch for ch in str(sheet) if ch not in "[]:*?/\\")[:31] or "Sheet1"
    ws = book.add_worksheet(name)
    for col, column in enumerate(columns):
        ws.write_string(0, col, str(column.title), header)
        ws.set_column(col, col, column.width)
    row = 0
    for row, record in enumerate(_rows(rows), start=1):
        for col, column in enumerate(columns):
            _write(ws, row, col, column.value(record), column.kind, formats)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(row, 1), max(len(columns) - 1, 0))
    book.close()
    return output.getvalue()


def _write(ws: Any, row: int, col: int, value: Any, kind: Kind, formats: dict[str, Any]) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None)
        return
    if isinstance(value, bool):
        ws.write_string(row, col, _("Yes") if value else _("No"))
        return
    if isinstance(value, int | float | Decimal) and kind != "text":
        if kind in ("money", "percent"):
            fmt = formats[kind]
        else:
            fmt = formats["money"] if isinstance(value, Decimal) else formats["number"]
        ws.write_number(row, col, float(value), fmt)
        return
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        ws.write_datetime(row, col, value, formats["datetime"])
        return
    if isinstance(value, datetime.date):
        # Excel cells have no time zone: a calendar day is written as its naive midnight.
        midnight = datetime.datetime(value.year, value.month, value.day)  # noqa: DTZ001
        ws.write_datetime(row, col, midnight, formats["date"])
        return
    text = str(value)[:MAX_CELL_CHARS]
    if text.startswith(FORMULA_STARTS):
        ws.write_string(row, col, text, formats["quoted"])
    else:
        ws.write_string(row, col, text)


def export_filename(name: str, *, day: datetime.date | None = None) -> str:
    """`<name>-<YYYYMMDD>.xlsx` (the name made safe for a header)."""
    stamp = (day or timezone.localdate()).strftime("%Y%m%d")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "export"
    return f"{safe}-{stamp}.xlsx"


def xlsx_response(
    *, name: str, sheet: Any, columns: Sequence[Column], rows: Iterable[Any]
) -> HttpResponse:
    """An attachment `<name>-<YYYYMMDD>.xlsx` of `rows` under `columns`."""
    response = HttpResponse(
        xlsx_bytes(sheet=str(sheet), columns=columns, rows=rows), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(name)}"'
    return response
