"""Reading the first sheet of an uploaded XLSX workbook as a stream, in bounded memory.

python-calamine (0.9) reads a whole sheet into memory before it hands over the first row
(about 500 bytes per row of seven cells), and an XML text run of any length is held whole
while it is parsed. Here the sheet part is inflated by `zipfile` (never past the size the
archive declares) in blocks of 64 KB and fed to expat, which calls back per element; only
cell values are kept, the current row at a time. What is held at once is bounded whatever
the file: the shared strings (read once, capped in number and characters), the styles, one
block, one row and the rows not consumed yet. No token of the XML may be longer than
`MAX_TOKEN` (a tag, a comment, a run of text between tags): an endless run of whitespace, the
stuff of zip bombs, fails the read instead of filling memory. DOCTYPE declarations (never
in a workbook) are refused, so are entities.

`open_first_sheet` checks the archive first (`roots.core.uploads.check_archive`). Cell
values come as python-calamine gives them: text, float, bool, date, datetime, time or
timedelta (numbers whose format is a date or time format), "" for an error (`#DIV/0!`).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from roots.core.uploads import check_archive

BLOCK = 64 * 1024
MAX_TOKEN = 1024 * 1024  # bytes of XML between two `>`
MAX_CELL_CHARS = 32_767  # Excel's own limit; longer values are cut
ROW_CHAR_BUDGET = 1_000_000  # past this many characters in a row, each further cell is cut
CUT_CELL_CHARS = 64  #   ... to this many
MAX_COLUMN = 16_384  # XFD
SHARED_STRINGS_MAX = 1_000_000
SHARED_STRINGS_MAX_CHARS = 64 * 1024 * 1024
SMALL_PART_MAX = 32 * 1024 * 1024  # workbook, relationships, styles
_NS_SEP = "\x01"
_DIGITS = "0123456789"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d*)")
# 14-22 and 45-47 in every locale; 27-36 and 50-58 are the dates and times of the Chinese,
# Japanese and Korean editions (e.g. 31 `yyyy"年"m"月"d"日"`), written without a numFmt.
_BUILTIN_DATE_FORMATS = {*range(14, 23), 45, 47, *range(27, 37), *range(50, 59)}
_BUILTIN_DURATION_FORMATS = {46}
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.')
_FORMAT_BRACKET = re.compile(r"\[([^\]]*)\]")
_MAX_SERIAL = 2_958_466  # 9999-12-31 + 1


class XlsxError(Exception):
    """The workbook cannot be read; `str()` is a message for the user."""


Cell = tuple[int, Any]  # (column, 1-based; value)


@dataclass
class Sheet:
    """An open sheet: its used range as the sheet declares it (`<dimension>`: first row,
    first column, last row, last column, 1-based; None when absent or not believable) and
    its rows, each (row number, cells with a value in column order), empty rows left out."""

    dimension: tuple[int, int, int, int] | None
    rows: Iterator[tuple[int, list[Cell]]]


def _local(name: str) -> str:
    return name.rsplit(_NS_SEP, 1)[-1]


def _no_doctype(*_args: Any) -> None:
    raise XlsxError(_("The workbook is damaged: it declares a DOCTYPE."))


def _parser(
    start: Callable[[str, dict[str, str]], None] | None = None,
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Any:
    parser = expat.ParserCreate(namespace_separator=_NS_SEP)
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _feed(parser: Any, stream: IO[bytes], done: Callable[[], bool] | None = None) -> Iterator[None]:
    """Feed a part to expat block by block (yielding after each), refusing tokens longer
    than `MAX_TOKEN`."""
    since_gt = 0
    try:
        while block := stream.read(BLOCK):
            last = block.rfind(b">")
            since_gt = since_gt + len(block) if last < 0 else len(block) - last - 1
            if since_gt > MAX_TOKEN:
                raise XlsxError(
                    _("The workbook is damaged: a run of more than %(size)s bytes of XML.")
                    % {"size": f"{MAX_TOKEN:,}"}
                )
            parser.Parse(block, False)
            yield
            if done is not None and done():
                return
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XlsxError(_("The workbook is damaged: %(error)s") % {"error": exc}) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:  # bad CRC, truncated
        raise XlsxError(_("The workbook is damaged: %(error)s") % {"error": exc}) from None
    yield


class _Book:
    """The parts of a workbook that say where its first sheet, shared strings and styles
    are."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {info.filename.lower(): info for info in archive.infolist()}

    def part(self, name: str) -> zipfile.ZipInfo | None:
        return self.names.get(name.lstrip("/").lower())

    def open(self, info: zipfile.ZipInfo) -> IO[bytes]:
        return self.archive.open(info)

    def parse_small(
        self,
        info: zipfile.ZipInfo,
        start: Callable[[str, dict[str, str]], None] | None = None,
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
    ) -> None:
        if info.file_size > SMALL_PART_MAX:
            raise XlsxError(
                _("The workbook is damaged: its part %(name)s is too large.")
                % {"name": info.filename[:80]}
            )
        with self.open(info) as stream:
            for _step in _feed(_parser(start, end, text), stream):
                pass

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """The relationships of a part: id -> (type, target part name)."""
        folder, name = posixpath.split(source)
        info = self.part(posixpath.join(folder, "_rels", f"{name}.rels"))
        found: dict[str, tuple[str, str]] = {}
        if info is None:
            return found

        def start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    target = target[1:]
                else:
                    target = posixpath.normpath(posixpath.join(folder, target))
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), target)

        self.parse_small(info, start=start)
        return found


