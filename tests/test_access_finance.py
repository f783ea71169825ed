"""The access matrix of finance: every endpoint, page, PDF and XLSX of invoices, payments,
expenses, statements and disputes, for every role of `ROLES`, on records inside and outside
its scope.

Rules (docs/finance.md): records follow their customer (`customer_scope`), so a record out
of scope answers 404 to reads, downloads and steps alike; customer users never see drafts.
In scope, a role that never takes a step answers 403 (product managers read only); staff
taking the customer's step (confirm, dispute) are out of turn and answer 409, as does any
step the record's state does not allow. Lists show exactly what the role's scope holds.
List pages answer 403 to roles that do not work with customer accounts (call agents,
engineers, suppliers).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.finance import services
from roots.finance.models import Dispute, Expense, Invoice, Payment, Statement
from roots.finance.tests import factories as f
from tests.test_access_matrix import (
    A1_VIEWERS,
    A2_VIEWERS,
    B1_VIEWERS,
    ROLES,
    _browser,
    _check_roles,
    _isolated,
    xlsx_texts,
)

pytestmark = pytest.mark.django_db
# The personas and the books are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")
API = "/api/v1/"

FINANCE_ROLES = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "pm", "cu_a1", "cu_b1"})
FINANCE_STAFF = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b"})
# Staff who keep each customer's account (write), and the customer's own user.
A1_KEEPERS = frozenset({"hq", "bm_a", "am_a"})
B1_KEEPERS = frozenset({"hq", "bm_b", "am_b"})
A1_STAFF_VIEWERS = A1_VIEWERS - {"cu_a1"}
B1_STAFF_VIEWERS = B1_VIEWERS - {"cu_b1"}


def _month(back: int) -> tuple[int, int]:
    first = timezone.localdate().replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.year, first.month


def _day(back: int, day: int) -> date:
    year, month = _month(back)
    return date(year, month, day)


@dataclass(frozen=True)
class Books:
    """The persona records: label -> (resource, number)."""

    numbers: dict[str, str]

    def __getitem__(self, label: str) -> str:
        return self.numbers[label]


# label -> (API resource, viewers)
RECORDS: dict[str, tuple[str, frozenset[str]]] = {
    "a1_invoice": ("invoices", A1_VIEWERS),
    "a2_invoice": ("invoices", A2_VIEWERS),
    "b1_invoice": ("invoices", B1_VIEWERS),
    "a1_payment": ("payments", A1_VIEWERS),
    "a2_payment": ("payments", A2_VIEWERS),
    "b1_payment": ("payments", B1_VIEWERS),
    "a1_claim": ("expenses", A1_VIEWERS),
    "b1_claim": ("expenses", B1_VIEWERS),
    "a1_issued": ("statements", A1_VIEWERS),
    "a1_disputed": ("statements", A1_VIEWERS),
    "a1_draft": ("statements", A1_STAFF_VIEWERS),
    "a2_issued": ("statements", A2_VIEWERS),
    "b1_issued": ("statements", B1_VIEWERS),
    "b1_disputed": ("statements", B1_VIEWERS),
    "b1_draft": ("statements", B1_STAFF_VIEWERS),
    "a1_dispute": ("disputes", A1_VIEWERS),
    "b1_dispute": ("disputes", B1_VIEWERS),
}


@pytest.fixture(scope="module")
def books(module_personas: Personas, django_db_blocker) -> Books:
    with django_db_blocker.unblock():
        return _books(module_personas)


def _books(personas: Personas) -> Books:
    """For A1 and B1: an invoice and a payment two months ago (statement issued), an
    invoice last month (statement issued and disputed, the dispute open), an invoice three
    months ago (statement left a draft) and a submitted claim. For A2: an invoice, a
    payment and an issued statement two months ago."""
    numbers: dict[str, str] = {}
    users = {"a1": personas.cu_a1, "b1": personas.cu_b1}
    customers = {"a1": personas.cust_a1, "a2": personas.cust_a2, "b1": personas.cust_b1}
    for key, customer in customers.items():
        numbers[f"{key}_invoice"] = f.invoice(customer, "1000.00", _day(2, 3)).number
        numbers[f"{key}_payment"] = f.payment(customer, "400.00", _day(2, 10)).number
        if key != "a2":
            f.invoice(customer, "500.00", _day(1, 5))
            f.invoice(customer, "300.00", _day(3, 5))
            numbers[f"{key}_claim"] = f.claim(customer, "200.00", user=users[key]).number
    for back in (3, 2, 1):
        year, month = _month(back)
        services.statements_generate(year=year, month=month)
    for key, customer in customers.items():
        for back, label in ((2, "issued"), (1, "disputed"), (3, "draft")):
            year, month = _month(back)
            if key == "a2" and label != "issued":
                continue  # A2's later statements stay drafts nobody looks at here
            st = Statement.objects.get(customer=customer, year=year, month=month)
            if label != "draft":
                st = services.statement_issue(user=personas.hq, statement=st)
            if label == "disputed":
                dispute = services.statement_dispute(
                    user=users[key],
                    statement=st,
                    lines=[st.lines.first().pk],
                    comment="这笔发票金额不对",
                )
                numbers[f"{key}_dispute"] = dispute.number
            numbers[f"{key}_{label}"] = st.number
    return Books(numbers)


def by_access(
    viewers: frozenset[str],
    allowed: frozenset[str],
    ok: int,
    *,
    out_of_turn: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """`ok` for `allowed`, 409 for viewers out of turn, 403 for other viewers, 404 for the
    rest."""
    return {
        role: ok
        if role in allowed
        else 409
        if role in out_of_turn and role in viewers
        else 403
        if role in viewers
        else 404
        for role in ROLES
    }


# --- reads ---------------------------------------------------------------------------------
READ_SUFFIXES = {
    "invoices": ["", "history/"],
    "payments": ["", "history/"],
    "expenses": ["", "history/"],
    "statements": ["", "history/", "pdf/", "xlsx/"],
    "disputes": ["", "history/", "messages/"],
}
READS = [
    (label, suffix)
    for label, (resource, _v) in RECORDS.items()
    for suffix in READ_SUFFIXES[resource]
]


@pytest.mark.parametrize(("label", "suffix"), READS, ids=[f"{lb}-{s or 'get'}" for lb, s in READS])
def test_record_reads_answer_viewers_and_404_to_everyone_else(personas, books, label, suffix):
    resource, viewers = RECORDS[label]
    expect = {role: 200 if role in viewers else 404 for role in ROLES}
    _check_roles(personas, "GET", f"{API}{resource}/{books[label]}/{suffix}", expect)


CUSTOMER_VIEWERS = {"C100001": A1_VIEWERS, "C100002": A2_VIEWERS, "C100003": B1_VIEWERS}


@pytest.mark.parametrize("resource", sorted(READ_SUFFIXES))
def test_list_contains_exactly_the_records_in_scope(personas, books, resource):
    """Every persona record the role sees is listed, none it does not see, and every row
    belongs to a customer in the role's scope (customer users: never a draft)."""

    def scoped(role: str, response: Any) -> list[str]:
        rows = response.data["results"]
        got = {row["number"] for row in rows}
        problems = []
        for label, (res, viewers) in RECORDS.items():
            if res != resource:
                continue
            if (role in viewers) != (books[label] in got):
                problems.append(f"{role}: {label} listed={books[label] in got}")
        for row in rows:
            if role not in CUSTOMER_VIEWERS[row["customer"]]:
                problems.append(f"{role}: {row['number']} of {row['customer']} listed")
            if role.startswith("cu_") and row.get("status") == "draft":
                problems.append(f"{role}: draft {row['number']} listed")
        return problems

    _check_roles(personas, "GET", f"{API}{resource}/", dict.fromkeys(ROLES, 200), after=scoped)


