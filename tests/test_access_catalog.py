"""The access matrix of the catalog maintenance pages (review 2026-12, D21): product models,
SKUs, regional variants, channel price lists and their items, customer-specific prices.

Rules, the same as the API's (`tests/test_access_matrix.py`, `CATALOG_*`): every staff role
and customer users read the catalog; staff who sell read every price list and a customer user
its channel type's; customer-specific prices are seen with their customer. Headquarters and
product managers (`policies.can_edit_catalog`) create and change all of it. A page of a record
outside the role's scope answers 404, an edit page of a record in scope that the role may not
change 403, and a create page 403 to every other role; list pages answer 403 to the roles that
see no prices (call agents, engineers, suppliers). Writes by POST follow the same table and
change nothing when refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import Personas, shared_personas
from roots.catalog.models import CustomerPrice, PriceListItem, RegionalVariant, Sku
from tests.test_access_matrix import (
    A1_VIEWERS,
    B1_VIEWERS,
    CATALOG_EDITORS,
    CATALOG_VIEWERS,
    PRICE_STAFF,
    ROLES,
    Page,
    _browser,
    _fixed,
    _isolated,
    _page_by_access,
)

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

PRICE_READERS = PRICE_STAFF | {"cu_a1", "cu_b1"}
CREATE = {r: 200 if r in CATALOG_EDITORS else 403 for r in ROLES}
LIST = {r: 200 if r in PRICE_READERS else 403 for r in ROLES}
LIST_MC = PRICE_STAFF | {"cu_a1"}  # PL-MC: A1's channel type (multinational chains)
LIST_LC = PRICE_STAFF | {"cu_b1"}  # PL-LC: B1's (local chains)


def _item_url(code: str, suffix: str) -> Callable[[Personas], str]:
    def url(p: Personas) -> str:
        item = PriceListItem.objects.get(price_list__code=code, sku=p.sku)
        return f"/price-list-items/{item.pk}/{suffix}"

    return url


def _price_url(label: str, suffix: str) -> Callable[[Personas], str]:
    return lambda p: f"/customer-prices/{getattr(p, label).pk}/{suffix}"


def _variant_url(p: Personas) -> str:
    variant, _created = RegionalVariant.objects.get_or_create(
        product_model=p.sku.product_model, region="华南", defaults={"features": "防潮"}
    )
    return f"/catalog/variants/{variant.pk}/edit/"


PAGES: list[Page] = [
    Page("sku-new", _fixed("/catalog/new/"), CREATE),
    Page("product-model-new", _fixed("/catalog/models/new/"), CREATE),
    Page("price-list-new", _fixed("/price-lists/new/"), CREATE),
    Page("customer-price-new", _fixed("/customer-prices/new/"), CREATE),
    Page("sku-edit", _fixed("/catalog/BCD-216STPT-W/edit/"),
         _page_by_access(CATALOG_VIEWERS, CATALOG_EDITORS)),
    Page("product-model-edit", _fixed("/catalog/models/BCD-216STPT/edit/"),
         _page_by_access(CATALOG_VIEWERS, CATALOG_EDITORS)),
    Page("variant-new", _fixed("/catalog/models/BCD-216STPT/variants/new/"),
         _page_by_access(CATALOG_VIEWERS, CATALOG_EDITORS)),
    Page("variant-edit", _variant_url, _page_by_access(CATALOG_VIEWERS, CATALOG_EDITORS)),
    Page("price-lists", _fixed("/price-lists/"), LIST),
    Page("customer-prices", _fixed("/customer-prices/"), LIST),
    Page("price-list-PL-MC", _fixed("/price-lists/PL-MC/"), _page_by_access(LIST_MC, None)),
    Page("price-list-PL-LC", _fixed("/price-lists/PL-LC/"), _page_by_access(LIST_LC, None)),
    Page("price-list-PL-MC-edit", _fixed("/price-lists/PL-MC/edit/"),
         _page_by_access(LIST_MC, CATALOG_EDITORS)),
    Page("price-list-PL-LC-edit", _fixed("/price-lists/PL-LC/edit/"),
         _page_by_access(LIST_LC, CATALOG_EDITORS)),
    Page("price-list-PL-MC-item-new", _fixed("/price-lists/PL-MC/items/new/"),
         _page_by_access(LIST_MC, CATALOG_EDITORS)),
    Page("price-list-PL-MC-item-edit", _item_url("PL-MC", "edit/"),
         _page_by_access(LIST_MC, CATALOG_EDITORS)),
    Page("price-list-PL-LC-item-edit", _item_url("PL-LC", "edit/"),
         _page_by_access(LIST_LC, CATALOG_EDITORS)),
    Page("customer-price-a1", _price_url("price_a1", ""), _page_by_access(A1_VIEWERS, None)),
    Page("customer-price-b1", _price_url("price_b1", ""), _page_by_access(B1_VIEWERS, None)),
    Page("customer-price-a1-edit", _price_url("price_a1", "edit/"),
         _page_by_access(A1_VIEWERS, CATALOG_EDITORS)),
    Page("customer-price-b1-edit", _price_url("price_b1", "edit/"),
         _page_by_access(B1_VIEWERS, CATALOG_EDITORS)),
]  # fmt: skip


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.label)
def test_page_status_by_role(personas, page):
    url = page.url(personas)
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url).status_code
        if status != page.expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {page.expect[role]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.label)
def test_anonymous_is_sent_to_login(personas, page):
    response = Client().get(page.url(personas))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# --- writes ----------------------------------------------------------------------------------
def _sku_form(p: Personas) -> dict[str, Any]:
    return {
        "product_model": p.sku.product_model.code,
        "name": p.sku.name,
        "energy_class": "1",
        "list_price": "1.00",
        "is_active": "on",
    }


def _sku_changed(p: Personas) -> bool:
    return Sku.objects.get(pk=p.sku.pk).list_price == Decimal("1.00")


def _item(p: Personas, code: str) -> PriceListItem | None:
    return PriceListItem.objects.filter(price_list__code=code, sku=p.sku).first()


WRITES: list[tuple[str, Callable[[Personas], str], Callable[[Personas], dict[str, Any]],
                   dict[str, int], Callable[[Personas], bool]]] = [
    ("sku-create", _fixed("/catalog/new/"),
     lambda p: {**_sku_form(p), "code": "NEW-SKU-1"},
     {r: 302 if r in CATALOG_EDITORS else 403 for r in ROLES},
     lambda p: Sku.objects.filter(code="NEW-SKU-1").exists()),
    ("sku-edit", _fixed("/catalog/BCD-216STPT-W/edit/"), _sku_form,
     _page_by_access(CATALOG_VIEWERS, CATALOG_EDITORS) | dict.fromkeys(CATALOG_EDITORS, 302),
     _sku_changed),
    ("price-list-item-add", _fixed("/price-lists/PL-LC/items/new/"),
     lambda p: {"sku": "EXTRA-SKU", "price": "9.00"},
     _page_by_access(LIST_LC, CATALOG_EDITORS) | dict.fromkeys(CATALOG_EDITORS, 302),
     lambda p: PriceListItem.objects.filter(sku__code="EXTRA-SKU").exists()),
    ("price-list-item-remove", _item_url("PL-MC", "delete/"), lambda p: {},
     _page_by_access(LIST_MC, CATALOG_EDITORS) | dict.fromkeys(CATALOG_EDITORS, 302),
     lambda p: _item(p, "PL-MC") is None),
    ("customer-price-end-b1", _price_url("price_b1", "end/"),
     lambda p: {"valid_to": "2026-12-31"},
     _page_by_access(B1_VIEWERS, CATALOG_EDITORS) | dict.fromkeys(CATALOG_EDITORS, 302),
     lambda p: CustomerPrice.objects.get(pk=p.price_b1.pk).valid_to is not None),
    ("customer-price-edit-a1", _price_url("price_a1", "edit/"),
     lambda p: {"price": "1.00", "valid_from": "2026-01-01", "valid_to": ""},
     _page_by_access(A1_VIEWERS, CATALOG_EDITORS) | dict.fromkeys(CATALOG_EDITORS, 302),
     lambda p: CustomerPrice.objects.get(pk=p.price_a1.pk).price == Decimal("1.00")),
]  # fmt: skip


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w[0])
def test_writes_by_role_change_the_record_only_for_editors(personas, write):
    from roots.catalog.tests.factories import SkuFactory

    label, url, body, expect, changed = write
    SkuFactory.create(code="EXTRA-SKU", product_model=personas.sku.product_model)
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> tuple[int, bool]:
            response = _browser(personas, role).post(url(personas), body(personas))
            return response.status_code, changed(personas)

        status, done = _isolated(attempt)
        if status != expect[role] or done != (expect[role] == 302):
            problems.append(f"{role}: {label} answered {status}, changed={done}")
    assert not problems, "\n".join(problems)


# --- lists hold exactly the records in scope ------------------------------------------------------
def test_customer_price_list_shows_exactly_the_prices_in_scope(personas):
    wanted_by_price = {personas.price_a1.pk: A1_VIEWERS, personas.price_b1.pk: B1_VIEWERS}
    problems = []
    for role in PRICE_READERS:
        html = _browser(personas, role).get("/customer-prices/").content.decode()
        got = {int(pk) for pk in re.findall(r'data-price="(\d+)"', html)}
        wanted = {pk for pk, viewers in wanted_by_price.items() if role in viewers}
        if got != wanted:
            problems.append(f"{role}: listed {sorted(got)}, expected {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_price_list_list_shows_exactly_the_lists_in_scope(personas):
    problems = []
    for role in PRICE_READERS:
        html = _browser(personas, role).get("/price-lists/").content.decode()
        got = set(re.findall(r"/price-lists/(PL-[A-Z]+)/", html))
        wanted = {
            code for code, viewers in (("PL-MC", LIST_MC), ("PL-LC", LIST_LC)) if role in viewers
        }
        if got != wanted:
            problems.append(f"{role}: listed {sorted(got)}, expected {sorted(wanted)}")
    assert not problems, "\n".join(problems)
