"""The stock alerts' XLSX export: the alerts the page lists for the user (scope, filters,
order), behind the page's role gate."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import shared_personas
from roots.sellthrough.tests.test_inventory_views import AS_OF, feed  # noqa: F401

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, params: dict[str, str]) -> list[str]:
    html = client.get(reverse("stock-alerts"), params).content.decode()
    return re.findall(r'data-alert="([^"]+)"', html)


def exported(client: Client, params: dict[str, str]) -> list[str]:
    response = client.get(reverse("stock-alerts-export"), params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith('attachment; filename="stock-alerts-')
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    outlet, sku = rows[0].index("Outlet code"), rows[0].index("SKU code")
    return [f"{row[outlet]}/{row[sku]}" for row in rows[1:]]


@pytest.mark.parametrize("role", ["hq", "bm_a", "bm_b", "am_a", "cu_a1", "cu_b1"])
@pytest.mark.parametrize("kind", ["", "stock_out", "overstock"])
def test_export_holds_the_alerts_the_page_lists(personas, feed, role, kind):  # noqa: F811
    params = {**AS_OF, "kind": kind}
    client = browser(getattr(personas, role))
    assert exported(client, params) == listed(client, params)


def test_export_is_scoped_and_filtered(personas, feed):  # noqa: F811
    assert len(exported(browser(personas.hq), AS_OF)) == 2
    assert exported(browser(personas.bm_b), AS_OF) == []
    assert exported(browser(personas.cu_b1), AS_OF) == []
    assert exported(browser(personas.hq), {**AS_OF, "kind": "overstock"}) == ["S1000001/XQG100-HB"]


def test_export_is_gated_like_the_page(personas):
    for role in ("agent", "engineer", "su"):
        client = browser(getattr(personas, role))
        assert client.get(reverse("stock-alerts")).status_code == 403, role
        assert client.get(reverse("stock-alerts-export")).status_code == 403, role


def test_bad_filter_is_a_400(personas):
    response = browser(personas.hq).get(reverse("stock-alerts-export"), {"as_of": "nope"})
    assert response.status_code == 400


def test_alerts_page_offers_the_export(personas, feed):  # noqa: F811
    html = browser(personas.hq).get(reverse("stock-alerts"), AS_OF).content.decode()
    assert f'href="{reverse("stock-alerts-export")}' in html
    assert 'data-testid="stock-alerts-export"' in html
