"""The accounts list's XLSX export (`/finance/` of staff): the customers the list shows the
user, in its order, its search applied; the roles without the list get what the list gives."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import shared_personas
from roots.finance import selectors

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def codes_in(response) -> list[object]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith('attachment; filename="accounts-')
    data = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = data.get_sheet_by_index(0).to_python()
    column = rows[0].index("Customer code")
    return [row[column] for row in rows[1:]]


def test_account_export_holds_the_rows_of_the_list(personas):
    for user in (personas.hq, personas.am_a):
        expected = list(selectors.account_list(user=user).values_list("code", flat=True))
        assert codes_in(client_for(user).get(reverse("account-export"))) == expected
    everything = set(codes_in(client_for(personas.hq).get(reverse("account-export"))))
    own = set(codes_in(client_for(personas.am_a).get(reverse("account-export"))))
    assert personas.cust_a1.code in own and personas.cust_b1.code not in own
    assert own < everything


def test_account_export_applies_the_search(personas):
    response = client_for(personas.hq).get(reverse("account-export"), {"q": personas.cust_b1.code})
    assert codes_in(response) == [personas.cust_b1.code]


def test_account_export_is_gated_like_the_list(personas):
    customer = client_for(personas.cu_a1)  # gets its own account, never the list
    assert b'data-testid="account-table"' not in customer.get(reverse("finance-home")).content
    assert customer.get(reverse("account-export")).status_code == 404
    agent = client_for(personas.agent)
    assert agent.get(reverse("finance-home")).status_code == 403
    assert agent.get(reverse("account-export")).status_code == 403


def test_account_list_offers_the_export(personas):
    html = client_for(personas.am_a).get(reverse("finance-home")).content.decode()
    assert f'href="{reverse("account-export")}' in html and 'data-testid="export"' in html
