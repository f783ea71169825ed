"""Reading and checking sell-through files, row by row, without loading a whole file.

A feed file is CSV (UTF-8, with or without a byte-order mark; GB18030, what Excel saves on
Chinese Windows, is recognised too) or XLSX (the first sheet, streamed by `roots.core.xlsx`),
with the header row of its feed (`FEED_COLUMNS`) in any order. `open_feed` checks the header
and yields the data rows in chunks, each cell as text in the feed's column order;
`RowChecker` turns a row into the values of a staging row, or into the list of what is wrong
with it (column, message). Nothing here writes to the database: `services.upload_import`
does, chunk by chunk.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from roots.core.i18n_text import Text
from roots.sellthrough import texts
from roots.sellthrough.models import FEED_COLUMNS, MAX_UNITS, FeedKind

CHUNK_ROWS = 10_000  # rows validated and staged per transaction (and per progress update)
MAX_FILE_SIZE = 200 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
RAW_MAX = 1000
EARLIEST = date(2000, 1, 1)
# The money columns hold at most 12 digits before the point and 2 after (max_digits=14).
MONEY_LIMIT = Decimal("1000000000000")
_SNIFF_BYTES = 64 * 1024
# What one row may hold, so that a chunk's memory stays bounded whatever the file: cells
# in the header row (empty ones too), cells of a data row kept past the header's (the rest
# is only ever shown in the row as sent, cut to RAW_MAX), characters of a CSV line, and
# lines of one CSV record (a quoted value may hold line breaks).
MAX_COLUMNS = 1024
_TAIL_CELLS = 64
MAX_LINE_CHARS = 64 * 1024
MAX_RECORD_LINES = 100

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY = re.compile(r"\d{1,12}(?:\.\d{1,2})?")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class FeedFileError(Exception):
    """The file as a whole cannot be imported (not readable, a wrong header): the upload
    fails with this message and no row is imported."""


# --- reading ------------------------------------------------------------------------------
@dataclass
class FeedFile:
    """An open feed file: its header (as sent), the number of data rows (an estimate for
    CSV: its lines), and its rows as (row number, cells in the feed's column order,
    cells as sent). The header is row 1."""

    header: list[str]
    total: int | None
    rows: Iterator[tuple[int, list[str], list[str]]]

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[list[tuple[int, list[str], list[str]]]]:
        chunk: list[tuple[int, list[str], list[str]]] = []
        for row in self.rows:
            chunk.append(row)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def normalise_column(name: Any) -> str:
    """`" Units Received "` and `"units-received"` name the column `units_received`."""
    text = str(name if name is not None else "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _column_map(kind: str, header: list[str]) -> list[int | None]:
    """For each column of the feed, its index in the file; errors name what is missing,
    unknown or repeated."""
    wanted = FEED_COLUMNS[kind]
    names = [normalise_column(cell) for cell in header]
    if not any(names):
        raise FeedFileError(_("The file is empty: the first row must be the header."))
    positions: dict[str, int] = {}
    repeated = []
    unknown = []
    for index, name in enumerate(names):
        if not name:
            continue  # an unnamed column (an empty cell of a spreadsheet's header)
        if name in positions:
            repeated.append(name)
        elif name not in wanted:
            unknown.append(name)
        positions.setdefault(name, index)
    missing = [name for name in wanted if name not in positions]
    problems = []
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(
            _("Unknown columns: %(names)s.") % {"names": ", ".join(n[:40] for n in unknown[:10])}
        )
    if repeated:
        problems.append(_("Repeated columns: %(names)s.") % {"names": ", ".join(repeated)})
    if problems:
        expected = ",".join(wanted)
        problems.append(_("The header must be: %(header)s") % {"header": expected})
        raise FeedFileError(" ".join(problems))
    return [positions.get(name) for name in wanted]


def _reorder(cells: list[str], columns: list[int | None]) -> list[str]:
    size = len(cells)
    return [cells[i].strip() if i is not None and i < size else "" for i in columns]


def _reorderer(columns: list[int | None]) -> Callable[[list[str]], list[str]]:
    """`_reorder` for one header: an itemgetter for the usual full-width row."""
    if any(i is None for i in columns):
        return lambda cells: _reorder(cells, columns)
    indexes = [i for i in columns if i is not None]
    getter = operator.itemgetter(*indexes)
    needed = max(indexes) + 1

    def reorder(cells: list[str]) -> list[str]:
        if len(cells) < needed:
            return _reorder(cells, columns)
        return [cell.strip() for cell in getter(cells)]

    return reorder


def _count_lines(path: Path) -> int:
    """Lines in the file, read in blocks (a 200 MB file in a fraction of a second)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (0 if last == b"\n" else 1)


