"""The XLSX of a KPI page's table (XlsxWriter, like the other exports): a group's rows
(customers, account managers or branches) and its total, or a customer's trend."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

from roots.kpis.selectors import KpiValues, Report, Row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: Decimal | None, scale: int = 1) -> float | None:
    return None if value is None else float(value * scale)


def _kpi_cells(values: KpiValues) -> list[Any]:
    return [
        _number(values.turnover_days),
        _number(values.margin),
        _number(values.resolution),
        _number(values.share),
        float(values.revenue),
        float(values.cogs),
        float(values.rebates),
        float(values.category_sales),
        values.complaints_raised,
        values.complaints_in_sla,
    ]


def kpi_workbook(*, kind: str, title: str, report: Report, rows: list[Row]) -> HttpResponse:
    """The page's table as a workbook: one line per row (or per trend bucket of a customer)
    and a total line, with the period in the first row."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    days = book.add_format({"num_format": "0.0"})
    percent = book.add_format({"num_format": "0.0%"})
    money = book.add_format({"num_format": "#,##0.00"})
    count = book.add_format({"num_format": "0"})
    formats = [days, percent, percent, percent, money, money, money, money, count, count]
    sheet = book.add_worksheet(_("KPIs"))
    sheet.write_string(0, 0, title, bold)
    sheet.write_string(
        1,
        0,
        _("Period: %(start)s to %(end)s")
        % {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
    )
    if kind == "customer":
        first = [(_("From"), 12), (_("To"), 12)]
    elif kind == "account_manager":
        first = [(_("Customer code"), 14), (_("Customer"), 30)]
    elif kind == "branch":
        first = [(_("Username"), 14), (_("Account manager"), 24)]
    else:
        first = [(_("Branch code"), 12), (_("Branch"), 24)]
    columns = [
        *first,
        (_("Inventory turnover days"), 12),
        (_("Customer profit margin"), 12),
        (_("Problem resolution"), 12),
        (_("Our share of their sales"), 12),
        (_("Revenue"), 16),
        (_("Cost of goods sold"), 16),
        (_("Rebates in the period"), 14),
        (_("Category sales, all brands"), 16),
        (_("Complaints raised"), 10),
        (_("Resolved within SLA"), 10),
    ]
    if kind != "customer":
        columns.append((_("Customers"), 10))
    top = 3
    for col, (label, width) in enumerate(columns):
        sheet.write_string(top, col, label, header)
        sheet.set_column(col, col, width)

    def line(r: int, keys: list[str], values: KpiValues, with_customers: bool) -> None:
        for c, key in enumerate(keys):
            sheet.write_string(r, c, key)
        for c, (cell, fmt) in enumerate(zip(_kpi_cells(values), formats, strict=True), start=2):
            if cell is None:
                sheet.write_blank(r, c, None)
            else:
                sheet.write_number(r, c, cell, fmt)
        if with_customers:
            sheet.write_number(r, len(columns) - 1, values.customers, count)

    r = top + 1
    group = kind != "customer"
    if group:
        for row in rows:
            line(r, [row.key or "", row.name], row.values, True)
            r += 1
    else:
        for point in report.trend:
            line(
                r,
                [point.period_start.isoformat(), point.period_end.isoformat()],
                point.values,
                False,
            )
            r += 1
    line(r, [_("Total"), ""], report.values, group)
    sheet.freeze_panes(top + 1, 2)
    book.close()
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    name = f"kpis-{kind}-{report.period.start.isoformat()}-{report.period.end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
