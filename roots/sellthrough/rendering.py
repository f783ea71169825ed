"""Files the sell-through pages and API hand out: an upload's error report (CSV) and the
template of each feed (CSV or XLSX). CSV files start with a UTF-8 byte-order mark, so that
Excel opens Chinese text right; the import accepts the mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import xlsxwriter
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from roots.sellthrough.importing import template_rows
from roots.sellthrough.models import Upload, UploadError

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
TEXT_COLUMNS = frozenset({"date", "outlet", "sku", "category"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (what a customer sent is echoed)."""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield BOM.encode()
    for row in rows:
        yield writer.writerow(row).encode()


def error_report_rows(
    errors: Iterable[UploadError], *, language: str | None = None
) -> Iterator[list[Any]]:
    """The report's rows, each error in `language` (default: the active one; a streamed
    response is read after the view returned, so the view names its language)."""
    if language is not None:
        with translation.override(language):
            yield from error_report_rows(errors)
        return
    yield ["row", "column", "error", "raw"]
    for error in errors:
        yield [error.row_number, error.column, _safe(error.get_message_display()), _safe(error.raw)]


def error_report_response(*, upload: Upload, errors: Any) -> StreamingHttpResponse:
    """The rejected rows of an upload as CSV (row, column, error, raw), streamed."""
    rows = error_report_rows(errors.iterator(chunk_size=2000), language=translation.get_language())
    response = StreamingHttpResponse(_csv_lines(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="upload-{upload.pk}-errors.csv"'
    return response


def template_csv(kind: str, *, outlets: Sequence[str] = (), items: Sequence[str] = ()) -> bytes:
    rows = template_rows(kind, today=timezone.localdate(), outlets=outlets, items=items)
    return b"".join(_csv_lines(rows))


def template_response(
    *, kind: str, fmt: str = "csv", outlets: Sequence[str] = (), items: Sequence[str] = ()
) -> HttpResponse:
    """The template of a feed: its header row and example rows (with a customer's own
    outlet and SKU or category codes when given: `selectors.template_examples`)."""
    if fmt == "xlsx":
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(_("Sell-through")[:31] if kind == "sellthrough" else kind[:31])
        bold = book.add_format({"bold": True})
        rows = template_rows(kind, today=timezone.localdate(), outlets=outlets, items=items)
        for c, name in enumerate(rows[0]):
            sheet.write_string(0, c, name, bold)
        for r, row in enumerate(rows[1:], start=1):
            for c, value in enumerate(row):
                if rows[0][c] in TEXT_COLUMNS:  # codes and ISO dates keep their exact form
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, float(value))
        sheet.set_column(0, 8, 16)
        book.close()
        response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(
            template_csv(kind, outlets=outlets, items=items), content_type=CSV_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
