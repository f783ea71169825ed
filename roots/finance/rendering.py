"""The statement as a file: an A4 PDF (WeasyPrint, from `finance/statement_pdf.html`; Chinese
set in Noto Sans CJK SC from Debian's fonts-noto-cjk) and an XLSX workbook (XlsxWriter)."""

from __future__ import annotations

import io
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

import xlsxwriter
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from roots.finance.models import Dispute, StatementLine

if TYPE_CHECKING:
    from roots.finance.models import Statement

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def company_name() -> str:
    return str(getattr(settings, "COMPANY_NAME", "") or _("Roots Appliances Co., Ltd."))


def _context(statement: Statement) -> dict[str, Any]:
    lines = list(StatementLine.objects.filter(statement=statement).order_by("line_no"))
    disputes = list(
        Dispute.objects.all_unscoped()
        .filter(statement=statement)
        .select_related("opened_by", "answered_by")
        .prefetch_related("lines")
        .order_by("created_at", "id")
    )
    return {
        "statement": statement,
        "customer": statement.customer,
        "lines": lines,
        "disputes": disputes,
        "disputed_ids": {line.pk for d in disputes for line in d.lines.all()},
        "company": company_name(),
        "printed_at": timezone.localtime(),
    }


def statement_pdf(*, statement: Statement) -> bytes:
    """The statement as PDF bytes."""
    from weasyprint import HTML  # imported late: loading Pango costs a second

    html = render_to_string("finance/statement_pdf.html", _context(statement))
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def statement_xlsx(*, statement: Statement) -> bytes:
    """The statement's header and lines (with the running balance) as an XLSX workbook."""
    ctx = _context(statement)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(statement.number)
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = workbook.add_format({"num_format": "#,##0.00"})
    money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    customer = statement.customer
    sheet.write_string(0, 0, f"{ctx['company']} — {_('Statement of account')}", title)
    meta = [
        (_("Statement"), statement.number),
        (_("Customer"), f"{customer.name} ({customer.code})"),
        (_("Period"), f"{statement.period_start:%Y-%m-%d} – {statement.period_end:%Y-%m-%d}"),
        (_("Status"), str(statement.get_status_display())),
    ]
    row = 2
    for label, value in meta:
        sheet.write_string(row, 0, str(label), bold)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    columns = [
        (_("Date"), 12),
        (_("Kind"), 12),
        (_("Reference"), 14),
        (_("Description"), 40),
        (pgettext("ledger", "Debit (CNY)"), 16),
        (pgettext("ledger", "Credit (CNY)"), 16),
        (_("Balance (CNY)"), 16),
    ]
    for col, (name, width) in enumerate(columns):
        sheet.write_string(row, col, str(name), header)
        sheet.set_column(col, col, width)
    header_row = row
    row += 1
    sheet.write_string(row, 3, str(_("Opening balance")), bold)
    sheet.write_number(row, 6, float(statement.opening_balance), money_bold)
    row += 1
    for line in ctx["lines"]:
        sheet.write_datetime(row, 0, datetime.combine(line.date, time()), date_fmt)
        sheet.write_string(row, 1, str(line.get_kind_display()))
        sheet.write_string(row, 2, line.reference)
        sheet.write_string(row, 3, line.description)
        if line.debit:
            sheet.write_number(row, 4, float(line.debit), money)
        if line.credit:
            sheet.write_number(row, 5, float(line.credit), money)
        sheet.write_number(row, 6, float(line.balance), money)
        row += 1
    sheet.write_string(row, 3, str(_("Totals and closing balance")), bold)
    sheet.write_number(row, 4, float(statement.total_debit), money_bold)
    sheet.write_number(row, 5, float(statement.total_credit), money_bold)
    sheet.write_number(row, 6, float(statement.closing_balance), money_bold)
    sheet.freeze_panes(header_row + 1, 0)
    if ctx["disputes"]:
        ds = workbook.add_worksheet(str(_("Disputes"))[:31])
        heads = [_("Dispute"), _("Status"), _("Lines"), _("Comment"), _("Answer")]
        for col, name in enumerate(heads):
            ds.write_string(0, col, str(name), header)
        ds.set_column(0, 2, 14)
        ds.set_column(3, 4, 50)
        for r, dispute in enumerate(ctx["disputes"], start=1):
            ds.write_string(r, 0, dispute.number)
            ds.write_string(r, 1, str(dispute.get_status_display()))
            ds.write_string(r, 2, ", ".join(line.reference for line in dispute.lines.all()))
            ds.write_string(r, 3, dispute.comment)
            ds.write_string(r, 4, dispute.answer)
    workbook.close()
    return output.getvalue()


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(*, statement: Statement) -> HttpResponse:
    return _attachment(
        statement_pdf(statement=statement), "application/pdf", f"{statement.number}.pdf"
    )


def xlsx_response(*, statement: Statement) -> HttpResponse:
    return _attachment(statement_xlsx(statement=statement), XLSX_TYPE, f"{statement.number}.xlsx")