@pytest.mark.parametrize("resource", sorted(READ_SUFFIXES))
def test_search_never_finds_records_out_of_scope(personas, books, resource):
    label = next(lb for lb, (res, _v) in RECORDS.items() if res == resource and "b1" in lb)
    viewers = RECORDS[label][1]

    def found(role: str, response: Any) -> list[str]:
        got = {row["number"] for row in response.data["results"]}
        wanted = {books[label]} if role in viewers else set()
        return [] if got == wanted else [f"{role}: search found {sorted(got)}"]

    _check_roles(
        personas,
        "GET",
        f"{API}{resource}/?search={books[label]}",
        dict.fromkeys(ROLES, 200),
        after=found,
    )


def test_missing_records_are_404_for_everyone(personas, books):
    for resource, number in (
        ("invoices", "IV99999999"),
        ("statements", "ST99999999"),
        ("disputes", "DP99999999"),
        ("expenses", "EX99999999"),
        ("payments", "PM99999999"),
    ):
        _check_roles(personas, "GET", f"{API}{resource}/{number}/", dict.fromkeys(ROLES, 404))
    _check_roles(
        personas, "POST", f"{API}statements/ST99999999/confirm/", dict.fromkeys(ROLES, 404), {}
    )
    _check_roles(personas, "GET", f"{API}statements/ST99999999/pdf/", dict.fromkeys(ROLES, 404))


