"""Reading and checking sell-through files, row by row, without loading a whole file.

A feed file is CSV (UTF-8, with or without a byte-order mark; GB18030, what Excel saves on
Chinese Windows, is recognised too) or XLSX (the first sheet, read with python-calamine),
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from roots.sellthrough.models import FEED_COLUMNS, MAX_UNITS, FeedKind

CHUNK_ROWS = 10_000  # rows validated and staged per transaction (and per progress update)
MAX_FILE_SIZE = 200 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
RAW_MAX = 1000
EARLIEST = date(2000, 1, 1)
# The money columns hold at most 12 digits before the point and 2 after (max_digits=14).
MONEY_LIMIT = Decimal("1000000000000")
_SNIFF_BYTES = 64 * 1024

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


@contextmanager
def _open_csv(path: Path, kind: str) -> Iterator[FeedFile]:
    encoding = _csv_encoding(path)
    total = max(_count_lines(path) - 1, 0)
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            message = _("The header row cannot be read: %(error)s") % {"error": exc}
            raise FeedFileError(message) from None
        if header is None:
            raise FeedFileError(_("The file is empty: the first row must be the header."))
        columns = _column_map(kind, header)

        reorder = _reorderer(columns)

        def rows() -> Iterator[tuple[int, list[str], list[str]]]:
            number = 1
            try:
                for cells in reader:
                    number += 1
                    if not cells or not any(cells):
                        continue  # a blank line
                    yield number, reorder(cells), cells
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


@contextmanager
def _open_xlsx(path: Path, kind: str) -> Iterator[FeedFile]:
    # calamine holds the sheet's cells in memory (native, compact) and hands them over one
    # row at a time; CSV is the format for very large feeds (see docs/sellthrough.md).
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
    except (CalamineError, OSError, ValueError) as exc:  # not a workbook at all
        message = _("The file is not a readable XLSX workbook: %(error)s") % {"error": exc}
        raise FeedFileError(message) from None
    try:
        start = sheet.start
        first_row = start[0] if start else 0
        iterator = iter(sheet.iter_rows())
        header_cells = next(iterator, None)
        if header_cells is None:
            raise FeedFileError(_("The file is empty: the first row must be the header."))
        header = [_cell_text(cell) for cell in header_cells]
        columns = _column_map(kind, header)
        total = max(int(sheet.height) - 1, 0)

        def rows() -> Iterator[tuple[int, list[str], list[str]]]:
            number = first_row + 1
            for raw in iterator:
                number += 1
                cells = [_cell_text(cell) for cell in raw]
                if not any(cells):
                    continue
                yield number, _reorder(cells, columns), cells

        yield FeedFile(header=header, total=total, rows=rows())
    finally:
        book.close()


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
@dataclass
class Messages:
    """The error messages, translated once per import (in the uploader's language)."""

    blank: str = ""
    not_date: str = ""
    future: str = ""
    too_early: str = ""
    not_integer: str = ""
    negative: str = ""
    too_many: str = ""
    not_amount: str = ""
    decimals: str = ""
    too_large: str = ""
    extra: str = ""

    @classmethod
    def load(cls) -> Messages:
        return cls(
            blank=_("Required; the cell is blank."),
            not_date=_("Not a date of the form YYYY-MM-DD."),
            future=_("The date is in the future."),
            too_early=_("The date is before 2000-01-01."),
            not_integer=_("Not a whole number."),
            negative=_("Must not be negative."),
            too_many=_("At most %(max)s.") % {"max": f"{MAX_UNITS:,}"},
            not_amount=_("Not an amount in yuan (e.g. 1234.50)."),
            decimals=_("At most 2 decimals."),
            too_large=_("Too large (at most 999,999,999,999.99)."),
            extra=_("The row has more values than the header."),
        )


Problem = tuple[str, str]  # (column, message)


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
    _dates: dict[str, date | str] = field(default_factory=dict)

    def _date(self, text: str) -> date | str:
        """A date, or the message of what is wrong with it (cached: a file has few dates)."""
        found = self._dates.get(text)
        if found is not None:
            return found
        result: date | str
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

    def _units(self, text: str) -> int | str:
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

    def _money(self, text: str) -> Decimal | str:
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

    def _outlet(self, code: str) -> int | str:
        found = self.outlets.get(code)
        if found is not None:
            return found
        if code in self.foreign_outlets:
            return _("Outlet %(code)s belongs to another customer.") % {"code": code[:40]}
        return _("Unknown outlet %(code)s.") % {"code": code[:40]}

    def _sku(self, code: str) -> int | str:
        found = self.skus.get(code)
        if found is not None:
            return found
        return _("Unknown SKU %(code)s.") % {"code": code[:40]}

    def _category(self, code: str) -> int | str:
        found = self.categories.get(code)
        if found is not None:
            return found
        return _("Unknown category %(code)s.") % {"code": code[:40]}

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
            if value.__class__ is str:
                problems.append((column, value))
            else:
                values.append(value)
        width = self.header_width
        if len(sent) > width and any(cell.strip() for cell in sent[width:]):
            problems.append(("", self.messages.extra))  # data in a column with no header
        return problems if problems else tuple(values)


def template_rows(kind: str, *, today: date) -> list[list[str]]:
    """The header and two example rows of a feed's template."""
    day = (today - timedelta(days=1)).isoformat()
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
