"""Catalog pages: the product list (live search, category, prices, promotions, stock), a
product's page, the promotion pages; who may open them; query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from conftest import shared_personas
from roots.catalog.models import Promotion
from roots.catalog.tests.factories import (
    CategoryFactory,
    ProductModelFactory,
    SkuFactory,
    StockLevelFactory,
)
from roots.customers.models import ChannelType

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _promotion(code: str, percent: int, **extra) -> Promotion:
    today = timezone.localdate()
    values = {
        "name": f"促销{code}",
        "valid_from": today - timedelta(days=1),
        "valid_to": today + timedelta(days=5),
        "discount_percent": Decimal(percent),
        "is_published": True,
        **extra,
    }
    return Promotion.objects.create(code=code, **values)


def test_catalog_shows_the_customer_users_own_price_promotion_and_stock(personas):
    _promotion("P10", 10).skus.add(personas.sku)
    html = _client(personas.cu_a1).get("/catalog/").content.decode()
    assert personas.sku.code in html
    assert "2,999.00" in html  # list price
    assert 'data-testid="your-price">2,499.00' in html  # A1's own price
    assert 'data-testid="promotion-badge"' in html and "−10%" in html
    assert ">90<" in html  # 100 on hand − 10 reserved


def test_staff_see_list_prices_without_a_your_price_column(personas):
    html = _client(personas.am_a).get("/catalog/").content.decode()
    assert personas.sku.code in html and 'data-testid="your-price"' not in html


def test_catalog_live_search_by_pinyin_initials_and_category(personas):
    washer = SkuFactory.create(
        code="XQG100-W",
        name="海尔 滚筒洗衣机 10公斤",
        product_model=ProductModelFactory.create(category=CategoryFactory.create(code="WM")),
    )
    client = _client(personas.cu_a1)
    response = client.get("/catalog/", {"q": "gtxyj"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert washer.code in html and personas.sku.code not in html
    html = client.get("/catalog/", {"q": "冰箱"}).content.decode()
    assert personas.sku.code in html and washer.code not in html
    html = client.get("/catalog/", {"category": "WM"}).content.decode()
    assert washer.code in html and personas.sku.code not in html
    assert "No product matches" in client.get("/catalog/", {"q": "zzzz"}).content.decode()


def test_catalog_list_costs_a_constant_number_of_queries(personas, django_assert_max_num_queries):
    for n in range(15):
        sku = SkuFactory.create(product_model=personas.sku.product_model)
        StockLevelFactory.create(sku=sku)
        if n % 3 == 0:
            _promotion(f"P{n}", n + 1).skus.add(sku)
    client = _client(personas.cu_a1)
    client.get("/catalog/")
    with django_assert_max_num_queries(16):
        response = client.get("/catalog/")
    assert response.content.decode().count('data-testid="your-price"') == 16


def test_product_page_shows_prices_stock_and_promotions(personas):
    _promotion("PSKU", 7).skus.add(personas.sku)
    _promotion("PLC", 9, channel_types=[ChannelType.LOCAL_CHAIN]).skus.add(personas.sku)
    customer = _client(personas.cu_a1).get(f"/catalog/{personas.sku.code}/").content.decode()
    assert 'data-testid="your-price">¥2,499.00' in customer
    assert "促销PSKU" in customer and "促销PLC" not in customer  # A1 is not a local chain
    assert 'data-testid="stock-table"' not in customer
    staff = _client(personas.am_a).get(f"/catalog/{personas.sku.code}/").content.decode()
    assert 'data-testid="stock-table"' in staff and "WH-BA-1" in staff
    assert "促销PSKU" in staff and "促销PLC" in staff


def test_catalog_pages_by_role(personas):
    for role in ("hq", "bm_a", "am_a", "pm", "agent", "engineer", "cu_a1", "cu_b1"):
        client = _client(getattr(personas, role))
        assert client.get("/catalog/").status_code == 200, role
        assert client.get(f"/catalog/{personas.sku.code}/").status_code == 200, role
        assert client.get("/promotions/").status_code == 200, role
    supplier = _client(personas.su)
    assert supplier.get("/catalog/").status_code == 403
    assert supplier.get(f"/catalog/{personas.sku.code}/").status_code == 404
    assert supplier.get("/promotions/").status_code == 403
    assert _client(personas.am_a).get("/catalog/NOPE/").status_code == 404
    assert Client().get("/catalog/").status_code == 302


def test_promotion_pages_show_what_the_user_may_see(personas):
    lc = _promotion("LC", 6, channel_types=[ChannelType.LOCAL_CHAIN])
    lc.skus.add(personas.sku)
    draft = _promotion("DRAFT", 20, is_published=False)
    assert "促销LC" in _client(personas.cu_b1).get("/promotions/").content.decode()
    assert "促销LC" not in _client(personas.cu_a1).get("/promotions/").content.decode()
    hq = _client(personas.hq).get("/promotions/").content.decode()
    assert "促销DRAFT" in hq and "Draft" in hq
    assert "促销DRAFT" not in _client(personas.am_a).get("/promotions/").content.decode()
    detail = _client(personas.cu_b1).get(f"/promotions/{lc.code}/").content.decode()
    assert personas.sku.code in detail
    # B1's own price is 2,499.00; 6 % off is 2,349.06.
    assert "2,349.06" in detail
    assert _client(personas.cu_a1).get(f"/promotions/{lc.code}/").status_code == 404
    assert _client(personas.am_a).get(f"/promotions/{draft.code}/").status_code == 404
    assert _client(personas.pm).get(f"/promotions/{draft.code}/").status_code == 200


def test_hq_creates_and_edits_a_promotion_from_the_page(personas):
    client = _client(personas.hq)
    assert 'data-testid="new-promotion"' in client.get("/promotions/").content.decode()
    response = client.post(
        "/promotions/new/",
        {
            "name": "冬季冰箱节",
            "valid_from": "2026-12-01",
            "valid_to": "2026-12-31",
            "discount_percent": "6",
            "channel_types": ["local_chain", "department_store"],
            "categories": [personas.sku.product_model.category.code],
            "skus": f"{personas.sku.code}, {personas.sku.code.lower()}",
            "is_published": "on",
        },
    )
    promotion = Promotion.objects.get(name="冬季冰箱节")
    assert response.status_code == 302 and response["Location"] == f"/promotions/{promotion.code}/"
    assert promotion.channel_types == ["department_store", "local_chain"]
    assert list(promotion.skus.all()) == [personas.sku] and promotion.is_published
    assert promotion.created_by == personas.hq
    form = client.get(f"/promotions/{promotion.code}/edit/").content.decode()
    assert personas.sku.code in form
    response = client.post(
        f"/promotions/{promotion.code}/edit/",
        {
            "version": promotion.version,
            "name": "冬季冰箱节",
            "valid_from": "2026-12-01",
            "valid_to": "2026-12-31",
            "discount_percent": "8",
            "skus": "",
        },
    )
    assert response.status_code == 302
    promotion.refresh_from_db()
    assert promotion.discount_percent == Decimal("8") and not promotion.skus.exists()
    assert not promotion.is_published and promotion.version == 2


def test_promotion_form_errors_are_inline(personas):
    response = _client(personas.pm).post(
        "/promotions/new/",
        {
            "name": "x",
            "valid_from": "2026-12-31",
            "valid_to": "2026-12-01",
            "discount_percent": "120",
            "skus": "NOPE-1 BCD-216STPT-W",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="form-errors"' in html
    assert "NOPE-1" in html
    assert not Promotion.objects.exists()


def test_a_stale_promotion_edit_is_refused(personas):
    promotion = _promotion("STALE", 5)
    response = _client(personas.hq).post(
        f"/promotions/{promotion.code}/edit/",
        {
            "version": 9,
            "name": "x",
            "valid_from": "2026-01-01",
            "valid_to": "2026-01-02",
            "discount_percent": "5",
        },
    )
    assert response.status_code == 409
    promotion.refresh_from_db()
    assert promotion.name == "促销STALE"


def test_promotion_forms_by_role(personas):
    published = _promotion("PUB", 5)
    draft = _promotion("DRAFT", 5, is_published=False)
    for role in ("hq", "pm"):
        client = _client(getattr(personas, role))
        assert client.get("/promotions/new/").status_code == 200
        assert client.get(f"/promotions/{draft.code}/edit/").status_code == 200
    for role in ("bm_a", "am_a", "agent", "cu_a1", "cu_b1", "su"):
        client = _client(getattr(personas, role))
        assert client.get("/promotions/new/").status_code == 403, role
        assert client.get(f"/promotions/{draft.code}/edit/").status_code == 404, role
        expected = 404 if role == "su" else 403
        assert client.get(f"/promotions/{published.code}/edit/").status_code == expected, role
