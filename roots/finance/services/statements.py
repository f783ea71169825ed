"""Writes of reconciliation: monthly statements (generation, issue, confirmation) and
disputes (opened by the customer, answered by staff, tracked to closure). The steps are
declared in `roots.finance.lifecycles`; their functions here are the entry points that the
other apps, the tasks and the tests call."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from roots.core import i18n_text
from roots.core.exceptions import ConflictError
from roots.core.numbers import reserve_numbers
from roots.core.text import clean_text
from roots.finance import policies, texts
from roots.finance.lifecycles import DISPUTE, REPLY, STATEMENT
from roots.finance.lifecycles.common import take_as_service
from roots.finance.models import (
    ZERO,
    Dispute,
    DisputeMessage,
    Expense,
    ExpenseKind,
    Invoice,
    LineKind,
    Payment,
    PaymentMethod,
    Statement,
    StatementLine,
    StatementStatus,
)
from roots.finance.services.ledger import _bump, _require_manager

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import User


# --- statements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """A ledger movement on a statement (a future `StatementLine`)."""

    customer_id: int
    date: date
    kind: str
    reference: str
    description: str
    debit: Decimal
    credit: Decimal
    sort: tuple[Any, ...]
    # The description as generated text (rendered in the reader's language); `description`
    # is the same text as written now.
    text: dict[str, Any] = field(default_factory=dict)


_KIND_ORDER = {LineKind.INVOICE: 0, LineKind.PAYMENT: 1, LineKind.CREDIT: 2}


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError({"month": [_("Choose a month between 2000-01 and 2100-12.")]})
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


def previous_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def _grouped(qs: QuerySet[Any]) -> dict[int, Decimal]:
    return {
        row["customer_id"]: Decimal(row["total"])
        for row in qs.values("customer_id").annotate(total=Sum("amount")).order_by()
    }


def opening_balances(*, before: date, customer_ids: list[int] | None) -> dict[int, Decimal]:
    """Signed ledger balance per customer of everything dated before `before` (3 queries)."""
    invoices = Invoice.objects.all_unscoped().filter(issue_date__lt=before)
    payments = Payment.objects.all_unscoped().filter(received_on__lt=before)
    credits = Expense.objects.all_unscoped().credits().filter(credit_date__lt=before)
    if customer_ids is not None:
        invoices = invoices.filter(customer_id__in=customer_ids)
        payments = payments.filter(customer_id__in=customer_ids)
        credits = credits.filter(customer_id__in=customer_ids)
    balances: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for cid, total in _grouped(invoices).items():
        balances[cid] += total
    for cid, total in _grouped(payments).items():
        balances[cid] -= total
    for cid, total in _grouped(credits).items():
        balances[cid] -= total
    return dict(balances)


def period_movements(
    *, start: date, end: date, customer_ids: list[int] | None
) -> dict[int, list[Movement]]:
    """The movements per customer dated within [start, end], in statement order (3 queries)."""
    invoices = (
        Invoice.objects.all_unscoped()
        .filter(issue_date__range=(start, end))
        .values("id", "customer_id", "number", "issue_date", "amount", "order__number")
    )
    payments = (
        Payment.objects.all_unscoped()
        .filter(received_on__range=(start, end))
        .values("id", "customer_id", "number", "received_on", "amount", "method", "reference")
    )
    credits = (
        Expense.objects.all_unscoped()
        .credits()
        .filter(credit_date__range=(start, end))
        .values("id", "customer_id", "number", "credit_date", "amount", "kind", "activity")
    )
    if customer_ids is not None:
        invoices = invoices.filter(customer_id__in=customer_ids)
        payments = payments.filter(customer_id__in=customer_ids)
        credits = credits.filter(customer_id__in=customer_ids)
    out: dict[int, list[Movement]] = defaultdict(list)
    row: Any
    for row in invoices:
        order = row["order__number"]
        text = texts.ORDER(number=order) if order else None
        out[row["customer_id"]].append(
            Movement(
                customer_id=row["customer_id"],
                date=row["issue_date"],
                kind=LineKind.INVOICE,
                reference=row["number"],
                description=str(text or "")[:300],
                debit=row["amount"],
                credit=ZERO,
                sort=(row["issue_date"], 0, row["id"]),
                text=i18n_text.as_stored(text),
            )
        )
    for row in payments:
        text = i18n_text.join(
            [i18n_text.choice(PaymentMethod, row["method"]), row["reference"]], sep="space"
        )
        out[row["customer_id"]].append(
            Movement(
                customer_id=row["customer_id"],
                date=row["received_on"],
                kind=LineKind.PAYMENT,
                reference=row["number"],
                description=str(text)[:300],
                debit=ZERO,
                credit=row["amount"],
                sort=(row["received_on"], 1, row["id"]),
                text=i18n_text.as_stored(text),
            )
        )
    for row in credits:
        text = i18n_text.join(
            [i18n_text.choice(ExpenseKind, row["kind"]), row["activity"]], sep="colon"
        )
        out[row["customer_id"]].append(
            Movement(
                customer_id=row["customer_id"],
                date=row["credit_date"],
                kind=LineKind.CREDIT,
                reference=row["number"],
                description=str(text)[:300],
                debit=ZERO,
                credit=row["amount"],
                sort=(row["credit_date"], 2, row["id"]),
                text=i18n_text.as_stored(text),
            )
        )
    for movements in out.values():
        movements.sort(key=lambda m: m.sort)
    return dict(out)


def build_lines(
    *, statement: Statement, opening: Decimal, movements: list[Movement]
) -> list[StatementLine]:
    """Fill the statement's totals and closing balance, and answer its lines with the
    running balance after each (closing = opening + debits − credits)."""
    balance = opening
    lines = []
    for n, m in enumerate(movements, start=1):
        balance = balance + m.debit - m.credit
        lines.append(
            StatementLine(
                statement=statement,
                line_no=n,
                date=m.date,
                kind=m.kind,
                reference=m.reference,
                description=m.description,
                description_text=m.text,
                debit=m.debit,
                credit=m.credit,
                balance=balance,
            )
        )
    statement.opening_balance = opening
    statement.total_debit = sum((m.debit for m in movements), ZERO)
    statement.total_credit = sum((m.credit for m in movements), ZERO)
    statement.closing_balance = balance
    return lines


@dataclass
class GenerateResult:
    created: int = 0
    replaced: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "replaced": self.replaced, "skipped": self.skipped}


def statements_generate(
    *,
    year: int,
    month: int,
    customers: Iterable[Customer] | None = None,
    user: User | None = None,
) -> GenerateResult:
    """Draft the month's statement of every customer with a movement in the month or a
    balance (or of `customers`). Idempotent: a draft is rebuilt from the ledger (same
    number); an issued statement is never regenerated (skipped)."""
    start, end = month_bounds(year, month)
    ids = None if customers is None else [c.pk for c in customers]
    result = GenerateResult()
    with transaction.atomic():
        openings = opening_balances(before=start, customer_ids=ids)
        movements = period_movements(start=start, end=end, customer_ids=ids)
        wanted = {cid for cid, bal in openings.items() if bal != 0} | set(movements)
        if ids is not None:
            wanted &= set(ids)
        existing = {
            st.customer_id: st
            for st in Statement.objects.all_unscoped()
            .select_for_update()
            .filter(year=year, month=month, customer_id__in=wanted)
        }
        now = timezone.now()
        drafts = [st for st in existing.values() if st.status == StatementStatus.DRAFT]
        result.skipped = len(existing) - len(drafts)
        result.replaced = len(drafts)
        StatementLine.objects.filter(statement__in=drafts).delete()
        lines: list[StatementLine] = []
        for st in drafts:
            lines += build_lines(
                statement=st,
                opening=openings.get(st.customer_id, ZERO),
                movements=movements.get(st.customer_id, []),
            )
            _bump(st, user)
            st.generated_at = now
            st.save()
        new_ids = sorted(wanted - set(existing))
        numbers = reserve_numbers(
            model=Statement, prefix="ST", sequence="statement", count=len(new_ids)
        )
        new: list[Statement] = []
        new_lines: list[tuple[Statement, list[StatementLine]]] = []
        for cid, number in zip(new_ids, numbers, strict=True):
            st = Statement(
                number=number,
                customer_id=cid,
                year=year,
                month=month,
                period_start=start,
                period_end=end,
                status=StatementStatus.DRAFT,
                generated_at=now,
                opening_balance=ZERO,
                closing_balance=ZERO,
            )
            st.refresh_search_text()
            new_lines.append(
                (
                    st,
                    build_lines(
                        statement=st,
                        opening=openings.get(cid, ZERO),
                        movements=movements.get(cid, []),
                    ),
                )
            )
            new.append(st)
        if new:
            bulk_create_with_history(new, Statement, batch_size=500, default_user=user)
            if any(st.pk is None for st in new):  # pragma: no cover - backends without RETURNING
                pks = dict(Statement.objects.filter(number__in=numbers).values_list("number", "pk"))
                for st in new:
                    st.pk = pks[st.number]
        for st, st_lines in new_lines:
            for line in st_lines:
                line.statement = st
            lines += st_lines
        StatementLine.objects.bulk_create(lines, batch_size=1000)
        result.created = len(new)
    return result


def statement_regenerate(*, user: User, statement: Statement) -> Statement:
    """Rebuild one draft from the ledger (staff who keep the account)."""
    _require_manager(user, statement.customer, _("You may not change this statement."))
    if statement.status != StatementStatus.DRAFT:
        raise ConflictError(
            _("Only a draft statement can be regenerated."),
            code="invalid_transition",
        )
    statements_generate(
        year=statement.year, month=statement.month, customers=[statement.customer], user=user
    )
    return Statement.objects.all_unscoped().get(pk=statement.pk)


# --- the steps (declared in `roots.finance.lifecycles`) -------------------------------------


def statement_issue(
    *, user: User, statement: Statement, expected_version: int | None = None
) -> Statement:
    """Issue a draft to the customer (account, branch or HQ staff). The draft is rebuilt
    from the ledger first, so that what the customer sees is up to date."""
    result: Statement = take_as_service(
        STATEMENT, user=user, obj=statement, step="issue", expected_version=expected_version
    )
    return result


def statement_confirm(
    *, user: User, statement: Statement, expected_version: int | None = None
) -> Statement:
    """The customer confirms the statement is right (issued, or resolved: every dispute
    closed). Staff cannot confirm for the customer (409)."""
    result: Statement = take_as_service(
        STATEMENT, user=user, obj=statement, step="confirm", expected_version=expected_version
    )
    return result


def statement_dispute(
    *,
    user: User,
    statement: Statement,
    lines: Iterable[int],
    comment: str,
    expected_version: int | None = None,
) -> Dispute:
    """The customer disputes lines of an issued (or resolved, or already disputed)
    statement with a comment; the statement becomes `disputed` and the account manager
    has a dispute to answer."""
    result: Dispute = take_as_service(
        STATEMENT,
        user=user,
        obj=statement,
        step="dispute",
        data={"lines": list(lines), "comment": comment},
        expected_version=expected_version,
    )
    return result


def dispute_answer(
    *, user: User, dispute: Dispute, answer: str, expected_version: int | None = None
) -> Dispute:
    """The account manager (or branch/HQ staff) answers an open dispute; answering again
    replaces the answer. The answer joins the thread."""
    result: Dispute = take_as_service(
        DISPUTE,
        user=user,
        obj=dispute,
        step="answer",
        data={"answer": answer},
        expected_version=expected_version,
    )
    return result


def dispute_message_add(*, user: User, dispute: Dispute, body: str) -> DisputeMessage:
    """Add a message to a dispute's thread: the customer's reply reopens an answered
    dispute; staff's message is an answer."""
    customer = dispute.customer
    is_customer = policies.is_customer_of(user, customer)
    if not is_customer and not policies.manages(user, customer):
        raise PermissionDenied(_("You may not write in this dispute."))
    body = clean_text(body, field="body", max_length=2000, required=True)
    if not is_customer:
        dispute_answer(user=user, dispute=dispute, answer=body)
        return DisputeMessage.objects.filter(dispute=dispute).order_by("-id")[0]
    entry: DisputeMessage = take_as_service(
        DISPUTE, user=user, obj=dispute, step=REPLY, data={"body": body}
    )
    return entry


def dispute_close(
    *, user: User, dispute: Dispute, note: str = "", expected_version: int | None = None
) -> Dispute:
    """Close a dispute: the customer at any time (satisfied or withdrawing), staff once it
    is answered. When every dispute of the statement is closed, the statement is
    `resolved` and the customer can confirm it."""
    result: Dispute = take_as_service(
        DISPUTE,
        user=user,
        obj=dispute,
        step="close",
        data={"note": note},
        expected_version=expected_version,
    )
    return result