@pytest.mark.parametrize("resource", sorted(READ_SUFFIXES))
def test_edits_and_deletes_are_not_offered(personas, books, resource):
    label = next(lb for lb, (res, _v) in RECORDS.items() if res == resource)
    url = f"{API}{resource}/{books[label]}/"
    _check_roles(personas, "PATCH", url, dict.fromkeys(ROLES, 405), {"note": "x"})
    _check_roles(personas, "DELETE", url, dict.fromkeys(ROLES, 405))


def test_statement_pdf_and_xlsx_hold_the_customer_for_its_viewers(personas, books):
    number = books["a1_issued"]
    problems = []
    for role in ROLES:
        for kind in ("pdf", "xlsx"):
            response = _browser(personas, role).get(f"/statements/{number}/{kind}/")
            wanted = 200 if role in A1_VIEWERS else 404
            if response.status_code != wanted:
                problems.append(f"{role}: {kind} answered {response.status_code}")
                continue
            if wanted != 200:
                continue
            if kind == "xlsx":
                texts = " ".join(xlsx_texts(response.content))
            elif shutil.which("pdftotext"):
                texts = subprocess.run(
                    ["pdftotext", "-", "-"], input=response.content, capture_output=True
                ).stdout.decode()
            else:  # pragma: no cover - poppler-utils missing
                texts = "国美电器青岛有限公司" if response.content.startswith(b"%PDF") else ""
            if "国美电器青岛有限公司" not in texts or "大中电器" in texts:
                problems.append(f"{role}: {kind} lacks A1 or shows B1")
    assert not problems, "\n".join(problems)


# --- creates -------------------------------------------------------------------------------
def _claim_body(**extra: Any) -> dict[str, Any]:
    return {
        "activity": "店庆堆头",
        "period_start": "2026-05-01",
        "period_end": "2026-05-07",
        "amount": "120.00",
        **extra,
    }


CREATES = [
    (
        "payment-a1",
        "payments",
        {"customer": "C100001", "amount": "100.00"},
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(A1_KEEPERS, 201)
        | dict.fromkeys(["am_a2", "bm_b", "am_b"], 400),
        "Payment",
    ),
    (
        "payment-b1",
        "payments",
        {"customer": "C100003", "amount": "100.00"},
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(B1_KEEPERS, 201)
        | dict.fromkeys(["am_a", "am_a2", "bm_a"], 400),
        "Payment",
    ),
    (
        "claim-a1",
        "expenses",
        _claim_body(customer="C100001"),
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys([*A1_KEEPERS, "cu_a1"], 201)
        | dict.fromkeys(["am_a2", "bm_b", "am_b", "cu_b1"], 400),
        "Expense",
    ),
    (
        "claim-own-company",
        "expenses",
        _claim_body(),
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(["cu_a1", "cu_b1"], 201)
        | dict.fromkeys(FINANCE_STAFF, 400),
        "Expense",
    ),
    (
        "rebate-a1",
        "expenses",
        _claim_body(customer="C100001", kind="rebate"),
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(A1_KEEPERS, 201)
        | dict.fromkeys(["am_a2", "bm_b", "am_b", "cu_b1"], 400),
        "Expense",
    ),
]


