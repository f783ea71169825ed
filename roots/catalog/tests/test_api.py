from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import shared_personas
from roots.catalog.tests.factories import (
    CustomerPriceFactory,
    PriceListItemFactory,
    SkuFactory,
    StockLevelFactory,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def test_customer_user_sees_own_price_on_products(api, personas):
    response = api.as_(personas.cu_a1).get("/api/v1/products/BCD-216STPT-W/")
    assert response.status_code == 200
    assert response.data["your_price"] == "2499.00"  # its customer price


def test_customer_user_without_override_gets_channel_price(api, personas):
    personas.price_b1.delete()
    response = api.as_(personas.cu_b1).get("/api/v1/products/BCD-216STPT-W/")
    assert response.data["your_price"] == "2699.00"


def test_staff_get_no_your_price(api, personas):
    response = api.as_(personas.am_a).get("/api/v1/products/BCD-216STPT-W/")
    assert response.status_code == 200
    assert response.data["your_price"] is None


def test_products_search_by_pinyin_initials(api, personas):
    SkuFactory.create(code="XQG-1", name="海尔滚筒洗衣机")
    response = api.as_(personas.cu_a1).get("/api/v1/products/", {"search": "gtxyj"})
    assert [row["code"] for row in response.data["results"]] == ["XQG-1"]


def test_products_filter_by_energy_class_and_capacity(api, personas):
    SkuFactory.create(code="SMALL-1", capacity=Decimal("90"), energy_class=2)
    client = api.as_(personas.hq)
    by_class = client.get("/api/v1/products/", {"energy_class": 2})
    assert [row["code"] for row in by_class.data["results"]] == ["SMALL-1"]
    by_capacity = client.get("/api/v1/products/", {"capacity_min": 100, "capacity_max": 300})
    assert [row["code"] for row in by_capacity.data["results"]] == ["BCD-216STPT-W"]
    assert client.get("/api/v1/products/", {"energy_class": 9}).status_code == 400


def test_customer_user_cannot_see_another_customers_price(api, personas):
    client = api.as_(personas.cu_a1)
    assert client.get(f"/api/v1/customer-prices/{personas.price_b1.pk}/").status_code == 404
    assert client.get(f"/api/v1/customer-prices/{personas.price_a1.pk}/").status_code == 200
    listed = client.get("/api/v1/customer-prices/").data["results"]
    assert [row["id"] for row in listed] == [personas.price_a1.pk]


def test_customer_user_sees_only_own_channel_price_list(api, personas):
    client = api.as_(personas.cu_a1)
    assert client.get("/api/v1/price-lists/PL-LC/").status_code == 404
    codes = [row["code"] for row in client.get("/api/v1/price-lists/").data["results"]]
    assert codes == ["PL-MC"]
    items = client.get("/api/v1/price-list-items/").data["results"]
    assert {row["price_list"] for row in items} == {"PL-MC"}


def test_supplier_user_sees_no_catalog(api, personas):
    client = api.as_(personas.su)
    for url in ("products", "categories", "warehouses", "stock", "price-lists"):
        assert client.get(f"/api/v1/{url}/").data["count"] == 0, url
    assert client.get("/api/v1/products/BCD-216STPT-W/").status_code == 404


def test_account_manager_cannot_create_sku(api, personas):
    body = {
        "code": "BCD-999-W",
        "product_model": "BCD-216STPT",
        "name": "测试",
        "list_price": "1.00",
    }
    assert api.as_(personas.am_a).post("/api/v1/products/", body, format="json").status_code == 403
    created = api.as_(personas.pm).post("/api/v1/products/", body, format="json")
    assert created.status_code == 201
    assert created["ETag"] == '"1"'


def test_viewer_who_may_not_write_gets_403_on_patch(api, personas):
    response = api.as_(personas.cu_a1).patch(
        "/api/v1/products/BCD-216STPT-W/", {"colour": "黑"}, format="json"
    )
    assert response.status_code == 403


def test_stock_filter_by_warehouse_shows_available(api, personas):
    response = api.as_(personas.agent).get("/api/v1/stock/", {"warehouse": "WH-BA-1"})
    assert response.status_code == 200
    (row,) = response.data["results"]
    assert (row["sku"], row["available"]) == ("BCD-216STPT-W", 90)


def test_product_list_query_count_does_not_grow(api, personas, django_assert_max_num_queries):
    client = api.as_(personas.cu_a1)
    for _ in range(10):
        sku = SkuFactory.create()
        CustomerPriceFactory.create(customer=personas.cust_a1, sku=sku)
        PriceListItemFactory.create(price_list=personas.price_list_a1, sku=sku)
    client.get("/api/v1/products/")  # warm caches (content types, sessions)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/products/")
    assert response.data["count"] == 11
    assert all(row["your_price"] == "2499.00" for row in response.data["results"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/categories/",
        "/api/v1/product-models/",
        "/api/v1/warehouses/",
        "/api/v1/stock/",
        "/api/v1/price-lists/",
        "/api/v1/price-list-items/",
        "/api/v1/customer-prices/",
        "/api/v1/regional-variants/",
    ],
)
def test_list_query_count_does_not_grow(api, personas, url, django_assert_max_num_queries):
    for _ in range(5):
        stock = StockLevelFactory.create()
        PriceListItemFactory.create(price_list=personas.price_list_a1, sku=stock.sku)
        CustomerPriceFactory.create(customer=personas.cust_a1, sku=stock.sku)
    client = api.as_(personas.hq)
    client.get(url)
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
