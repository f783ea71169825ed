"""The shared XLSX export helper: header row, typed cells, formulas neutralised, the
filename with the date."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from python_calamine import CalamineWorkbook

from roots.core.export import Column, export_filename, xlsx_bytes, xlsx_response


def read(content: bytes) -> list[list[object]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return sheet.to_python()  # type: ignore[return-value]


COLUMNS = [
    Column("Name", lambda r: r["name"]),
    Column("Amount", lambda r: r["amount"], kind="money"),
    Column("Count", lambda r: r["count"]),
    Column("Day", lambda r: r["day"]),
    Column("Active", lambda r: r["active"]),
]


def test_cells_are_typed_under_a_header_row():
    content = xlsx_bytes(
        sheet="Rows",
        columns=COLUMNS,
        rows=[
            {
                "name": "北京万和",
                "amount": Decimal("1234.50"),
                "count": 3,
                "day": datetime.date(2026, 12, 7),
                "active": True,
            }
        ],
    )
    rows = read(content)
    assert rows[0] == ["Name", "Amount", "Count", "Day", "Active"]
    assert rows[1][0] == "北京万和"
    assert rows[1][1] == 1234.5 and rows[1][2] == 3
    assert rows[1][3] == datetime.date(2026, 12, 7)
    assert rows[1][4] in ("Yes", "是")


def test_text_that_looks_like_a_formula_stays_text():
    evil = '=HYPERLINK("http://evil.example","x")'
    content = xlsx_bytes(
        sheet="Rows",
        columns=[Column("Text", lambda r: r)],
        rows=[evil, "+1+1", "@SUM(A1)", "-2"],
    )
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    assert "<f>" not in sheet  # no cell is a formula
    assert 'quotePrefix="1"' in styles  # and they stay text when edited
    assert [row[0] for row in read(content)[1:]] == [evil, "+1+1", "@SUM(A1)", "-2"]


def test_filename_carries_the_date_and_the_response_is_an_attachment():
    assert export_filename("leads", day=datetime.date(2026, 12, 7)) == "leads-20261207.xlsx"
    response = xlsx_response(name="leads", sheet="Leads", columns=COLUMNS[:1], rows=[])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="leads-')
    assert read(response.content) == [["Name"]]
