"""The finance lists' XLSX exports (invoices, statements, disputes, rebates and expenses:
scoped, filtered) and the statement's dispute form (D32)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import shared_personas
from roots.finance import services
from roots.finance.models import Dispute, Statement
from roots.finance.tests import factories as f

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def customers_in(response) -> set[object]:
    assert response.status_code == 200, response.status_code
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    data = rows.to_python()
    column = data[0].index("Customer code")
    return {row[column] for row in data[1:]}


@pytest.fixture
def books(personas):
    for customer in (personas.cust_a1, personas.cust_b1):
        f.invoice(customer, "1000.00", date(2026, 4, 10), due_date=date(2026, 5, 10))
        f.payment(customer, "400.00", date(2026, 5, 15))
        f.claim(customer)
    services.statements_generate(year=2026, month=5)
    for st in Statement.objects.all():
        services.statement_issue(user=personas.hq, statement=st)
    for st in Statement.objects.all():
        line = st.lines.first()
        user = personas.cu_a1 if st.customer == personas.cust_a1 else personas.cu_b1
        services.statement_dispute(user=user, statement=st, lines=[line.pk], comment="金额不对")
    return Statement.objects.get(customer=personas.cust_a1)


@pytest.mark.parametrize(
    "name", ["invoice-export", "statement-export", "dispute-export", "expense-export"]
)
def test_exports_hold_only_the_rows_in_scope(personas, books, name):
    assert customers_in(client_for(personas.hq).get(reverse(name))) == {"C100001", "C100003"}
    assert customers_in(client_for(personas.am_a).get(reverse(name))) == {"C100001"}
    assert customers_in(client_for(personas.cu_b1).get(reverse(name))) == {"C100003"}
    filtered = client_for(personas.hq).get(reverse(name), {"customer": "C100003"})
    assert customers_in(filtered) == {"C100003"}
    assert client_for(personas.agent).get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "page,export",
    [
        ("invoice-list", "invoice-export"),
        ("statement-list", "statement-export"),
        ("dispute-list", "dispute-export"),
        ("expense-list", "expense-export"),
    ],
)
def test_list_pages_offer_their_export(personas, books, page, export):
    html = client_for(personas.am_a).get(reverse(page)).content.decode()
    assert f'href="{reverse(export)}' in html and 'data-testid="export"' in html


def test_invoice_export_amounts_are_numbers(personas, books):
    response = client_for(personas.am_a).get(reverse("invoice-export"))
    data = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = data.to_python()
    assert rows[1][rows[0].index("Amount (CNY)")] == 1000.0


# --- D32: the dispute form ---------------------------------------------------------------------
def test_dispute_form_posts_to_the_statement_page_and_a_refusal_stays_there(personas, books):
    st = Statement.objects.get(customer=personas.cust_a1)
    Dispute.objects.all().delete()
    client = client_for(personas.cu_a1)
    url = reverse("statement-detail", args=[st.number])
    html = client.get(url).content.decode()
    assert f'action="{url}" id="dispute-form"' in html
    assert "Raise a dispute" in html
    line = st.lines.first()
    refused = client.post(url, {"lines": [line.pk], "comment": ""})
    assert refused.status_code == 400
    assert refused.request["PATH_INFO"] == url
    assert 'data-testid="dispute-form"' in refused.content.decode()
    assert not Dispute.objects.exists()
    sent = client.post(
        url,
        {
            "lines": [line.pk],
            "comment": "金额不对",
            "version": Statement.objects.get(pk=st.pk).version,
        },
    )
    assert sent.status_code == 302 and sent["Location"] == url
    assert Dispute.objects.count() == 1
