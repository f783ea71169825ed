"""The statement as a file: an A4 PDF (WeasyPrint, from `finance/statement_pdf.html`; Chinese
set in Noto Sans CJK SC from Debian's fonts-noto-cjk) and an XLSX workbook (XlsxWriter).

A PDF takes 0.5 s to render in a warm process and 2-4 s in a cold one (10-35 s without
Debian's libharfbuzz-subset0, see the Makefile), so it is rendered once and kept: in the
default storage (MEDIA_ROOT, never served as is) under
`statements/<number>/<language>/v<version>-<digest>.pdf`, where the digest covers what the
statement's version does not (its disputes, the customer's header). The statement services
render the current PDFs in the background after each change (`finance.tasks`); a download
serves the stored file when it is current, and otherwise renders, stores and serves it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

import xlsxwriter
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from roots.customers.models import Customer
from roots.finance.models import Dispute, StatementLine
from roots.org.models import User

if TYPE_CHECKING:
    from roots.finance.models import Statement

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_DIR = "statements"
# Raise when statement_pdf.html changes, so that the stored PDFs are rendered again.
PDF_LAYOUT = 1


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
    """The statement as PDF bytes, rendered now in the active language."""
    from weasyprint import HTML  # imported late: loading Pango costs a second

    html = render_to_string("finance/statement_pdf.html", _context(statement))
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


# --- the stored PDFs -----------------------------------------------------------------------


def pdf_language(language: str | None = None) -> str:
    """A supported language code: `language`, or the active one, or the default."""
    try:
        return translation.get_supported_language_variant(
            language or translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return str(settings.LANGUAGE_CODE)


def pdf_name(*, statement: Statement, language: str) -> str:
    """Where the PDF of the statement as it is now, in `language`, is kept. The name holds
    the statement's version and a digest of what else the PDF shows (the disputes and their
    answers, which change without the statement's version; the customer's name and
    address; the layout), so a change gives a new name and an old file is never served."""
    disputes = list(
        Dispute.objects.all_unscoped()
        .filter(statement_id=statement.pk)
        .order_by("pk")
        .values_list("pk", "version", "updated_at")
    )
    customer_state = (
        Customer.objects.all_unscoped()
        .filter(pk=statement.customer_id)
        .values_list("version", "updated_at")
        .first()
    )
    stamp = repr((PDF_LAYOUT, statement.updated_at, disputes, customer_state, company_name()))
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:12]
    return f"{PDF_DIR}/{statement.number}/{language}/v{statement.version}-{digest}.pdf"


def _read(name: str) -> bytes | None:
    """The stored PDF, or None when it is gone or not whole (another process may be
    writing it right now: a PDF ends with its %%EOF marker)."""
    try:
        with default_storage.open(name, "rb") as stored:
            content = bytes(stored.read())
    except OSError:  # removed meanwhile: render again
        return None
    return content if content.rstrip().endswith(b"%%EOF") else None


def store_statement_pdf(*, statement: Statement, language: str | None = None) -> bytes:
    """The statement's current PDF in `language` (by default the active one): the stored
    file when there is one, else rendered now and stored (older renderings of that language
    are removed)."""
    language = pdf_language(language)
    name = pdf_name(statement=statement, language=language)
    content = _read(name) if default_storage.exists(name) else None
    if content is not None:
        return content
    with translation.override(language):
        content = statement_pdf(statement=statement)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # the name was taken meanwhile (the storage chose another): keep one
        default_storage.delete(saved)
        if _read(name) is None:  # what is there is not whole: replace it
            default_storage.delete(name)
            default_storage.save(name, ContentFile(content))
    folder, keep = name.rsplit("/", 1)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:  # pragma: no cover - removed meanwhile
        files = []
    for old in files:
        if old != keep:
            default_storage.delete(f"{folder}/{old}")
    return content


def pdf_languages(*, statement: Statement) -> list[str]:
    """The languages the statement's PDF is rendered in ahead of a download: the default,
    and those of the customer's users and of its account manager."""
    customer = statement.customer
    readers = User.objects.filter(is_active=True).filter(
        Q(customer_id=customer.pk) | Q(pk=customer.account_manager_id)
    )
    found = {settings.LANGUAGE_CODE, *readers.values_list("language", flat=True)}
    return sorted({pdf_language(code) for code in found if code})


def store_statement_pdfs(*, statement: Statement, languages: Iterable[str] | None = None) -> int:
    """Render and keep the statement's current PDF in each language (by default
    `pdf_languages`); answers how many were rendered (the current ones are kept)."""
    rendered = 0
    for language in languages if languages is not None else pdf_languages(statement=statement):
        name = pdf_name(statement=statement, language=pdf_language(language))
        if not default_storage.exists(name):
            store_statement_pdf(statement=statement, language=language)
            rendered += 1
    return rendered


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
        sheet.write_string(row, 3, line.get_description_display())
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
    """The statement's PDF in the active language, from the store when it is current."""
    return _attachment(
        store_statement_pdf(statement=statement), "application/pdf", f"{statement.number}.pdf"
    )


def xlsx_response(*, statement: Statement) -> HttpResponse:
    return _attachment(statement_xlsx(statement=statement), XLSX_TYPE, f"{statement.number}.xlsx")