@pytest.mark.parametrize(
    ("label", "resource", "body", "expect", "model"), CREATES, ids=[c[0] for c in CREATES]
)
def test_create_by_role(personas, books, label, resource, body, expect, model):
    counted = {"Payment": Payment.objects.count, "Expense": Expense.objects.count}[model]
    before = counted()

    def written(role: str, response: Any) -> list[str]:
        grew = counted() - before
        if (response.status_code == 201) != (grew == 1):
            return [f"{role}: {response.status_code} and {grew} rows written"]
        return []

    _check_roles(personas, "POST", f"{API}{resource}/", expect, body, after=written)


# --- steps ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    label: str
    resource: str
    record: str
    action: str
    body: Mapping[str, Any]
    expect: Callable[[], dict[str, int]]
    after_status: str
    page_body: Mapping[str, Any] | None = None


def _status_of(resource: str, number: str) -> str:
    model = {"statements": Statement, "disputes": Dispute, "expenses": Expense}[resource]
    return model.objects.get(number=number).status


DISPUTE_BODY = {"lines": [], "comment": "不对"}
STEPS = [
    Step("confirm-a1-issued", "statements", "a1_issued", "confirm", {},
         lambda: by_access(A1_VIEWERS, frozenset({"cu_a1"}), 200, out_of_turn=A1_STAFF_VIEWERS),
         "confirmed"),
    Step("confirm-b1-issued", "statements", "b1_issued", "confirm", {},
         lambda: by_access(B1_VIEWERS, frozenset({"cu_b1"}), 200, out_of_turn=B1_STAFF_VIEWERS),
         "confirmed"),
    # An open dispute: nobody may confirm.
    Step("confirm-a1-disputed", "statements", "a1_disputed", "confirm", {},
         lambda: by_access(A1_VIEWERS, frozenset(), 0, out_of_turn=A1_VIEWERS), "disputed"),
    Step("dispute-a1-issued", "statements", "a1_issued", "dispute", DISPUTE_BODY,
         lambda: by_access(A1_VIEWERS, frozenset({"cu_a1"}), 201, out_of_turn=A1_STAFF_VIEWERS),
         "disputed"),
    Step("dispute-b1-issued", "statements", "b1_issued", "dispute", DISPUTE_BODY,
         lambda: by_access(B1_VIEWERS, frozenset({"cu_b1"}), 201, out_of_turn=B1_STAFF_VIEWERS),
         "disputed"),
    Step("issue-a1-draft", "statements", "a1_draft", "issue", {},
         lambda: by_access(A1_STAFF_VIEWERS, A1_KEEPERS, 200), "issued"),
    Step("issue-b1-draft", "statements", "b1_draft", "issue", {},
         lambda: by_access(B1_STAFF_VIEWERS, B1_KEEPERS, 200), "issued"),
    Step("issue-a1-issued", "statements", "a1_issued", "issue", {},
         lambda: by_access(A1_VIEWERS, frozenset(), 0, out_of_turn=A1_KEEPERS), "issued"),
    Step("answer-a1", "disputes", "a1_dispute", "answer", {"answer": "已核对"},
         lambda: by_access(A1_VIEWERS, A1_KEEPERS, 200), "answered"),
    Step("answer-b1", "disputes", "b1_dispute", "answer", {"answer": "已核对"},
         lambda: by_access(B1_VIEWERS, B1_KEEPERS, 200), "answered"),
    # The customer closes at any time; staff only once it is answered (409 now).
    Step("close-a1", "disputes", "a1_dispute", "close", {},
         lambda: by_access(A1_VIEWERS, frozenset({"cu_a1"}), 200, out_of_turn=A1_KEEPERS),
         "closed"),
    Step("message-a1", "disputes", "a1_dispute", "messages", {"body": "请看附件"},
         lambda: by_access(A1_VIEWERS, A1_KEEPERS | {"cu_a1"}, 201), "",
         page_body=None),
    Step("approve-a1", "expenses", "a1_claim", "approve", {},
         lambda: by_access(A1_VIEWERS, A1_KEEPERS, 200), "approved"),
    Step("approve-b1", "expenses", "b1_claim", "approve", {},
         lambda: by_access(B1_VIEWERS, B1_KEEPERS, 200), "approved"),
    Step("reject-a1", "expenses", "a1_claim", "reject", {"note": "缺发票"},
         lambda: by_access(A1_VIEWERS, A1_KEEPERS, 200), "rejected"),
]  # fmt: skip

