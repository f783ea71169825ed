"""The shared upload checks (`roots.core.uploads.check_archive`) and the streamed XLSX
reader (`roots.core.xlsx`), which must read what python-calamine reads."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from roots.core.uploads import ArchiveLimits, ArchiveRefused, check_archive
from roots.core.xlsx import XlsxError, open_first_sheet

pytestmark = pytest.mark.usefixtures("english")


def _zip(members: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# --- check_archive ------------------------------------------------------------------------
def test_limits_follow_the_size_between_a_floor_and_a_ceiling(settings):
    assert ArchiveLimits.for_size(10_000).max_total == 16 * 1024 * 1024
    assert ArchiveLimits.for_size(1024 * 1024).max_total == 50 * 1024 * 1024
    assert ArchiveLimits.for_size(200 * 1024 * 1024).max_total == 1024**3
    settings.ROOTS_ARCHIVE_MAX_MEMBERS = 5
    assert ArchiveLimits.for_size(1).max_members == 5


def test_a_normal_archive_passes_and_is_summed(tmp_path):
    path = _zip({"a.xml": b"<a/>" * 10, "b.xml": b"x"}, tmp_path / "ok.zip")
    summary = check_archive(path)
    assert (summary.members, summary.total) == (2, 41)
    with path.open("rb") as handle:  # a file object is left at its start
        handle.read(3)
        assert check_archive(handle).members == 2
        assert handle.tell() == 0


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"big.xml": b" " * (4 * 1024 * 1024)}, "compression_ratio"),
        ({f"p{i}.xml": b"" for i in range(1001)}, "too_many_members"),
    ],
)
def test_refusals(tmp_path, members, reason):
    with pytest.raises(ArchiveRefused) as caught:
        check_archive(_zip(members, tmp_path / "bad.zip"))
    assert caught.value.reason == reason and caught.value.code == "archive_refused"


def test_tiny_members_are_not_held_to_the_ratio_but_the_total_counts(tmp_path):
    path = _zip({"small.xml": b" " * (512 * 1024)}, tmp_path / "small.zip")
    check_archive(path)  # 512 KB of spaces: ~500 : 1, but tiny
    limits = ArchiveLimits(max_members=10, max_total=100_000, max_ratio=100, ratio_floor=1 << 20)
    with pytest.raises(ArchiveRefused) as caught:
        check_archive(path, limits=limits)
    assert caught.value.reason == "too_large_unpacked"
    assert "would unpack to 512.0\xa0KB" in str(caught.value)


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 but no more")
    with pytest.raises(ArchiveRefused) as caught:
        check_archive(path)
    assert caught.value.reason == "not_zip"


# --- the streamed reader --------------------------------------------------------------------
def _workbook(path: Path, rows: list[list[object]], *, start: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    formats = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "cn": book.add_format({"num_format": 'yyyy"年"m"月"d"日"'}),
        "time": book.add_format({"num_format": "hh:mm"}),
        "stamp": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "hours": book.add_format({"num_format": "[h]:mm:ss"}),
        "money": book.add_format({"num_format": '#,##0.00 "元"'}),
    }
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, tuple):
                kind, number = value
                if kind == "error":
                    sheet.write_formula(r, c + start, "=1/0", None, "#DIV/0!")
                elif kind == "formula":
                    sheet.write_formula(r, c + start, '="x"', None, number)
                else:
                    sheet.write_number(r, c + start, number, formats[kind])
            elif isinstance(value, datetime | date):
                sheet.write_datetime(r, c + start, value, formats["date"])
            elif value is not None:
                sheet.write(r, c + start, value)
    book.close()
    return path


def _calamine(path: Path) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    try:
        return [list(row) for row in book.get_sheet_by_index(0).iter_rows()]
    finally:
        book.close()


def _streamed(path: Path) -> list[list[object]]:
    with open_first_sheet(path) as sheet:
        rows = list(sheet.rows)
        assert sheet.dimension is not None
        _top, left, _bottom, right = sheet.dimension
    dense = []
    for _number, cells in rows:
        row: list[object] = [""] * (right - left + 1)
        for column, value in cells:
            row[column - left] = value
        dense.append(row)
    return dense


def test_the_streamed_reader_reads_what_calamine_reads(tmp_path):
    rows: list[list[object]] = [
        ["date", "outlet", "text", "n", "flag", "when", "note"],
        [date(2026, 3, 1), "S1000001", "  spaced  ", 10, True, ("cn", 46000), "海尔冰箱"],
        ["2026-03-02", "S1000002", "a\nb", 13794.5, False, ("time", 0.5), ("error", 0)],
        [None, "S1000003", "", -3, None, ("stamp", 46000.25), ("formula", "x")],
        [date(2000, 1, 1), 1e20, "x" * 300, 0.1, None, ("hours", 1.5), ("money", 1234.5)],
    ]
    path = _workbook(tmp_path / "mixed.xlsx", rows, start=1)
    assert _streamed(path) == _calamine(path)
    assert _streamed(path)[1][5] == date(2025, 12, 9)
    assert _streamed(path)[2][5] == time(12, 0)
    assert _streamed(path)[4][5] == timedelta(days=1, hours=12)


def test_shared_strings_skip_phonetic_runs_and_inline_strings_are_read(tmp_path):
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="2"><c r="B2" t="s"><v>0</v></c>'
        b'<c t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c>'
        b'<c t="b"><v>1</v></c></row></sheetData></worksheet>'
    )
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><r><t>青</t></r><r><t>岛</t></r><rPh><t>qingdao</t></rPh></si></sst>"
    ).encode()
    path = _zip(_parts(sheet, shared=shared), tmp_path / "hand.xlsx")
    with open_first_sheet(path) as opened:
        assert opened.dimension is None
        assert list(opened.rows) == [(2, [(2, "青岛"), (3, "inline"), (4, True)])]


def _parts(sheet: bytes, *, shared: bytes | None = None) -> dict[str, bytes]:
    main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{main}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{main}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{main}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{main}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    return parts


def test_a_doctype_is_refused(tmp_path):
    sheet = (
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>'
    )
    with (
        pytest.raises(XlsxError, match="DOCTYPE"),
        open_first_sheet(_zip(_parts(sheet), tmp_path / "dtd.xlsx")) as opened,
    ):
        list(opened.rows)


def test_a_long_cell_is_cut_and_a_long_token_refused(tmp_path, settings):
    long_text = b"y" * 40_000
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>' + long_text + b"</t></is></c></row>"
        b"</sheetData></worksheet>"
    )
    with open_first_sheet(_zip(_parts(sheet), tmp_path / "long.xlsx")) as opened:
        [(_number, [(_column, value)])] = list(opened.rows)
    assert len(value) == 32_767
    endless = sheet.replace(long_text, b"z" * (2 * 1024 * 1024))
    settings.ROOTS_ARCHIVE_MAX_RATIO = 100_000  # past the archive check: the reader's turn
    with (
        pytest.raises(XlsxError, match="a run of more than"),
        open_first_sheet(_zip(_parts(endless), tmp_path / "endless.xlsx")) as opened,
    ):
        list(opened.rows)


def test_a_cell_outside_the_sheet_is_refused(tmp_path):
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c r="ZZZ1"><v>1</v></c></row></sheetData></worksheet>'
    )
    with (
        pytest.raises(XlsxError, match="outside the sheet"),
        open_first_sheet(_zip(_parts(sheet), tmp_path / "far.xlsx")) as opened,
    ):
        list(opened.rows)


def test_the_reader_checks_the_archive_first(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (8 * 1024 * 1024))
    with pytest.raises(ArchiveRefused), open_first_sheet(path):
        pass