def _locate(book: _Book) -> tuple[str, str | None, str | None, bool]:
    """The first sheet's part, the shared strings' and the styles' parts, and whether the
    workbook counts days from 1904."""
    workbook = next(
        (t for kind, t in book.relationships("").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    info = book.part(workbook)
    if info is None:
        raise XlsxError(_("The file is not an XLSX workbook: it has no workbook part."))
    sheets: list[str] = []
    date1904 = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "sheet":
            rel = next((v for k, v in attrs.items() if _local(k) == "id" and _NS_SEP in k), "")
            sheets.append(rel)
        elif local == "workbookPr":
            date1904[0] = attrs.get("date1904", "").lower() in ("1", "true")

    book.parse_small(info, start=start)
    rels = book.relationships(workbook)
    if not sheets or sheets[0] not in rels:
        raise XlsxError(_("The workbook has no sheet."))
    shared = next((t for kind, t in rels.values() if kind.endswith("/sharedStrings")), None)
    styles = next((t for kind, t in rels.values() if kind.endswith("/styles")), None)
    return rels[sheets[0]][1], shared, styles, date1904[0]


def _shared_strings(book: _Book, name: str | None) -> list[str]:
    info = book.part(name) if name else None
    strings: list[str] = []
    if info is None:
        return strings
    parts: list[str] = []
    state = {"chars": 0, "in_t": 0, "phonetic": 0, "length": 0}

    def start(tag: str, _attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "si":
            parts.clear()
            state["length"] = 0
        elif local == "t":
            state["in_t"] += 1
        elif local == "rPh":
            state["phonetic"] += 1

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "si":
            value = "".join(parts)
            strings.append(value)
            state["chars"] += len(value)
            if len(strings) > SHARED_STRINGS_MAX or state["chars"] > SHARED_STRINGS_MAX_CHARS:
                raise XlsxError(
                    _(
                        "The workbook holds more than %(count)s distinct texts or "
                        "%(chars)s characters of text; send it as CSV."
                    )
                    % {
                        "count": f"{SHARED_STRINGS_MAX:,}",
                        "chars": f"{SHARED_STRINGS_MAX_CHARS:,}",
                    }
                )
        elif local == "t":
            state["in_t"] -= 1
        elif local == "rPh":
            state["phonetic"] -= 1

    def text(data: str) -> None:
        if state["in_t"] and not state["phonetic"] and state["length"] < MAX_CELL_CHARS:
            piece = data[: MAX_CELL_CHARS - state["length"]]
            parts.append(piece)
            state["length"] += len(piece)

    if info.file_size > SMALL_PART_MAX * 8:
        raise XlsxError(
            _("The workbook's shared texts are too large (%(size)s MB); send it as CSV.")
            % {"size": info.file_size // (1024 * 1024)}
        )
    with book.open(info) as stream:
        for _step in _feed(_parser(start, end, text), stream):
            pass
    return strings


def _is_date_format(code: str) -> bool | None:
    """True for a date/time format, None for a duration (`[h]:mm`), False otherwise."""
    plain = _FORMAT_NOISE.sub("", code)
    brackets = [b.lower() for b in _FORMAT_BRACKET.findall(plain)]
    if any(b and set(b) <= {"h", "m", "s"} for b in brackets):
        return None
    plain = _FORMAT_BRACKET.sub("", plain).lower()
    plain = plain.split(";", 1)[0]
    if plain in ("general", ""):
        return False
    return any(ch in plain for ch in "dmyhs")


def _styles(book: _Book, name: str | None) -> list[bool | None]:
    """Per cell style (`s`): True a date format, None a duration, False a number."""
    info = book.part(name) if name else None
    kinds: list[bool | None] = []
    if info is None:
        return kinds
    custom: dict[int, bool | None] = {}
    formats: list[int] = []
    depth = {"cellXfs": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "numFmt":
            with suppress(ValueError):
                custom[int(attrs.get("numFmtId", ""))] = _is_date_format(
                    attrs.get("formatCode", "")
                )
        elif local == "cellXfs":
            depth["cellXfs"] += 1
        elif local == "xf" and depth["cellXfs"]:
            try:
                formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                formats.append(0)

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            depth["cellXfs"] -= 1

    book.parse_small(info, start=start, end=end)
    for number in formats:
        if number in custom:
            kinds.append(custom[number])
        elif number in _BUILTIN_DURATION_FORMATS:
            kinds.append(None)
        else:
            kinds.append(number in _BUILTIN_DATE_FORMATS)
    return kinds


def _serial_to_value(serial: float, *, date1904: bool, duration: bool) -> Any:
    if duration:
        return timedelta(milliseconds=round(serial * 86_400_000))
    # Excel serials count days from a naive epoch: the cell's wall time, no time zone.
    if date1904:
        base = datetime(1904, 1, 1)  # noqa: DTZ001
    elif serial < 60:
        base = datetime(1899, 12, 31)  # noqa: DTZ001
    else:
        base = datetime(1899, 12, 30)  # noqa: DTZ001 - Excel's 1900-02-29 that never was
    moment = base + timedelta(milliseconds=round(serial * 86_400_000))
    if 0 <= serial < 1:
        return moment.time()
    if moment.time() == time(0):
        return moment.date()
    return moment


def _column(ref: str) -> int:
    """`"AB12"` -> 28; 0 when the reference is not one."""
    match = _CELL_REF.match(ref)
    if not match:
        return 0
    number = 0
    for ch in match.group(1).upper():
        number = number * 26 + ord(ch) - 64
    return number


def _dimension(ref: str) -> tuple[int, int, int, int] | None:
    first, _sep, last = ref.partition(":")
    last = last or first
    a, b = _CELL_REF.fullmatch(first), _CELL_REF.fullmatch(last)
    if not a or not b or not a.group(2) or not b.group(2):
        return None
    top, bottom = int(a.group(2)), int(b.group(2))
    left, right = _column(first), _column(last)
    if not (1 <= top <= bottom and 1 <= left <= right <= MAX_COLUMN):
        return None
    return top, left, bottom, right


class _SheetState:
    """What the sheet's callbacks hand over: the finished rows (a list the reader empties),
    the declared dimension, and whether the sheet's data has ended."""

    def __init__(self) -> None:
        self.ready: list[tuple[int, list[Cell]]] = []
        self.dimension: tuple[int, int, int, int] | None = None
        self.finished = False


def _sheet_parser(
    strings: list[str], styles: list[bool | None], date1904: bool, state: _SheetState
) -> Any:
    """An expat parser whose callbacks collect a sheet's rows into `state.ready`. Closures
    over local variables rather than methods: they run about four times per cell."""
    ready = state.ready
    names: dict[str, str] = {}
    columns: dict[str, int] = {}  # "AB" -> 28
    row_number = 0
    cells: list[Cell] = []
    row_chars = 0
    column = 0
    kind = "n"
    style = 0
    parts: list[str] = []
    length = 0
    limit = MAX_CELL_CHARS
    collect = False
    in_cell = False
    in_inline = False
    phonetic = 0
    n_styles = len(styles)

    def local_name(tag: str) -> str:
        local = names[tag] = _local(tag)
        return local

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row_number, cells, row_chars, column, kind, style, parts, length, limit
        nonlocal collect, in_cell, in_inline, phonetic
        local = names.get(tag) or local_name(tag)
        if local == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                column = columns.get(letters) or columns.setdefault(letters, _column(letters))
            else:
                column += 1
            if not 0 < column <= MAX_COLUMN:
                raise XlsxError(
                    _("The workbook is damaged: a cell outside the sheet (%(ref)s).")
                    % {"ref": (ref or "")[:20]}
                )
            kind = attrs.get("t", "n")
            found = attrs.get("s")
            style = int(found) if found and found.isdigit() else 0
            parts = []
            length = 0
            limit = MAX_CELL_CHARS if row_chars < ROW_CHAR_BUDGET else CUT_CELL_CHARS
            in_cell = True
        elif local == "v":
            collect = in_cell and not in_inline
        elif local == "row":
            found = attrs.get("r")
            row_number = int(found) if found and found.isdigit() else row_number + 1
            cells = []
            row_chars = 0
            column = 0
        elif local == "is":
            in_inline = in_cell
        elif local == "t":
            collect = in_inline
        elif local == "rPh":
            phonetic += 1
        elif local == "dimension":
            state.dimension = _dimension(attrs.get("ref", ""))

    def end(tag: str) -> None:
        nonlocal collect, in_cell, in_inline, phonetic, cells
        local = names.get(tag) or local_name(tag)
        if local == "v" or local == "t":
            collect = False
        elif local == "c":
            in_cell = False
            if parts:
                text = "".join(parts)
                if kind == "s":
                    try:
                        value: Any = strings[int(text)]
                    except (ValueError, IndexError):
                        raise XlsxError(
                            _("The workbook is damaged: a cell refers to a missing text.")
                        ) from None
                elif kind == "n":
                    value = _number(text, styles[style] if style < n_styles else False, date1904)
                else:
                    value = _other(kind, text)
                if value != "":
                    cells.append((column, value))
        elif local == "row":
            if cells:
                ready.append((row_number, cells))
                cells = []
        elif local == "is":
            in_inline = False
        elif local == "rPh":
            phonetic -= 1
        elif local == "sheetData":
            state.finished = True

    def text(data: str) -> None:
        nonlocal length, row_chars
        if collect and not phonetic and length < limit:
            piece = data[: limit - length]
            parts.append(piece)
            length += len(piece)
            row_chars += len(piece)

    parser = _parser(start, end, text)
    parser.buffer_text = True
    return parser


def _number(text: str, style: bool | None, date1904: bool) -> Any:
    """A number cell: a float, or a date, time or duration when its format is one."""
    try:
        number = float(text)
    except ValueError:
        return text
    if style is not False and -_MAX_SERIAL < number < _MAX_SERIAL:
        if style is None:
            return _serial_to_value(number, date1904=date1904, duration=True)
        if number >= 0:
            return _serial_to_value(number, date1904=date1904, duration=False)
    return number


def _other(kind: str, text: str) -> Any:
    """A cell of another type than a shared text or a number."""
    if kind == "str" or kind == "inlineStr":
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return ""  # an error (#DIV/0!), as python-calamine gives it
    if kind == "d":
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            return text
        return moment.date() if moment.time() == time(0) else moment
    return text


@contextmanager
def open_first_sheet(path: str | Path) -> Iterator[Sheet]:
    """Open the first sheet of the workbook at `path` (the archive checked first: raises
    `roots.core.uploads.ArchiveRefused`), for reading its rows once. Raises `XlsxError`
    when the workbook cannot be read, also from the rows' iterator."""
    check_archive(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxError(_("The file is not an XLSX workbook: %(error)s") % {"error": exc}) from None
    with archive:
        book = _Book(archive)
        sheet_name, shared_name, styles_name, date1904 = _locate(book)
        info = book.part(sheet_name)
        if info is None:
            raise XlsxError(_("The workbook has no sheet."))
        state = _SheetState()
        strings = _shared_strings(book, shared_name)
        parser = _sheet_parser(strings, _styles(book, styles_name), date1904, state)
        with book.open(info) as stream:
            steps = _feed(parser, stream, done=lambda: state.finished)
            # Read up to the first row (or the end), so that the dimension is known.
            for _step in steps:
                if state.ready or state.finished:
                    break

            def rows() -> Iterator[tuple[int, list[Cell]]]:
                ready = state.ready
                while True:
                    if ready:
                        batch = ready[:]
                        ready.clear()
                        yield from batch
                    if next(steps, StopIteration) is StopIteration:
                        break
                if ready:
                    batch = ready[:]
                    ready.clear()
                    yield from batch

            yield Sheet(dimension=state.dimension, rows=rows())