# Page forms post to `<prefix>/<number>/<action>/` with the same fields, except messages.
PAGE_PREFIX = {"statements": "/statements", "disputes": "/disputes", "expenses": "/expenses"}
PAGE_ACTION = {"messages": "message"}
PAGE_FIELDS = {"messages": {"body": "请看附件"}}


def _after_ok(step: Step, now: str, before: str) -> bool:
    if step.action == "messages":
        return True  # a message may reopen or answer; the thread is checked elsewhere
    if step.action == "approve":
        return now in ("approved", "credited")
    return now == step.after_status


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.label)
def test_api_step_by_role(personas, books, step):
    number = books[step.record]
    before = _status_of(step.resource, number)

    def state(role: str, response: Any) -> list[str]:
        now = _status_of(step.resource, number)
        ok = response.status_code in (200, 201)
        if (ok and not _after_ok(step, now, before)) or (not ok and now != before):
            return [f"{role}: {response.status_code} left {now}"]
        return []

    _check_roles(
        personas,
        "POST",
        f"{API}{step.resource}/{number}/{step.action}/",
        step.expect(),
        dict(step.body),
        after=state,
    )


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.label)
def test_page_step_by_role(personas, books, step):
    number = books[step.record]
    before = _status_of(step.resource, number)
    model = {"statements": Statement, "disputes": Dispute, "expenses": Expense}[step.resource]
    data: dict[str, Any] = {"version": str(model.objects.get(number=number).version)}
    data.update(PAGE_FIELDS.get(step.action, step.body))
    action = PAGE_ACTION.get(step.action, step.action)
    url = f"{PAGE_PREFIX[step.resource]}/{number}/{action}/"
    expect = {r: 302 if code in (200, 201) else code for r, code in step.expect().items()}
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> tuple[int, str]:
            response = _browser(personas, role).post(url, data)
            return response.status_code, _status_of(step.resource, number)

        status, now = _isolated(attempt)
        if status != expect[role]:
            problems.append(f"{role}: POST {url} answered {status}, expected {expect[role]}")
        elif (status == 302 and not _after_ok(step, now, before)) or (
            status != 302 and now != before
        ):
            problems.append(f"{role}: page answered {status} and left {now}")
    assert not problems, "\n".join(problems)


# --- pages ---------------------------------------------------------------------------------
def _list_page(path: str) -> tuple[str, Callable[[Books], str], Callable[[], dict[str, int]]]:
    return (
        path.strip("/").replace("/", "-") or "finance",
        lambda b: path,
        lambda: {r: 200 if r in FINANCE_ROLES else 403 for r in ROLES},
    )


def _record_pages() -> list[tuple[str, Callable[[Books], str], Callable[[], dict[str, int]]]]:
    pages = []
    for label, (resource, viewers) in RECORDS.items():
        if resource == "payments":
            continue  # payments are shown on the account page, not on a page of their own
        suffixes = ["", "pdf/", "xlsx/"] if resource == "statements" else [""]
        ok = 302 if resource == "disputes" else 200  # a dispute lives on its statement
        for suffix in suffixes:
            pages.append(
                (
                    f"{label}-{suffix.strip('/') or 'page'}",
                    lambda b, r=resource, lb=label, s=suffix: f"/{r}/{b[lb]}/{s}",
                    lambda v=viewers, ok=ok: {r: ok if r in v else 404 for r in ROLES},
                )
            )
    return pages


