"""The finance API: scoping (404 outside), the actions and their 409s, bad input (400),
file downloads, and query counts of the lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import shared_personas
from roots.finance import services
from roots.finance.models import Dispute, Expense, ExpenseStatus, Payment, Statement
from roots.finance.tests import factories as f

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

# Their assertions read messages: in English (the default language is Chinese).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def books(personas):
    """A1 and B1 each with invoices in April and May 2026, a payment, and May's statement
    issued; A1 also with a submitted claim."""
    for customer in (personas.cust_a1, personas.cust_b1):
        f.invoice(customer, "1000.00", date(2026, 4, 10), due_date=date(2026, 5, 10))
        f.invoice(customer, "2000.00", date(2026, 5, 3), due_date=date(2026, 6, 3))
        f.payment(customer, "1500.00", date(2026, 5, 15))
    services.statements_generate(year=2026, month=5)
    for st in Statement.objects.all():
        services.statement_issue(user=personas.hq, statement=st)
    f.claim(personas.cust_a1, "300.00", user=personas.cu_a1)
    return {
        "a1": Statement.objects.get(customer=personas.cust_a1),
        "b1": Statement.objects.get(customer=personas.cust_b1),
    }


def _results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- invoices ------------------------------------------------------------------------------


def test_customer_lists_only_own_invoices(personas, api, books):
    rows = _results(api.as_(personas.cu_a1).get("/api/v1/invoices/"))
    assert {r["customer"] for r in rows} == {"C100001"}
    assert len(rows) == 2


def test_invoice_filters(personas, api, books):
    client = api.as_(personas.hq)
    assert len(_results(client.get("/api/v1/invoices/?customer=C100003"))) == 2
    paid = _results(client.get("/api/v1/invoices/?status=paid"))
    assert len(paid) == 2 and all(r["status"] == "paid" for r in paid)
    overdue = _results(client.get("/api/v1/invoices/?status=overdue"))
    assert {r["display_status"] for r in overdue} == {"overdue"}
    assert len(_results(client.get("/api/v1/invoices/?date_from=2026-05-01"))) == 2
    assert client.get("/api/v1/invoices/?date_from=yesterday").status_code == 400
    assert client.get("/api/v1/invoices/?status=bogus").status_code == 400


def test_invoice_retrieve_by_number_with_lines_and_allocations(personas, api, books):
    number = books["a1"].lines.get(line_no=1).reference
    response = api.as_(personas.cu_a1).get(f"/api/v1/invoices/{number}/")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == number
    assert body["allocations"] == [
        {"receipt": body["allocations"][0]["receipt"], "kind": "payment", "amount": "500.00"}
    ]
    assert response["ETag"] == f'"{body["version"]}"'
    other = books["b1"].lines.get(line_no=1).reference
    assert api.as_(personas.cu_a1).get(f"/api/v1/invoices/{other}/").status_code == 404


# --- payments ------------------------------------------------------------------------------


def test_staff_records_a_payment(personas, api, books):
    response = api.as_(personas.am_a).post(
        "/api/v1/payments/",
        {
            "customer": "C100001",
            "amount": "1500.00",
            "method": "acceptance_bill",
            "reference": "BA-1",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert response.status_code == 201, response.content
    assert response.json()["unapplied_amount"] == "0.00"
    replay = api.as_(personas.am_a).post(
        "/api/v1/payments/",
        {
            "customer": "C100001",
            "amount": "1500.00",
            "method": "acceptance_bill",
            "reference": "BA-1",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(reference="BA-1").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer": "C100001", "amount": "-5"}, "amount"),
        ({"customer": "C100001", "amount": "1e30"}, "amount"),
        ({"customer": "C100001", "amount": "abc"}, "amount"),
        ({"customer": "C100003", "amount": "5"}, "customer"),  # not in am_a's scope
        ({"customer": "C100001", "amount": "5", "method": "gold"}, "method"),
        ({"customer": "C100001", "amount": "5", "reference": "a\x00b"}, "reference"),
        ({"customer": "C100001", "amount": "5", "received_on": "2999-01-01"}, "received_on"),
    ],
)
def test_bad_payment_is_a_400(personas, api, books, body, field):
    response = api.as_(personas.am_a).post("/api/v1/payments/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize("role", ["cu_a1", "pm", "agent", "su"])
def test_payment_create_forbidden(personas, api, books, role):
    response = api.as_(getattr(personas, role)).post(
        "/api/v1/payments/", {"customer": "C100001", "amount": "5"}, format="json"
    )
    assert response.status_code == 403


# --- expenses ------------------------------------------------------------------------------


def test_customer_claims_and_account_manager_approves(personas, api, books):
    created = api.as_(personas.cu_a1).post(
        "/api/v1/expenses/",
        {
            "activity": "国庆节堆头",
            "period_start": "2026-05-01",
            "period_end": "2026-05-07",
            "amount": "800.00",
            "evidence": "照片 12 张",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["customer"] == "C100001" and body["status"] == "submitted"
    number = body["number"]
    denied = api.as_(personas.cu_a1).post(f"/api/v1/expenses/{number}/approve/", {}, format="json")
    assert denied.status_code == 403
    approved = api.as_(personas.am_a).post(f"/api/v1/expenses/{number}/approve/", {}, format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] in ("approved", "credited")
    again = api.as_(personas.am_a).post(
        f"/api/v1/expenses/{number}/reject/", {"note": "x"}, format="json"
    )
    assert again.status_code == 409
    assert "submitted" in again.json()["detail"]


def test_reject_without_note_is_a_400(personas, api, books):
    claim = Expense.objects.get(status=ExpenseStatus.SUBMITTED)
    response = api.as_(personas.am_a).post(
        f"/api/v1/expenses/{claim.number}/reject/", {}, format="json"
    )
    assert response.status_code == 400
    assert "note" in response.json()["errors"]


def test_other_customer_cannot_see_the_claim(personas, api, books):
    claim = Expense.objects.get(status=ExpenseStatus.SUBMITTED)
    assert api.as_(personas.cu_b1).get(f"/api/v1/expenses/{claim.number}/").status_code == 404
    assert (
        api.as_(personas.am_b).post(f"/api/v1/expenses/{claim.number}/approve/", {}).status_code
        == 404
    )


def test_customer_cannot_grant_itself_a_rebate(personas, api, books):
    response = api.as_(personas.cu_a1).post(
        "/api/v1/expenses/",
        {
            "kind": "rebate",
            "activity": "x",
            "period_start": "2026-05-01",
            "period_end": "2026-05-02",
            "amount": "1",
        },
        format="json",
    )
    assert response.status_code == 403


# --- statements and disputes ---------------------------------------------------------------


def test_customer_never_sees_drafts(personas, api, books):
    services.statements_generate(year=2026, month=6)
    draft = Statement.objects.get(customer=personas.cust_a1, month=6)
    rows = _results(api.as_(personas.cu_a1).get("/api/v1/statements/"))
    assert [r["number"] for r in rows] == [books["a1"].number]
    assert api.as_(personas.cu_a1).get(f"/api/v1/statements/{draft.number}/").status_code == 404
    assert api.as_(personas.am_a).get(f"/api/v1/statements/{draft.number}/").status_code == 200


def test_statement_detail_has_lines_with_running_balance(personas, api, books):
    body = api.as_(personas.cu_a1).get(f"/api/v1/statements/{books['a1'].number}/").json()
    assert body["opening_balance"] == "1000.00"
    assert [line["balance"] for line in body["lines"]] == ["3000.00", "1500.00"]
    assert body["closing_balance"] == "1500.00"
    assert body["disputes"] == []


def test_dispute_answer_close_confirm_through_the_api(personas, api, books):
    st = books["a1"]
    line = st.lines.get(line_no=2)
    customer = api.as_(personas.cu_a1)
    confirm_by_staff = api.as_(personas.am_a).post(f"/api/v1/statements/{st.number}/confirm/")
    assert confirm_by_staff.status_code == 409
    disputed = customer.post(
        f"/api/v1/statements/{st.number}/dispute/",
        {"lines": [line.pk], "comment": "付款金额不对"},
        format="json",
    )
    assert disputed.status_code == 201, disputed.content
    body = disputed.json()
    assert body["status"] == "disputed"
    number = body["disputes"][0]["number"]
    assert body["disputes"][0]["lines"] == [line.pk]
    assert customer.post(f"/api/v1/statements/{st.number}/confirm/").status_code == 409
    # the other customer and the other account manager cannot even see it
    assert api.as_(personas.cu_b1).get(f"/api/v1/disputes/{number}/").status_code == 404
    assert (
        api.as_(personas.am_a2)
        .post(f"/api/v1/disputes/{number}/answer/", {"answer": "x"})
        .status_code
        == 404
    )
    # the customer may not answer its own dispute
    assert (
        customer.post(
            f"/api/v1/disputes/{number}/answer/", {"answer": "x"}, format="json"
        ).status_code
        == 403
    )
    answered = api.as_(personas.am_a).post(
        f"/api/v1/disputes/{number}/answer/", {"answer": "见银行回单"}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    thread = customer.get(f"/api/v1/disputes/{number}/messages/").json()
    assert [m["body"] for m in thread] == ["付款金额不对", "见银行回单"]
    posted = customer.post(f"/api/v1/disputes/{number}/messages/", {"body": "收到"}, format="json")
    assert posted.status_code == 201
    closed = customer.post(f"/api/v1/disputes/{number}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert customer.post(f"/api/v1/disputes/{number}/close/", {}, format="json").status_code == 409
    confirmed = customer.post(f"/api/v1/statements/{st.number}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"


@pytest.mark.parametrize(
    "body",
    [
        {"lines": [1], "comment": ""},
        {"lines": "abc", "comment": "x"},
        {"lines": [-1], "comment": "x"},
        {"lines": [2**40], "comment": "x"},
        {"lines": [1], "comment": "x" * 3000},
        {"lines": [999999], "comment": "x"},
    ],
)
def test_bad_dispute_is_a_400(personas, api, books, body):
    response = api.as_(personas.cu_a1).post(
        f"/api/v1/statements/{books['a1'].number}/dispute/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert not Dispute.objects.exists()


def test_issue_by_staff_only(personas, api, books):
    services.statements_generate(year=2026, month=6)
    draft = Statement.objects.get(customer=personas.cust_a1, month=6)
    assert api.as_(personas.pm).post(f"/api/v1/statements/{draft.number}/issue/").status_code == 403
    assert (
        api.as_(personas.am_b).post(f"/api/v1/statements/{draft.number}/issue/").status_code == 404
    )
    response = api.as_(personas.am_a).post(f"/api/v1/statements/{books['a1'].number}/issue/")
    assert response.status_code == 409


def test_stale_if_match_is_a_412(personas, api, books):
    response = api.as_(personas.cu_a1).post(
        f"/api/v1/statements/{books['a1'].number}/confirm/", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412


def test_pdf_and_xlsx_downloads_are_scoped(personas, api, books):
    number = books["a1"].number
    pdf = api.as_(personas.cu_a1).get(f"/api/v1/statements/{number}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = api.as_(personas.cu_a1).get(f"/api/v1/statements/{number}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert api.as_(personas.cu_b1).get(f"/api/v1/statements/{number}/pdf/").status_code == 404
    assert api.as_(personas.cu_b1).get(f"/api/v1/statements/{number}/xlsx/").status_code == 404
    missing = api.as_(personas.cu_a1).get(
        "/api/v1/statements/ST99999999/pdf/", HTTP_ACCEPT="application/pdf"
    )
    assert missing.status_code == 404


def test_dispute_list_is_open_first_oldest_first(personas, api, books):
    a1 = books["a1"]
    d1 = services.statement_dispute(user=personas.cu_a1, statement=a1, lines=[], comment="first")
    d2 = services.statement_dispute(user=personas.cu_a1, statement=a1, lines=[], comment="second")
    services.dispute_answer(user=personas.am_a, dispute=d1, answer="ok")
    d3 = services.statement_dispute(
        user=personas.cu_b1, statement=books["b1"], lines=[], comment="b"
    )
    rows = _results(api.as_(personas.hq).get("/api/v1/disputes/"))
    assert [r["number"] for r in rows] == [d2.number, d3.number, d1.number]
    rows = _results(api.as_(personas.am_a).get("/api/v1/disputes/?status=open"))
    assert [r["number"] for r in rows] == [d2.number]


def _add_month(personas, month):
    """One more month of A2's books: an invoice, a payment, an issued statement with a
    disputed line, and a claim."""
    c = personas.cust_a2
    f.invoice(c, "10.00", date(2026, month, 5))
    f.payment(c, "5.00", date(2026, month, 6))
    services.statements_generate(year=2026, month=month, customers=[c])
    st = Statement.objects.get(customer=c, month=month)
    st = services.statement_issue(user=personas.hq, statement=st)
    services.statement_dispute(
        user=_customer_user(c), statement=st, lines=[st.lines.first().pk], comment="x"
    )
    f.claim(c, Decimal("10"))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/invoices/",
        "/api/v1/statements/",
        "/api/v1/disputes/",
        "/api/v1/expenses/",
        "/api/v1/payments/",
    ],
)
def test_list_query_count_does_not_grow(personas, api, books, url):
    client = api.as_(personas.hq)
    _add_month(personas, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_month(personas, 2)
    _add_month(personas, 3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def _customer_user(customer):
    from roots.org.tests.factories import UserFactory

    user = customer.__dict__.get("_test_user")
    if user is None:
        user = UserFactory.create(
            username=f"cu_{customer.code}", role="customer_user", customer=customer
        )
        customer.__dict__["_test_user"] = user
    return user
