"""Statement lines generated while Chinese is active read in each reader's language (ux
review D3): the page, the API and the XLSX; lines stored as words before this change are
read back by the data migration. Payment terms are shown in the reader's language too."""

from __future__ import annotations

import importlib
import io
import zipfile
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import shared_personas
from roots.finance import services
from roots.finance.models import ExpenseKind, PaymentMethod, Statement, StatementLine
from roots.finance.tests import factories as f

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

migration = importlib.import_module("roots.finance.migrations.0003_statement_line_generated_text")


def client_for(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def statement(personas, make_order):
    """A1's statement of May 2026 made with Chinese active: an invoice of an order, a bank
    transfer with its reference, and a rebate."""
    customer = personas.cust_a1
    customer.credit_limit = 100000
    customer.save()
    invoice = f.invoice(customer, "1000.00", date(2026, 5, 3))
    invoice.order = make_order(customer)
    invoice.save()
    f.payment(customer, "500.00", date(2026, 5, 15), method=PaymentMethod.BANK_TRANSFER,
              reference="HD2026051501")  # fmt: skip
    f.credit(customer, "100.00", date(2026, 5, 20), kind=ExpenseKind.REBATE)
    with translation.override("zh-hans"):
        services.statements_generate(year=2026, month=5)
        st = Statement.objects.get(customer=customer)
        services.statement_issue(user=personas.hq, statement=st)
    return Statement.objects.get(pk=st.pk)


def test_lines_keep_the_words_and_the_message(statement):
    lines = list(statement.lines.order_by("line_no"))
    assert [line.description for line in lines] == [
        f"订单 {statement.lines.first().description_text['params']['number']}",
        "银行转账 HD2026051501",
        "返利: Q1 volume rebate",
    ]
    assert lines[0].description_text["id"] == "finance.line.order"


def test_the_statement_page_reads_in_english_and_spanish(personas, statement):
    url = reverse("statement-detail", args=[statement.number])
    english = client_for(personas.am_a, "en").get(url).content.decode()
    assert "Bank transfer HD2026051501" in english
    assert "Rebate: Q1 volume rebate" in english
    assert "Order SO" in english
    assert "银行转账" not in english and "订单 SO" not in english
    spanish = client_for(personas.cu_a1, "es").get(url).content.decode()
    assert "Transferencia bancaria HD2026051501" in spanish
    assert "Bonificación: Q1 volume rebate" in spanish
    assert "Pedido SO" in spanish


def test_the_api_answers_lines_in_the_readers_language(personas, statement):
    data = client_for(personas.cu_a1, "es").get(f"/api/v1/statements/{statement.number}/")
    descriptions = [line["description"] for line in data.json()["lines"]]
    assert "Transferencia bancaria HD2026051501" in descriptions
    data = client_for(personas.am_a, "en").get(f"/api/v1/statements/{statement.number}/")
    assert "Bank transfer HD2026051501" in [line["description"] for line in data.json()["lines"]]


def test_the_xlsx_is_in_the_readers_language(personas, statement):
    url = reverse("statement-xlsx", args=[statement.number])
    response = client_for(personas.cu_a1, "es").get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Transferencia bancaria HD2026051501" in strings
    assert "银行转账" not in strings


def test_payment_terms_read_in_the_readers_language(personas):
    from roots.customers import services as customer_services

    customer = customer_services.customer_update(
        user=personas.hq, customer=personas.cust_a1, data={"payment_terms": "票到60天付款"}
    )
    assert customer.payment_terms_text == {
        "id": "customers.terms.net",
        "params": {"days": 60},
    }
    assert services.payment_days(customer) == 60
    url = reverse("finance-home") + f"?customer={customer.code}"
    assert "Neto 60 días" in client_for(personas.cu_a1, "es").get(url).content.decode()
    assert "Net 60 days" in client_for(personas.am_a, "en").get(url).content.decode()
    with translation.override("en"):
        assert customer.get_payment_terms_display() == "Net 60 days"


# --- the data migration ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "words", "expected"),
    [
        ("invoice", "订单 SO00000331", {"id": "finance.line.order",
                                        "params": {"number": "SO00000331"}}),
        ("invoice", "Order SO00000331", {"id": "finance.line.order",
                                         "params": {"number": "SO00000331"}}),
        ("payment", "银行转账 HD123", {"join": [
            {"t": "choice", "e": "roots.finance.models.PaymentMethod", "v": "bank_transfer"},
            "HD123"], "sep": "space"}),
        ("payment", "银行承兑汇票", {"join": [
            {"t": "choice", "e": "roots.finance.models.PaymentMethod", "v": "acceptance_bill"}],
            "sep": "space"}),
        ("credit", "市场费用: 春节堆头", {"join": [
            {"t": "choice", "e": "roots.finance.models.ExpenseKind", "v": "marketing_expense"},
            "春节堆头"], "sep": "colon"}),
        ("payment", "支付宝 123", None),
        ("invoice", "", None),
    ],
)  # fmt: skip
def test_the_migration_reads_statement_lines(kind, words, expected):
    assert migration.read_line(kind, words) == expected


def test_the_migration_backfills_lines(statement):
    from django.apps import apps

    StatementLine.objects.filter(statement=statement).update(description_text={})
    migration.forwards(apps, None)
    line = StatementLine.objects.get(statement=statement, kind="payment")
    with translation.override("en"):
        assert line.get_description_display() == "Bank transfer HD2026051501"