PAGES: list[tuple[str, Callable[[Books], str], Callable[[], dict[str, int]]]] = [
    _list_page("/finance/"),
    _list_page("/invoices/"),
    _list_page("/statements/"),
    _list_page("/disputes/"),
    _list_page("/expenses/"),
    ("account-a1", lambda b: "/finance/?customer=C100001",
     lambda: {r: 200 if r in A1_VIEWERS else 404 if r in FINANCE_ROLES else 403 for r in ROLES}),
    ("account-b1", lambda b: "/finance/?customer=C100003",
     lambda: {r: 200 if r in B1_VIEWERS else 404 if r in FINANCE_ROLES else 403 for r in ROLES}),
    ("payment-new", lambda b: "/finance/payments/new/",
     lambda: {r: 200 if r in FINANCE_STAFF else 403 for r in ROLES}),
    ("payment-new-a1", lambda b: "/finance/payments/new/?customer=C100001",
     lambda: {r: 200 if r in A1_KEEPERS else 404 if r in FINANCE_STAFF else 403 for r in ROLES}),
    ("claim-new", lambda b: "/expenses/new/",
     lambda: {r: 200 if r in FINANCE_STAFF | {"cu_a1", "cu_b1"} else 403 for r in ROLES}),
    ("rebate-new", lambda b: "/expenses/rebate/",
     lambda: {r: 200 if r in FINANCE_STAFF else 403 for r in ROLES}),
    *_record_pages(),
]  # fmt: skip


@pytest.mark.parametrize(("label", "url", "expect"), PAGES, ids=[p[0] for p in PAGES])
def test_page_status_by_role(personas, books, label, url, expect):
    wanted = expect()
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url(books)).status_code
        if status != wanted[role]:
            problems.append(f"{role}: GET {url(books)} answered {status}, expected {wanted[role]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("label", "url", "expect"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(personas, books, label, url, expect):
    response = _browser(personas, None).get(url(books))
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


LIST_PAGES = {
    "/invoices/": ("invoices", r"IV\d{8}"),
    "/statements/": ("statements", r"ST\d{8}"),
    "/disputes/": ("disputes", r"DP\d{8}"),
    "/expenses/": ("expenses", r"EX\d{8}"),
}


@pytest.mark.parametrize("path", sorted(LIST_PAGES))
def test_list_page_shows_exactly_the_records_in_scope(personas, books, path):
    resource, pattern = LIST_PAGES[path]
    problems = []
    for role in sorted(FINANCE_ROLES):
        html = _browser(personas, role).get(path).content.decode()
        found = set(re.findall(pattern, html))
        labelled = {
            books[label]: viewers for label, (res, viewers) in RECORDS.items() if res == resource
        }
        got = found & set(labelled)
        wanted = {number for number, viewers in labelled.items() if role in viewers}
        if got != wanted:
            problems.append(f"{role}: {path} lists {sorted(got)}, expected {sorted(wanted)}")
        model = {
            "invoices": Invoice,
            "statements": Statement,
            "disputes": Dispute,
            "expenses": Expense,
        }[resource]
        for number in found:
            record = model.objects.filter(number=number).select_related("customer").first()
            if record is not None and role not in CUSTOMER_VIEWERS[record.customer.code]:
                problems.append(f"{role}: {path} shows {number} of {record.customer.code}")
    assert not problems, "\n".join(problems)


def test_account_list_shows_exactly_the_customers_in_scope(personas, books):
    codes = {"C100001": A1_VIEWERS, "C100002": A2_VIEWERS, "C100003": B1_VIEWERS}
    problems = []
    for role in sorted(FINANCE_STAFF | {"pm"}):
        html = _browser(personas, role).get("/finance/").content.decode()
        got = {c for c in codes if f"customer={c}" in html}
        wanted = {c for c, viewers in codes.items() if role in viewers}
        if got != wanted:
            problems.append(f"{role}: accounts {sorted(got)}, expected {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_anonymous_gets_401_from_every_endpoint(personas, books):
    client = APIClient()
    requests: list[tuple[str, str]] = []
    for resource in READ_SUFFIXES:
        requests += [("GET", f"{API}{resource}/")]
    requests += [("POST", f"{API}payments/"), ("POST", f"{API}expenses/")]
    for label, (resource, _v) in RECORDS.items():
        requests += [
            ("GET", f"{API}{resource}/{books[label]}/{s}") for s in READ_SUFFIXES[resource]
        ]
    requests += [("POST", f"{API}{s.resource}/{books[s.record]}/{s.action}/") for s in STEPS]
    problems = [
        f"{method} {url}: {status}"
        for method, url in requests
        if (status := getattr(client, method.lower())(url, {}, format="json").status_code) != 401
    ]
    assert not problems, "\n".join(problems)