def _csv_encoding(path: Path) -> str:
    """UTF-8 (a BOM is dropped); else GB18030 when the start of the file reads as such."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the block's end is fine
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
    except UnicodeDecodeError:
        raise FeedFileError(_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    return "gb18030"


def _check_width(count: int) -> None:
    if count > MAX_COLUMNS:
        raise FeedFileError(
            _("The header row has %(count)s columns; at most %(max)s are accepted.")
            % {"count": f"{count:,}", "max": f"{MAX_COLUMNS:,}"}
        )


def _compact(cells: list[str], width: int) -> list[str]:
    """A row as sent without the bulk of a very wide one: the header's columns, at most
    `_TAIL_CELLS` more, and then the first further cell with a value (so that a value
    beyond the header is still seen)."""
    limit = width + _TAIL_CELLS
    if len(cells) <= limit:
        return cells
    kept = cells[:limit]
    if not any(cell.strip() for cell in kept[width:]):
        extra = next((cell for cell in cells[limit:] if cell.strip()), None)
        if extra is not None:
            kept.append(extra)
    return kept


def _csv_lines(handle: Any, mark: list[int]) -> Iterator[str]:
    """The lines of a CSV file for `csv.reader`, none longer than MAX_LINE_CHARS and no
    record (`mark[0]`: the lines read when the current record began) longer than
    MAX_RECORD_LINES lines."""
    count = 0
    while line := handle.readline(MAX_LINE_CHARS + 1):
        count += 1
        if len(line) > MAX_LINE_CHARS:
            raise FeedFileError(
                _("Line %(line)d is longer than %(max)s characters.")
                % {"line": count, "max": f"{MAX_LINE_CHARS:,}"}
            )
        if count - mark[0] > MAX_RECORD_LINES:
            raise FeedFileError(
                _("The row at line %(line)d spans more than %(max)d lines (a quote not closed?).")
                % {"line": mark[0] + 1, "max": MAX_RECORD_LINES}
            )
        yield line


@contextmanager
def _open_csv(path: Path, kind: str) -> Iterator[FeedFile]:
    encoding = _csv_encoding(path)
    total = max(_count_lines(path) - 1, 0)
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        mark = [0]
        reader = csv.reader(_csv_lines(handle, mark))
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            message = _("The header row cannot be read: %(error)s") % {"error": exc}
            raise FeedFileError(message) from None
        if header is None:
            raise FeedFileError(_("The file is empty: the first row must be the header."))
        _check_width(len(header))
        columns = _column_map(kind, header)
        width = len(header)

        reorder = _reorderer(columns)

        def rows() -> Iterator[tuple[int, list[str], list[str]]]:
            number = 1
            try:
                for cells in reader:
                    mark[0] = reader.line_num
                    number += 1
                    if not cells or not any(cells):
                        continue  # a blank line
                    yield number, reorder(cells), _compact(cells, width)
            except UnicodeDecodeError:
                raise FeedFileError(
                    _("Row %(row)d is not UTF-8 text; save the file as “CSV UTF-8”.")
                    % {"row": number + 1}
                ) from None
            except csv.Error as exc:
                raise FeedFileError(
                    _("Row %(row)d cannot be read: %(error)s") % {"row": number + 1, "error": exc}
                ) from None

        yield FeedFile(header=header, total=total, rows=rows())


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold: whole numbers without `.0`, dates
    in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)


def _xlsx_row(cells: list[Any], offset: int, width: int) -> list[str]:
    """A sheet row (its cells with a value: column, value) as text from column `offset`
    on: `width` cells, or more up to `width + _TAIL_CELLS`, then the first further cell
    (as `_compact` keeps a CSV row)."""
    row = [""] * width
    limit = width + _TAIL_CELLS
    extra = None
    for column, value in cells:
        index = column - offset
        if index < 0:
            continue
        if index < limit:
            if index >= len(row):
                row.extend([""] * (index + 1 - len(row)))
            row[index] = _cell_text(value)
        elif extra is None:
            text = _cell_text(value)
            extra = text if text.strip() else None
    if extra is not None and not any(cell.strip() for cell in row[width:]):
        row.append(extra)
    return row


@contextmanager
def _open_xlsx(path: Path, kind: str) -> Iterator[FeedFile]:
    # The first sheet is streamed from the archive (`roots.core.xlsx`), never held whole;
    # the archive is checked first, so a zip bomb is refused before anything is inflated.
    from roots.core.uploads import ArchiveRefused
    from roots.core.xlsx import XlsxError, open_first_sheet

    unreadable = _("The file is not a readable XLSX workbook: %(error)s")
    try:
        with open_first_sheet(path) as sheet:
            first = next(sheet.rows, None)
            if first is None:
                raise FeedFileError(_("The file is empty: the first row must be the header."))
            header_number, header_cells = first
            offset = min(column for column, _value in header_cells)
            dimension = sheet.dimension
            if dimension and dimension[1] < offset:
                offset = dimension[1]  # the sheet starts left of the header
            named = max(column for column, _value in header_cells) - offset + 1
            width = named
            if dimension:  # a spreadsheet's columns with no header name are unnamed columns
                width = max(named, min(dimension[3] - offset + 1, named + _TAIL_CELLS))
            _check_width(width)
            header = _xlsx_row(header_cells, offset, width)
            columns = _column_map(kind, header)
            total = None
            if dimension and dimension[2] > header_number:
                total = dimension[2] - header_number
            reorder = _reorderer(columns)

            def rows() -> Iterator[tuple[int, list[str], list[str]]]:
                for number, cells in sheet.rows:
                    sent = _xlsx_row(cells, offset, width)
                    if any(sent):
                        yield number, reorder(sent), sent

            yield FeedFile(header=header, total=total, rows=rows())
    except ArchiveRefused as exc:
        message = str(exc)
        if exc.reason == "not_zip":
            message = unreadable % {"error": exc}
        raise FeedFileError(message) from None
    except XlsxError as exc:
        raise FeedFileError(unreadable % {"error": exc}) from None


@contextmanager
def open_feed(path: Path | str, *, kind: str, name: str) -> Iterator[FeedFile]:
    """Open a feed file for reading (CSV or XLSX by the extension of `name`)."""
    path = Path(path)
    if name.lower().endswith(".xlsx"):
        opener: Callable[[Path, str], Any] = _open_xlsx
    else:
        opener = _open_csv
    with opener(path, kind) as feed:
        yield feed


def raw_text(cells: list[str]) -> str:
    """A row as sent, as one CSV line (at most `RAW_MAX` characters, never a NUL)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue().replace("\x00", "")[:RAW_MAX]


