"""XLSX exports of the finance lists: invoices, statements, disputes, rebates and expense
claims. Each answers the rows its list page shows (the same selector, so the same scope,
and the same FilterSet with the page's `q` and filters), in the list's order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.core.export import Column, xlsx_response
from roots.core.throttling import cost_throttled
from roots.customers.selectors import customer_filter_choices
from roots.finance import selectors
from roots.finance.filters import DisputeFilter, ExpenseFilter, InvoiceFilter, StatementFilter
from roots.finance.models import OVERDUE, OVERDUE_LABEL
from roots.finance.views.common import filter_rows, finance_user
from roots.org.models import Role


def _person(user: Any) -> str:
    return user.display_name if user is not None else ""


def _customer_columns() -> list[Column]:
    return [
        Column(_("Customer code"), lambda r: r.customer.code, 11),
        Column(_("Customer"), lambda r: r.customer.name, 28),
    ]


def _list_export(
    selector: Callable[..., QuerySet[Any]],
    filter_class: Any,
    name: str,
    sheet: Any,
    columns: Callable[[], list[Column]],
) -> Callable[[HttpRequest], HttpResponse]:
    """The XLSX download of a finance list: the rows its page shows, under `columns`."""

    @login_required
    @cost_throttled
    def export(request: HttpRequest) -> HttpResponse:
        user = finance_user(request)
        _filterset, rows = filter_rows(request, selector(user=user), filter_class)
        return xlsx_response(name=name, sheet=sheet, columns=columns(), rows=rows)

    return export


def _invoice_columns() -> list[Column]:
    today = timezone.localdate()

    def status(invoice: Any) -> str:
        if invoice.display_status(today) == OVERDUE:
            return str(OVERDUE_LABEL)
        return str(invoice.get_status_display())

    return [
        Column(_("Number"), lambda r: r.number, 13),
        *_customer_columns(),
        Column(_("Order"), lambda r: r.order.number if r.order_id else "", 13),
        Column(_("Issue date"), lambda r: r.issue_date, 11),
        Column(_("Due date"), lambda r: r.due_date, 11),
        Column(_("Amount (CNY)"), lambda r: r.amount, 14, "money"),
        Column(_("Paid (CNY)"), lambda r: r.paid_amount, 14, "money"),
        Column(_("Open (CNY)"), lambda r: r.amount - r.paid_amount, 14, "money"),
        Column(_("Status"), status, 10),
        Column(_("Paid on"), lambda r: r.paid_at, 11),
    ]


def _statement_columns() -> list[Column]:
    return [
        Column(_("Number"), lambda r: r.number, 13),
        *_customer_columns(),
        Column(_("Period from"), lambda r: r.period_start, 11),
        Column(_("Period to"), lambda r: r.period_end, 11),
        Column(_("Opening balance (CNY)"), lambda r: r.opening_balance, 15, "money"),
        Column(_("Debits (CNY)"), lambda r: r.total_debit, 14, "money"),
        Column(_("Credits (CNY)"), lambda r: r.total_credit, 14, "money"),
        Column(_("Closing balance (CNY)"), lambda r: r.closing_balance, 15, "money"),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Open disputes"), lambda r: r.open_disputes, 10, "number"),
        Column(_("Issued at"), lambda r: r.issued_at, 17),
        Column(_("Confirmed at"), lambda r: r.confirmed_at, 17),
        Column(_("Confirmed by"), lambda r: _person(r.confirmed_by), 12),
    ]


def _dispute_columns() -> list[Column]:
    return [
        Column(_("Number"), lambda r: r.number, 13),
        Column(_("Statement"), lambda r: r.statement.number, 13),
        *_customer_columns(),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Lines"), lambda r: r.line_count, 7, "number"),
        Column(_("Opened by"), lambda r: _person(r.opened_by), 12),
        Column(_("Opened at"), lambda r: r.created_at, 17),
        Column(_("Comment"), lambda r: r.comment, 40),
        Column(_("Answer"), lambda r: r.answer, 40),
        Column(_("Answered by"), lambda r: _person(r.answered_by), 12),
        Column(_("Answered at"), lambda r: r.answered_at, 17),
        Column(_("Closed at"), lambda r: r.closed_at, 17),
    ]


def _expense_columns() -> list[Column]:
    return [
        Column(_("Number"), lambda r: r.number, 13),
        *_customer_columns(),
        Column(_("Kind"), lambda r: r.get_kind_display(), 12),
        Column(_("Activity"), lambda r: r.activity, 30),
        Column(_("Period from"), lambda r: r.period_start, 11),
        Column(_("Period to"), lambda r: r.period_end, 11),
        Column(_("Amount (CNY)"), lambda r: r.amount, 14, "money"),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Submitted by"), lambda r: _person(r.submitted_by), 12),
        Column(_("Submitted at"), lambda r: r.submitted_at, 17),
        Column(_("Decided by"), lambda r: _person(r.decided_by), 12),
        Column(_("Decided at"), lambda r: r.decided_at, 17),
        Column(_("Decision note"), lambda r: r.decision_note, 30),
        Column(_("Credited on"), lambda r: r.credit_date, 11),
    ]


invoice_export = _list_export(
    selectors.invoice_list, InvoiceFilter, "invoices", gettext_lazy("Invoices"), _invoice_columns
)

statement_list_export = _list_export(
    selectors.statement_list,
    StatementFilter,
    "statements",
    gettext_lazy("Statements"),
    _statement_columns,
)

dispute_export = _list_export(
    selectors.dispute_list, DisputeFilter, "disputes", gettext_lazy("Disputes"), _dispute_columns
)

expense_export = _list_export(
    selectors.expense_list,
    ExpenseFilter,
    "expenses",
    gettext_lazy("Rebates and expenses"),
    _expense_columns,
)


@login_required
@cost_throttled
def account_export(request: HttpRequest) -> HttpResponse:
    """The accounts list of staff (`/finance/` without `?customer=`): the customers in
    their scope with open balance and overdue, largest debt first."""
    user = finance_user(request)
    if user.role == Role.CUSTOMER_USER:
        raise Http404
    rows = selectors.account_list(user=user, search=request.GET.get("q", "")[:100])
    rows = rows.select_related("branch", "account_manager")
    labels = {
        m.pk: getattr(m, "label", m.display_name)
        for m in customer_filter_choices(user=user).account_managers
    }

    def manager(customer: Any) -> str:
        if customer.account_manager_id is None:
            return ""
        return str(labels.get(customer.account_manager_id) or _person(customer.account_manager))

    columns = [
        Column(_("Customer code"), lambda r: r.code, 11),
        Column(_("Customer"), lambda r: r.name, 28),
        Column(_("Branch"), lambda r: r.branch.name if r.branch_id else "", 16),
        Column(_("Account manager"), manager, 18),
        Column(_("Credit limit (CNY)"), lambda r: r.credit_limit, 14, "money"),
        Column(_("Open balance (CNY)"), lambda r: r.open_amount, 14, "money"),
        Column(_("Overdue (CNY)"), lambda r: r.overdue_amount, 14, "money"),
    ]
    return xlsx_response(name="accounts", sheet=_("Accounts"), columns=columns, rows=rows)
