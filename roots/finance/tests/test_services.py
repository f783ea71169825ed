"""The finance services: the formulas with hand-computed numbers, and every transition of
expenses, statements and disputes, allowed and forbidden, per role."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import shared_personas
from roots.core.exceptions import ConflictError
from roots.finance import services
from roots.finance.models import (
    Dispute,
    DisputeStatus,
    ExpenseStatus,
    InvoiceStatus,
    LineKind,
    Statement,
    StatementStatus,
)
from roots.finance.selectors import (
    account_summary,
    credit_balance,
    ledger_balance,
    open_balance,
    overdue_amount,
)
from roots.finance.tests import factories as f

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db
D = Decimal


# --- balances and allocation ---------------------------------------------------------------


def test_open_balance_is_invoiced_minus_payments_minus_credits(personas):
    c = personas.cust_a1
    f.invoice(c, "1000.00", date(2026, 1, 5))
    f.invoice(c, "2500.00", date(2026, 1, 20))
    f.payment(c, "1200.00", date(2026, 2, 1))
    f.credit(c, "300.00", date(2026, 2, 3))
    # 1000 + 2500 - 1200 - 300
    assert open_balance(customer_id=c.pk) == D("2000.00")
    assert credit_balance(customer_id=c.pk) == 0


def test_overpayment_is_a_credit_balance_never_a_negative_open_balance(personas):
    c = personas.cust_a1
    f.invoice(c, "1000.00", date(2026, 1, 5))
    f.payment(c, "1500.00", date(2026, 1, 6))
    assert open_balance(customer_id=c.pk) == 0
    assert credit_balance(customer_id=c.pk) == D("500.00")
    assert ledger_balance(customer_id=c.pk) == D("-500.00")


def test_payment_is_applied_to_the_oldest_invoices_first(personas):
    c = personas.cust_a1
    old = f.invoice(c, "1000.00", date(2026, 1, 5))
    mid = f.invoice(c, "800.00", date(2026, 1, 10))
    new = f.invoice(c, "500.00", date(2026, 1, 15))
    f.payment(c, "1300.00", date(2026, 2, 1))
    old.refresh_from_db()
    mid.refresh_from_db()
    new.refresh_from_db()
    assert (old.paid_amount, old.status) == (D("1000.00"), InvoiceStatus.PAID)
    assert old.paid_at == date(2026, 2, 1)
    assert (mid.paid_amount, mid.status) == (D("300.00"), InvoiceStatus.PARTIALLY_PAID)
    assert (new.paid_amount, new.status) == (D("0.00"), InvoiceStatus.OPEN)


def test_unapplied_credit_pays_the_next_invoice(personas, make_order):
    c = personas.cust_a1
    pay = f.payment(c, "700.00", date(2026, 1, 6))
    assert pay.unapplied_amount == D("700.00")
    invoice = services.invoice_shipment(order=make_order(total="1000.00"), user=personas.am_a)
    pay.refresh_from_db()
    assert pay.unapplied_amount == 0
    assert (invoice.paid_amount, invoice.status) == (D("700.00"), InvoiceStatus.PARTIALLY_PAID)


def test_credit_fully_applied_becomes_credited(personas):
    c = personas.cust_a1
    f.invoice(c, "1000.00", date(2026, 1, 5))
    rebate = f.credit(c, "400.00", date(2026, 1, 31))
    assert rebate.status == ExpenseStatus.CREDITED
    assert rebate.unapplied_amount == 0


def test_overdue_amount_counts_what_is_unpaid_past_due(personas):
    c = personas.cust_a1
    today = date(2026, 6, 30)
    f.invoice(c, "1000.00", date(2026, 4, 1), due_date=date(2026, 5, 1))
    f.invoice(c, "600.00", date(2026, 5, 1), due_date=date(2026, 5, 31))
    f.invoice(c, "900.00", date(2026, 6, 20), due_date=date(2026, 7, 20))
    f.payment(c, "1200.00", date(2026, 6, 1))
    # the first is paid, 400 of the second is unpaid and overdue, the third is not due
    assert overdue_amount(customer_id=c.pk, today=today) == D("400.00")


def test_account_summary_available_credit(personas, make_order):
    c = personas.cust_a1
    c.credit_limit = D("50000.00")
    c.save()
    f.invoice(c, "12000.00", date(2026, 1, 5), due_date=date(2000, 1, 1))
    f.payment(c, "2000.00", date(2026, 1, 6))
    make_order(customer=c, total="8000.00", status="submitted")
    make_order(customer=c, total="99999.00", status="delivered")  # invoiced or not, not open
    s = account_summary(customer=c)
    assert s.credit_limit == D("50000.00")
    assert s.open_balance == D("10000.00")
    assert s.open_orders == D("8000.00")
    # 50000 - 10000 - 8000
    assert s.available_credit == D("32000.00")
    assert s.overdue == D("10000.00")
    assert s.used_percent == 36


def test_available_credit_adds_a_credit_balance_and_is_never_negative(personas):
    c = personas.cust_a1
    c.credit_limit = D("1000.00")
    c.save()
    f.payment(c, "300.00", date(2026, 1, 6))
    assert account_summary(customer=c).available_credit == D("1300.00")
    f.invoice(c, "5000.00", date(2026, 1, 7))
    assert account_summary(customer=c).available_credit == 0


def test_invoice_due_date_follows_payment_terms(personas, make_order):
    c = personas.cust_a1
    c.payment_terms = "月结60天"
    c.save()
    inv = services.invoice_shipment(order=make_order(customer=c), user=None)
    assert (inv.due_date - inv.issue_date).days == 60


def test_invoice_shipment_writes_history_with_the_user(personas, make_order):
    inv = services.invoice_shipment(order=make_order(), user=personas.am_a)
    assert inv.history.first().history_user == personas.am_a


# --- payments ------------------------------------------------------------------------------


def test_record_payment_by_account_manager(personas):
    f.invoice(personas.cust_a1, "1000.00", date(2026, 1, 5))
    pay = services.payment_record(
        user=personas.am_a,
        data={"customer": personas.cust_a1, "amount": D("250.5"), "method": "cash"},
    )
    assert pay.number.startswith("PM") and len(pay.number) == 10
    assert pay.amount == D("250.50") and pay.unapplied_amount == 0
    assert open_balance(customer_id=personas.cust_a1.pk) == D("749.50")


@pytest.mark.parametrize("role", ["cu_a1", "pm", "am_a2", "bm_b", "am_b"])
def test_record_payment_refused_to_others(personas, role):
    with pytest.raises(PermissionDenied):
        services.payment_record(
            user=getattr(personas, role), data={"customer": personas.cust_a1, "amount": "1"}
        )


def test_payment_in_the_future_is_refused(personas):
    with pytest.raises(ValidationError):
        services.payment_record(
            user=personas.hq,
            data={
                "customer": personas.cust_a1,
                "amount": "1",
                "received_on": date.today() + timedelta(days=3),
            },
        )


# --- expenses ------------------------------------------------------------------------------


def _claim_data(personas, **extra):
    return {
        "customer": personas.cust_a1,
        "activity": "五一促销堆头",
        "period_start": date(2026, 4, 1),
        "period_end": date(2026, 4, 30),
        "amount": "3000",
        "evidence": "发票 3 张",
        **extra,
    }


def test_customer_submits_claim_for_own_company(personas):
    data = _claim_data(personas)
    del data["customer"]
    claim = services.expense_claim_submit(user=personas.cu_a1, data=data)
    assert claim.customer == personas.cust_a1
    assert claim.status == ExpenseStatus.SUBMITTED
    # a claim credits nothing until approved
    assert ledger_balance(customer_id=personas.cust_a1.pk) == 0


def test_customer_cannot_claim_for_another_company(personas):
    with pytest.raises(PermissionDenied):
        services.expense_claim_submit(user=personas.cu_b1, data=_claim_data(personas))


def test_claim_period_must_be_in_order(personas):
    with pytest.raises(ValidationError) as exc:
        services.expense_claim_submit(
            user=personas.am_a, data=_claim_data(personas, period_end=date(2026, 3, 1))
        )
    assert "period_end" in exc.value.message_dict


@pytest.mark.parametrize("role", ["hq", "bm_a", "am_a"])
def test_staff_who_keep_the_account_approve_a_claim_and_it_credits(personas, role):
    f.invoice(personas.cust_a1, "5000.00", date(2026, 1, 5))
    claim = f.claim(personas.cust_a1, "500.00")
    claim = services.expense_approve(user=getattr(personas, role), expense=claim)
    assert claim.status == ExpenseStatus.CREDITED
    assert claim.credit_date == date.today()
    assert open_balance(customer_id=personas.cust_a1.pk) == D("4500.00")


@pytest.mark.parametrize("role", ["pm", "cu_a1", "am_a2", "bm_b"])
def test_others_cannot_decide_claims(personas, role):
    claim = f.claim(personas.cust_a1)
    with pytest.raises(PermissionDenied):
        services.expense_approve(user=getattr(personas, role), expense=claim)
    claim.refresh_from_db()
    assert claim.status == ExpenseStatus.SUBMITTED


def test_deciding_twice_is_a_conflict_and_changes_nothing(personas):
    claim = f.claim(personas.cust_a1)
    services.expense_reject(user=personas.am_a, expense=claim, note="缺少发票")
    claim.refresh_from_db()
    version = claim.version
    with pytest.raises(ConflictError):
        services.expense_approve(user=personas.am_a, expense=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ExpenseStatus.REJECTED, version)


def test_reject_needs_a_note(personas):
    claim = f.claim(personas.cust_a1)
    with pytest.raises(ValidationError):
        services.expense_reject(user=personas.am_a, expense=claim, note="  ")


def test_rebate_is_granted_by_staff_and_credits_at_once(personas):
    rebate = services.expense_create(
        user=personas.bm_a, data={**_claim_data(personas), "kind": "rebate", "amount": "800"}
    )
    assert rebate.status == ExpenseStatus.APPROVED  # nothing to apply it to yet
    assert credit_balance(customer_id=personas.cust_a1.pk) == D("800.00")


def test_customer_cannot_grant_a_rebate(personas):
    with pytest.raises(PermissionDenied):
        services.expense_create(
            user=personas.cu_a1, data={**_claim_data(personas), "kind": "rebate"}
        )


# --- statements ----------------------------------------------------------------------------


@pytest.fixture
def ledger(personas):
    """A1's ledger: before May 2026 an invoice of 1000 and a payment of 400 (opening 600);
    in May invoices of 2000 and 500, a payment of 1500 and a rebate of 100."""
    c = personas.cust_a1
    f.invoice(c, "1000.00", date(2026, 4, 10))
    f.payment(c, "400.00", date(2026, 4, 20))
    f.invoice(c, "2000.00", date(2026, 5, 3))
    f.payment(c, "1500.00", date(2026, 5, 15))
    f.invoice(c, "500.00", date(2026, 5, 20))
    f.credit(c, "100.00", date(2026, 5, 31))
    return c


def test_statement_balances_by_hand(personas, ledger):
    result = services.statements_generate(year=2026, month=5)
    assert result.as_dict() == {"created": 1, "replaced": 0, "skipped": 0}
    st = Statement.objects.get(customer=ledger)
    assert st.number.startswith("ST") and len(st.number) == 10
    assert st.opening_balance == D("600.00")
    assert st.total_debit == D("2500.00")
    assert st.total_credit == D("1600.00")
    # 600 + 2500 - 1600
    assert st.closing_balance == D("1500.00")
    lines = list(st.lines.values_list("kind", "debit", "credit", "balance"))
    assert lines == [
        (LineKind.INVOICE, D("2000.00"), D("0.00"), D("2600.00")),
        (LineKind.PAYMENT, D("0.00"), D("1500.00"), D("1100.00")),
        (LineKind.INVOICE, D("500.00"), D("0.00"), D("1600.00")),
        (LineKind.CREDIT, D("0.00"), D("100.00"), D("1500.00")),
    ]
    assert st.closing_balance == ledger_balance(customer_id=ledger.pk, before=date(2026, 6, 1))


def test_next_month_opens_with_the_previous_closing(personas, ledger):
    services.statements_generate(year=2026, month=5)
    services.statements_generate(year=2026, month=6)
    may = Statement.objects.get(customer=ledger, month=5)
    june = Statement.objects.get(customer=ledger, month=6)
    assert june.opening_balance == may.closing_balance == june.closing_balance
    assert june.lines.count() == 0


def test_regenerating_replaces_a_draft_and_skips_an_issued_one(personas, ledger):
    services.statements_generate(year=2026, month=5)
    st = Statement.objects.get(customer=ledger)
    f.payment(ledger, "100.00", date(2026, 5, 30))
    result = services.statements_generate(year=2026, month=5)
    assert result.as_dict() == {"created": 0, "replaced": 1, "skipped": 0}
    again = Statement.objects.get(customer=ledger)
    assert again.number == st.number
    assert again.closing_balance == D("1400.00")
    services.statement_issue(user=personas.am_a, statement=again)
    f.payment(ledger, "50.00", date(2026, 5, 30))
    result = services.statements_generate(year=2026, month=5)
    assert result.as_dict() == {"created": 0, "replaced": 0, "skipped": 1}
    assert Statement.objects.get(customer=ledger).closing_balance == D("1400.00")


def test_customers_without_activity_or_balance_get_no_statement(personas, ledger):
    services.statements_generate(year=2026, month=5)
    assert not Statement.objects.filter(customer=personas.cust_b1).exists()


# --- reconciliation life-cycle -------------------------------------------------------------


@pytest.fixture
def issued(personas, ledger):
    services.statements_generate(year=2026, month=5)
    st = Statement.objects.get(customer=ledger)
    return services.statement_issue(user=personas.am_a, statement=st)


def test_issue_only_by_staff_who_keep_the_account(personas, ledger):
    services.statements_generate(year=2026, month=5)
    st = Statement.objects.get(customer=ledger)
    for role in ("cu_a1", "pm", "am_a2", "bm_b"):
        with pytest.raises(PermissionDenied):
            services.statement_issue(user=getattr(personas, role), statement=st)
    issued = services.statement_issue(user=personas.bm_a, statement=st)
    assert issued.status == StatementStatus.ISSUED and issued.issued_by == personas.bm_a
    with pytest.raises(ConflictError):
        services.statement_issue(user=personas.bm_a, statement=issued)


def test_current_month_cannot_be_issued(personas):
    f.invoice(personas.cust_a1, "10.00", date.today())
    today = date.today()
    services.statements_generate(year=today.year, month=today.month)
    st = Statement.objects.get(customer=personas.cust_a1)
    with pytest.raises(ConflictError):
        services.statement_issue(user=personas.am_a, statement=st)


def test_customer_confirms_an_issued_statement(personas, issued):
    st = services.statement_confirm(user=personas.cu_a1, statement=issued)
    assert st.status == StatementStatus.CONFIRMED
    assert st.confirmed_by == personas.cu_a1 and st.confirmed_at is not None
    with pytest.raises(ConflictError):
        services.statement_confirm(user=personas.cu_a1, statement=st)


@pytest.mark.parametrize("role", ["hq", "bm_a", "am_a", "pm"])
def test_staff_confirming_for_the_customer_is_a_conflict(personas, issued, role):
    with pytest.raises(ConflictError):
        services.statement_confirm(user=getattr(personas, role), statement=issued)
    issued.refresh_from_db()
    assert issued.status == StatementStatus.ISSUED


def test_a_draft_cannot_be_confirmed_or_disputed(personas, ledger):
    services.statements_generate(year=2026, month=5)
    st = Statement.objects.get(customer=ledger)
    with pytest.raises(ConflictError):
        services.statement_confirm(user=personas.cu_a1, statement=st)
    with pytest.raises(ConflictError):
        services.statement_dispute(user=personas.cu_a1, statement=st, lines=[], comment="x")


def test_dispute_answer_close_resolve_confirm(personas, issued):
    line = issued.lines.get(line_no=2)
    dispute = services.statement_dispute(
        user=personas.cu_a1,
        statement=issued,
        lines=[line.pk],
        comment="我们 5 月 15 日付的是 1,600",
    )
    assert dispute.number.startswith("DP")
    assert list(dispute.lines.all()) == [line]
    issued.refresh_from_db()
    assert issued.status == StatementStatus.DISPUTED
    # cannot confirm while a dispute is open
    with pytest.raises(ConflictError):
        services.statement_confirm(user=personas.cu_a1, statement=issued)
    # staff cannot close an unanswered dispute
    with pytest.raises(ConflictError):
        services.dispute_close(user=personas.am_a, dispute=dispute)
    dispute = services.dispute_answer(
        user=personas.am_a, dispute=dispute, answer="银行回单显示 1,500，另 100 已作为返利入账"
    )
    assert dispute.status == DisputeStatus.ANSWERED and dispute.answered_by == personas.am_a
    # the customer replies: open again
    services.dispute_message_add(user=personas.cu_a1, dispute=dispute, body="请发回单")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    services.dispute_message_add(user=personas.am_a, dispute=dispute, body="已邮件发送")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.ANSWERED
    assert dispute.messages.count() == 4
    dispute = services.dispute_close(user=personas.cu_a1, dispute=dispute)
    assert dispute.status == DisputeStatus.CLOSED and dispute.closed_at is not None
    issued.refresh_from_db()
    assert issued.status == StatementStatus.RESOLVED
    with pytest.raises(ConflictError):
        services.dispute_answer(user=personas.am_a, dispute=dispute, answer="again")
    with pytest.raises(ConflictError):
        services.dispute_message_add(user=personas.cu_a1, dispute=dispute, body="again")
    with pytest.raises(ConflictError):
        services.dispute_close(user=personas.cu_a1, dispute=dispute)
    assert services.statement_confirm(user=personas.cu_a1, statement=issued).status == (
        StatementStatus.CONFIRMED
    )


def test_statement_stays_disputed_until_every_dispute_is_closed(personas, issued):
    d1 = services.statement_dispute(user=personas.cu_a1, statement=issued, lines=[], comment="a")
    d2 = services.statement_dispute(user=personas.cu_a1, statement=issued, lines=[], comment="b")
    services.dispute_close(user=personas.cu_a1, dispute=d1)
    issued.refresh_from_db()
    assert issued.status == StatementStatus.DISPUTED
    services.dispute_answer(user=personas.bm_a, dispute=d2, answer="ok")
    services.dispute_close(user=personas.hq, dispute=Dispute.objects.get(pk=d2.pk))
    issued.refresh_from_db()
    assert issued.status == StatementStatus.RESOLVED


def test_disputed_lines_must_belong_to_the_statement(personas, issued):
    with pytest.raises(ValidationError):
        services.statement_dispute(
            user=personas.cu_a1, statement=issued, lines=[999999], comment="x"
        )
    issued.refresh_from_db()
    assert issued.status == StatementStatus.ISSUED
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("role", ["am_a", "hq", "pm", "cu_b1"])
def test_only_the_customer_disputes(personas, issued, role):
    with pytest.raises(ConflictError):
        services.statement_dispute(
            user=getattr(personas, role), statement=issued, lines=[], comment="x"
        )


@pytest.mark.parametrize("role", ["pm", "am_a2", "bm_b", "cu_b1"])
def test_others_cannot_answer_disputes(personas, issued, role):
    d = services.statement_dispute(user=personas.cu_a1, statement=issued, lines=[], comment="a")
    with pytest.raises(PermissionDenied):
        services.dispute_answer(user=getattr(personas, role), dispute=d, answer="x")
    with pytest.raises(PermissionDenied):
        services.dispute_close(user=getattr(personas, role), dispute=d)


def test_confirmed_statement_cannot_be_disputed(personas, issued):
    services.statement_confirm(user=personas.cu_a1, statement=issued)
    issued.refresh_from_db()
    with pytest.raises(ConflictError):
        services.statement_dispute(user=personas.cu_a1, statement=issued, lines=[], comment="x")