# --- checking -----------------------------------------------------------------------------
class Said(str):
    """An error message as written in the uploader's language (the text), carrying its
    message id and parameters (`data`) so that the error report renders it in each
    reader's language (`roots.sellthrough.texts`)."""

    data: dict[str, Any]

    @classmethod
    def of(cls, text: Text) -> Said:
        said = cls(str(text))
        said.data = text.data
        return said


@dataclass
class Messages:
    """The error messages, made once per import (written in the uploader's language)."""

    blank: Said
    not_date: Said
    future: Said
    too_early: Said
    not_integer: Said
    negative: Said
    too_many: Said
    not_amount: Said
    decimals: Said
    too_large: Said
    extra: Said

    @classmethod
    def load(cls) -> Messages:
        return cls(
            blank=Said.of(texts.BLANK()),
            not_date=Said.of(texts.NOT_DATE()),
            future=Said.of(texts.FUTURE()),
            too_early=Said.of(texts.TOO_EARLY()),
            not_integer=Said.of(texts.NOT_INTEGER()),
            negative=Said.of(texts.NEGATIVE()),
            too_many=Said.of(texts.TOO_MANY(max=MAX_UNITS)),
            not_amount=Said.of(texts.NOT_AMOUNT()),
            decimals=Said.of(texts.DECIMALS()),
            too_large=Said.of(texts.TOO_LARGE()),
            extra=Said.of(texts.EXTRA()),
        )


Problem = tuple[str, Said]  # (column, message)


