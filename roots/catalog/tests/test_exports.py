"""The catalog lists' XLSX exports (products, promotions, price lists, customer prices):
each holds exactly the rows its list page shows the user (scope and filters), and a role
without the list gets what the list gives it."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from roots.catalog.models import Promotion
from roots.catalog.tests.factories import CustomerPriceFactory, SkuFactory
from roots.customers.models import ChannelType

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ROLES = ["hq", "pm", "bm_a", "am_a", "agent", "engineer", "cu_a1", "cu_b1", "su"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet(response) -> list[list[object]]:
    assert response.status_code == 200, response.status_code
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()  # type: ignore[return-value]


def column(response, title: str) -> list[object]:
    rows = sheet(response)
    index = rows[0].index(title)
    return [row[index] for row in rows[1:]]


def _page_rows(name: str, response) -> list[object]:
    context = response.context
    if name == "catalog-list":
        return [card.sku.code for card in context["cards"]]
    if name == "promotion-list":
        return [row["promotion"].code for row in context["rows"]]
    if name == "price-list-list":
        return [row["price_list"].code for row in context["rows"]]
    return [f"{row['price'].customer.code}/{row['price'].sku.code}" for row in context["rows"]]


def _export_rows(name: str, response) -> list[object]:
    if name == "customer-price-export":
        rows = sheet(response)
        customer, sku = rows[0].index("Customer code"), rows[0].index("SKU")
        return [f"{row[customer]}/{row[sku]}" for row in rows[1:]]
    return column(response, "Code")


@pytest.fixture
def catalog(personas):
    today = timezone.localdate()
    SkuFactory.create(code="KFR-35GW-X1", name="空调 X1")
    for code, extra in [
        ("ALL", {}),
        ("MC", {"channel_types": [ChannelType.MULTINATIONAL_CHAIN]}),
        ("DRAFT", {"is_published": False}),
        ("OLD", {"valid_from": date(2020, 1, 1), "valid_to": date(2020, 2, 1)}),
    ]:
        values = {
            "name": f"促销{code}",
            "valid_from": today - timedelta(days=1),
            "valid_to": today + timedelta(days=10),
            "discount_percent": Decimal(5),
            "is_published": True,
            **extra,
        }
        Promotion.objects.create(code=code, **values)
    CustomerPriceFactory.create(customer=personas.cust_a2, sku=personas.sku)
    return personas


@pytest.mark.parametrize(
    "page,export,params",
    [
        ("catalog-list", "catalog-export", {}),
        ("catalog-list", "catalog-export", {"q": "KFR"}),
        ("promotion-list", "promotion-export", {}),
        ("promotion-list", "promotion-export", {"show": "all", "q": "促销"}),
        ("price-list-list", "price-list-export", {}),
        ("price-list-list", "price-list-export", {"show": "all"}),
        ("customer-price-list", "customer-price-export", {}),
        ("customer-price-list", "customer-price-export", {"customer": "C100001"}),
    ],
)
def test_export_holds_the_rows_the_list_shows(catalog, page, export, params):
    for role in ROLES:
        client = client_for(getattr(catalog, role))
        listed = client.get(reverse(page), params)
        exported = client.get(reverse(export), params)
        if listed.status_code != 200:  # no list, no export
            assert exported.status_code == listed.status_code, role
            continue
        assert exported["Content-Type"].startswith("application/vnd.openxmlformats"), role
        assert _export_rows(export, exported) == _page_rows(page, listed), role


def test_exports_are_scoped_and_filtered(catalog):
    hq, cu_a1 = client_for(catalog.hq), client_for(catalog.cu_a1)
    codes = column(cu_a1.get(reverse("customer-price-export")), "Customer code")
    assert codes == [catalog.cust_a1.code]
    everyone = column(hq.get(reverse("customer-price-export")), "Customer code")
    assert set(everyone) == {catalog.cust_a1.code, catalog.cust_a2.code, catalog.cust_b1.code}
    own_branch = column(
        client_for(catalog.am_a).get(reverse("customer-price-export")), "Customer code"
    )
    assert catalog.cust_b1.code not in own_branch
    # a customer user: the promotions running for its channel, never drafts
    assert "DRAFT" not in column(cu_a1.get(reverse("promotion-export")), "Code")
    assert "DRAFT" in column(hq.get(reverse("promotion-export")), "Code")
    assert column(hq.get(reverse("catalog-export"), {"q": "KFR"}), "Code") == ["KFR-35GW-X1"]
    # the customer user's own price is a column of its product export
    rows = sheet(cu_a1.get(reverse("catalog-export")))
    assert (
        "Your price (CNY)" in rows[0]
        and "Your price (CNY)" not in sheet(hq.get(reverse("catalog-export")))[0]
    )


@pytest.mark.parametrize(
    "page,export",
    [
        ("catalog-list", "catalog-export"),
        ("promotion-list", "promotion-export"),
        ("price-list-list", "price-list-export"),
        ("customer-price-list", "customer-price-export"),
    ],
)
def test_list_pages_offer_their_export(catalog, page, export):
    html = client_for(catalog.am_a).get(reverse(page)).content.decode()
    assert f'href="{reverse(export)}' in html and 'data-testid="export"' in html