@dataclass
class RowChecker:
    """Checks the cells of one row (in the feed's column order) against the codes of the
    upload's customer; the lookups are loaded by the import (`services`)."""

    kind: str
    today: date
    outlets: dict[str, int]  # the customer's outlets: code -> id
    foreign_outlets: set[str]  # codes of other customers' outlets (filled per chunk)
    skus: dict[str, int] = field(default_factory=dict)  # code -> id
    categories: dict[str, int] = field(default_factory=dict)  # code -> id
    header_width: int = 0  # cells in the file's header row
    messages: Messages = field(default_factory=Messages.load)
    _dates: dict[str, date | Said] = field(default_factory=dict)

    def _date(self, text: str) -> date | Said:
        """A date, or the message of what is wrong with it (cached: a file has few dates)."""
        found = self._dates.get(text)
        if found is not None:
            return found
        result: date | Said
        if not _ISO_DATE.fullmatch(text):
            result = self.messages.not_date
        else:
            try:
                value = date.fromisoformat(text)
            except ValueError:
                result = self.messages.not_date
            else:
                if value > self.today:
                    result = self.messages.future
                elif value < EARLIEST:
                    result = self.messages.too_early
                else:
                    result = value
        if len(self._dates) < 100_000:
            self._dates[text] = result
        return result

    def _units(self, text: str) -> int | Said:
        if text.isascii() and text.isdigit():
            value = int(text)
        elif _NUMBER.fullmatch(text):  # "-3", "+4", "5.0" (a spreadsheet's whole number)
            number = Decimal(text)
            if number < 0:
                return self.messages.negative
            if number != number.to_integral_value():
                return self.messages.not_integer
            value = int(number)
        else:
            return self.messages.not_integer
        return value if value <= MAX_UNITS else self.messages.too_many

    def _money(self, text: str) -> Decimal | Said:
        if _MONEY.fullmatch(text):
            return Decimal(text)
        if not _NUMBER.fullmatch(text):
            return self.messages.not_amount
        number = Decimal(text)
        if number < 0:
            return self.messages.negative
        if number >= MONEY_LIMIT:
            return self.messages.too_large
        if number != number.quantize(Decimal("0.01")):
            return self.messages.decimals
        return number.quantize(Decimal("0.01"))  # "+5", "5.", ".5", "5.000"

    def _outlet(self, code: str) -> int | Said:
        found = self.outlets.get(code)
        if found is not None:
            return found
        if code in self.foreign_outlets:
            return Said.of(texts.FOREIGN_OUTLET(code=code[:40]))
        return Said.of(texts.UNKNOWN_OUTLET(code=code[:40]))

    def _sku(self, code: str) -> int | Said:
        found = self.skus.get(code)
        if found is not None:
            return found
        return Said.of(texts.UNKNOWN_SKU(code=code[:40]))

    def _category(self, code: str) -> int | Said:
        found = self.categories.get(code)
        if found is not None:
            return found
        return Said.of(texts.UNKNOWN_CATEGORY(code=code[:40]))

    def _parsers(self) -> list[tuple[str, Callable[[str], Any]]]:
        by_column: dict[str, Callable[[str], Any]] = {
            "date": self._date,
            "outlet": self._outlet,
            "sku": self._sku,
            "category": self._category,
            "revenue": self._money,
            "total_sales": self._money,
        }
        return [(c, by_column.get(c, self._units)) for c in FEED_COLUMNS[self.kind]]

    def check(self, cells: list[str], sent: list[str]) -> tuple[Any, ...] | list[Problem]:
        """The row's values (date, outlet id, SKU/category id, then the figures), or its
        problems."""
        parsers = self.__dict__.get("_parser_list")
        if parsers is None:
            parsers = self.__dict__["_parser_list"] = self._parsers()
        problems: list[Problem] = []
        values: list[Any] = []
        for (column, parse), text in zip(parsers, cells, strict=True):
            value = parse(text) if text else self.messages.blank
            if value.__class__ is Said:
                problems.append((column, value))
            else:
                values.append(value)
        width = self.header_width
        if len(sent) > width and any(cell.strip() for cell in sent[width:]):
            problems.append(("", self.messages.extra))  # data in a column with no header
        return problems if problems else tuple(values)


_EXAMPLE_FIGURES = {
    FeedKind.SELLTHROUGH: (
        ("10", "6", "13794.00", "24"),
        ("0", "2", "4598.00", "7"),
        ("5", "3", "6897.00", "12"),
    ),
    FeedKind.CATEGORY_SALES: (("158000.00",), ("86500.50",), ("42000.00",)),
}


def template_rows(
    kind: str, *, today: date, outlets: Sequence[str] = (), items: Sequence[str] = ()
) -> list[list[str]]:
    """The header and example rows of a feed's template. With `outlets` (a customer's own
    outlet codes) and `items` (its SKU codes, or category codes for category sales), the
    rows use them, each outlet/item pair once (two days when there is one pair); without,
    a generic example of two rows."""
    day = (today - timedelta(days=1)).isoformat()
    if outlets:
        fallback = ["FRIDGE"] if kind == FeedKind.CATEGORY_SALES else ["BCD-216STPT-W"]
        items = list(items) or fallback
        count = min(max(len(outlets), len(items)), 3)
        pairs = [(outlets[i % len(outlets)], items[i % len(items)]) for i in range(count)]
        figures = _EXAMPLE_FIGURES[FeedKind(kind)]
        rows = [list(FEED_COLUMNS[kind])]
        for back in range(1 if count > 1 else 2):
            when = (today - timedelta(days=1 + back)).isoformat()
            for outlet, item in pairs:
                rows.append([when, outlet, item, *figures[(len(rows) - 1) % len(figures)]])
        return rows
    if kind == FeedKind.CATEGORY_SALES:
        return [
            list(FEED_COLUMNS[kind]),
            [day, "S1000001", "FRIDGE", "158000.00"],
            [day, "S1000001", "WASHER", "86500.50"],
        ]
    return [
        list(FEED_COLUMNS[kind]),
        [day, "S1000001", "BCD-216STPT-W", "10", "6", "13794.00", "24"],
        [day, "S1000002", "BCD-216STPT-W", "0", "2", "4598.00", "7"],
    ]
