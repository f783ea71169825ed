"""Catalog maintenance pages (review 2026-12, D21): headquarters and product managers keep
product models, SKUs, channel price lists and customer-specific prices from the UI, through
the same services and policies as the API; other roles get no buttons and 403. Also D5:
categories are named in the reader's language only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from conftest import shared_personas
from roots.catalog.models import (
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    RegionalVariant,
    Sku,
)
from roots.catalog.tests.factories import (
    CategoryFactory,
    CustomerPriceFactory,
    PriceListItemFactory,
    SkuFactory,
)

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


SKU_FORM = {
    "code": "BCD-216STPT-G",
    "product_model": "BCD-216STPT",
    "name": "海尔 BCD-216STPT 216升三门冰箱 金色",
    "colour": "金色",
    "capacity": "216",
    "capacity_unit": "L",
    "energy_class": "1",
    "list_price": "3099.00",
    "is_active": "on",
}


# --- SKUs and product models ---------------------------------------------------------------
def test_product_manager_creates_a_sku_on_the_page_and_the_api_lists_it(personas, api):
    response = _client(personas.pm).post("/catalog/new/", SKU_FORM)
    assert response.status_code == 302
    assert response["Location"] == "/catalog/BCD-216STPT-G/"
    sku = Sku.objects.get(code="BCD-216STPT-G")
    assert sku.product_model == personas.sku.product_model and sku.list_price == Decimal("3099")
    answer = api.as_(personas.am_a).get("/api/v1/products/BCD-216STPT-G/")
    assert answer.status_code == 200 and answer.data["list_price"] == "3099.00"
    history = sku.history.get()
    assert history.history_user == personas.pm  # written by the service, as the API does


def test_a_bad_sku_form_shows_field_errors_with_400_and_writes_nothing(personas):
    bad = {**SKU_FORM, "code": "bad code", "product_model": "NOPE", "list_price": "-1"}
    response = _client(personas.pm).post("/catalog/new/", bad)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"code", "product_model", "list_price"} <= set(errors)
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html and "is-invalid" in html
    assert not Sku.objects.filter(name=SKU_FORM["name"]).exists()


def test_a_duplicate_sku_code_is_a_field_error_from_the_service(personas):
    response = _client(personas.hq).post("/catalog/new/", {**SKU_FORM, "code": personas.sku.code})
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert Sku.objects.filter(code=personas.sku.code).count() == 1


def test_editing_a_sku_keeps_its_code_and_shows_in_the_history(personas):
    sku = personas.sku
    client = _client(personas.pm)
    page = client.get(f"/catalog/{sku.code}/edit/")
    assert page.status_code == 200 and "code" not in page.context["form"].fields
    form = {
        "product_model": sku.product_model.code,
        "name": sku.name,
        "colour": "银色",
        "capacity": "",
        "capacity_unit": "",
        "energy_class": "1",
        "list_price": "2899.00",
        "is_active": "",
        "version": sku.version,
    }
    response = client.post(f"/catalog/{sku.code}/edit/", form, follow=True)
    assert response.status_code == 200
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2899.00") and sku.colour == "银色" and not sku.is_active
    html = response.content.decode()
    assert "saved" in html  # the toast
    assert 'data-testid="product-history"' in html and "2899.00" in html


def test_a_stale_version_is_a_conflict_and_changes_nothing(personas):
    sku = personas.sku
    client = _client(personas.pm)
    form = {
        "product_model": sku.product_model.code,
        "name": "x",
        "energy_class": "1",
        "list_price": "1.00",
        "version": sku.version + 5,
    }
    response = client.post(f"/catalog/{sku.code}/edit/", form)
    assert response.status_code == 409
    sku.refresh_from_db()
    assert sku.name != "x"


def test_product_manager_creates_a_product_model_then_its_sku_and_a_regional_variant(personas):
    client = _client(personas.pm)
    response = client.post(
        "/catalog/models/new/",
        {
            "code": "BCD-500WDPG",
            "name": "海尔500升对开门冰箱",
            "category": "FRIDGE",
            "series": "卡萨帝",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/catalog/new/?model=BCD-500WDPG"
    assert ProductModel.objects.get(code="BCD-500WDPG").series == "卡萨帝"
    prefilled = client.get(response["Location"])
    assert 'value="BCD-500WDPG"' in prefilled.content.decode()
    response = client.post(
        "/catalog/models/BCD-500WDPG/variants/new/",
        {"region": "华南", "features": "防潮"},
    )
    assert response.status_code == 302
    assert RegionalVariant.objects.filter(product_model__code="BCD-500WDPG", region="华南").exists()
    again = client.post(
        "/catalog/models/BCD-500WDPG/variants/new/", {"region": "华南", "features": "x"}
    )
    assert again.status_code == 400  # one variant per region, answered on the form
    assert RegionalVariant.objects.filter(product_model__code="BCD-500WDPG").count() == 1


def test_product_model_edit_changes_it_and_records_history(personas):
    model = personas.sku.product_model
    client = _client(personas.hq)
    response = client.post(
        f"/catalog/models/{model.code}/edit/?sku={personas.sku.code}",
        {
            "name": model.name,
            "category": "FRIDGE",
            "series": "统帅",
            "description": "",
            "version": model.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/catalog/{personas.sku.code}/"
    model.refresh_from_db()
    assert model.series == "统帅" and model.history.count() == 2


def test_only_catalog_editors_get_the_buttons_and_the_edit_pages(personas):
    sku = personas.sku
    editor = _client(personas.pm).get(f"/catalog/{sku.code}/").content.decode()
    assert 'data-testid="edit-sku"' in editor and 'data-testid="edit-model"' in editor
    assert 'data-testid="new-sku"' in _client(personas.pm).get("/catalog/").content.decode()
    for role in ("am_a", "bm_a", "agent", "cu_a1"):
        client = _client(getattr(personas, role))
        assert 'data-testid="edit-sku"' not in client.get(f"/catalog/{sku.code}/").content.decode()
        assert 'data-testid="new-sku"' not in client.get("/catalog/").content.decode()
        for url in (
            "/catalog/new/",
            f"/catalog/{sku.code}/edit/",
            "/catalog/models/new/",
            f"/catalog/models/{sku.product_model.code}/edit/",
        ):
            assert client.get(url).status_code == 403, (role, url)
        assert client.post("/catalog/new/", SKU_FORM).status_code == 403, role
    assert not Sku.objects.filter(code=SKU_FORM["code"]).exists()


def test_customer_users_see_no_history_on_the_product_page(personas):
    html = _client(personas.cu_a1).get(f"/catalog/{personas.sku.code}/").content.decode()
    assert 'data-testid="product-history"' not in html


# --- channel price lists -----------------------------------------------------------------------
def test_product_manager_adds_a_price_list_item_on_the_page_and_the_api_shows_it(personas, api):
    other = SkuFactory.create(code="XQG100-W", product_model=personas.sku.product_model)
    client = _client(personas.pm)
    response = client.post("/price-lists/PL-MC/items/new/", {"sku": "xqg100-w", "price": "1899"})
    assert response.status_code == 302 and response["Location"] == "/price-lists/PL-MC/"
    item = PriceListItem.objects.get(price_list=personas.price_list_a1, sku=other)
    assert item.price == Decimal("1899")
    answer = api.as_(personas.am_a).get("/api/v1/price-list-items/", {"sku": "XQG100-W"})
    assert [(r["price_list"], r["price"]) for r in answer.data["results"]] == [("PL-MC", "1899.00")]
    html = client.get("/price-lists/PL-MC/").content.decode()
    assert 'data-item="XQG100-W"' in html and "SKU XQG100-W" in html  # the item, its history


def test_a_bad_price_list_item_is_400_and_writes_nothing(personas):
    client = _client(personas.pm)
    response = client.post("/price-lists/PL-MC/items/new/", {"sku": "NOPE", "price": "-5"})
    assert response.status_code == 400
    assert {"sku", "price"} <= set(response.context["form"].errors)
    twice = client.post("/price-lists/PL-MC/items/new/", {"sku": personas.sku.code, "price": "100"})
    assert twice.status_code == 400  # a SKU once per list (the service's constraint)
    assert PriceListItem.objects.filter(price_list=personas.price_list_a1).count() == 1


def test_price_list_items_are_repriced_and_removed_with_history(personas):
    item = PriceListItem.objects.get(price_list=personas.price_list_a1, sku=personas.sku)
    client = _client(personas.pm)
    response = client.post(
        f"/price-list-items/{item.pk}/edit/", {"price": "2599.00", "version": item.version}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.price == Decimal("2599.00")
    response = client.post(f"/price-list-items/{item.pk}/delete/", {"version": item.version})
    assert response.status_code == 302
    assert not PriceListItem.objects.filter(pk=item.pk).exists()
    html = client.get("/price-lists/PL-MC/").content.decode()
    assert "deleted the record" in html and "2599.00" in html


def test_price_lists_are_created_and_edited_on_pages(personas):
    client = _client(personas.hq)
    response = client.post(
        "/price-lists/new/",
        {
            "code": "PL-2027-DS",
            "name": "百货 2027",
            "channel_type": "department_store",
            "valid_from": "2027-01-01",
            "valid_to": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/price-lists/PL-2027-DS/"
    price_list = PriceList.objects.get(code="PL-2027-DS")
    bad = client.post(
        "/price-lists/PL-2027-DS/edit/",
        {
            "name": "百货 2027",
            "channel_type": "department_store",
            "valid_from": "2027-01-01",
            "valid_to": "2026-12-31",
            "version": price_list.version,
        },
    )
    assert bad.status_code == 400 and "valid_to" in bad.context["form"].errors
    price_list.refresh_from_db()
    assert price_list.valid_to is None


def test_price_list_pages_by_role(personas):
    for role in ("hq", "pm", "am_a", "bm_b"):
        client = _client(getattr(personas, role))
        html = client.get("/price-lists/").content.decode()
        assert "PL-MC" in html and "PL-LC" in html, role
        assert ('data-testid="new-price-list"' in html) == (role in ("hq", "pm")), role
    customer = _client(personas.cu_a1)
    html = customer.get("/price-lists/").content.decode()
    assert "PL-MC" in html and "PL-LC" not in html  # its own channel type's only
    assert customer.get("/price-lists/PL-LC/").status_code == 404
    assert customer.get("/price-lists/PL-MC/edit/").status_code == 403
    for role in ("agent", "engineer", "su"):
        assert _client(getattr(personas, role)).get("/price-lists/").status_code == 403


# --- customer-specific prices ------------------------------------------------------------------
def test_customer_prices_are_created_edited_and_ended_on_pages(personas, api):
    client = _client(personas.pm)
    response = client.post(
        "/customer-prices/new/",
        {
            "customer": personas.cust_b1.code,
            "sku": personas.sku.code,
            "price": "2199.00",
            "valid_from": "2026-06-01",
            "valid_to": "",
        },
    )
    assert response.status_code == 302
    price = CustomerPrice.objects.get(customer=personas.cust_b1, price=Decimal("2199.00"))
    answer = api.as_(personas.am_b).get(f"/api/v1/customer-prices/{price.pk}/")
    assert answer.status_code == 200 and answer.data["price"] == "2199.00"
    response = client.post(
        f"/customer-prices/{price.pk}/edit/",
        {"price": "2149.00", "valid_from": "2026-06-01", "valid_to": "", "version": price.version},
    )
    assert response.status_code == 302
    price.refresh_from_db()
    end = max(timezone.localdate(), date(2026, 6, 1))
    response = client.post(
        f"/customer-prices/{price.pk}/end/",
        {"valid_to": end.isoformat(), "version": price.version},
        follow=True,
    )
    assert response.status_code == 200
    price.refresh_from_db()
    assert price.price == Decimal("2149.00") and price.valid_to == end
    html = response.content.decode()
    assert 'data-testid="history"' in html and "2149.00" in html


def test_ending_a_price_before_it_starts_is_a_400_field_error(personas):
    price = personas.price_a1
    response = _client(personas.pm).post(
        f"/customer-prices/{price.pk}/end/",
        {"valid_to": (price.valid_from - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert response.context["end_form"].errors["valid_to"]
    price.refresh_from_db()
    assert price.valid_to is None


def test_a_bad_customer_price_form_is_400_and_writes_nothing(personas):
    before = CustomerPrice.objects.count()
    response = _client(personas.pm).post(
        "/customer-prices/new/",
        {"customer": "C999999", "sku": personas.sku.code, "price": "abc", "valid_from": ""},
    )
    assert response.status_code == 400
    assert {"customer", "price", "valid_from"} <= set(response.context["form"].errors)
    assert CustomerPrice.objects.count() == before


def test_customer_price_list_filters_by_customer_and_sku_in_scope(personas):
    other = SkuFactory.create(code="KFR-35GW", product_model=personas.sku.product_model)
    CustomerPriceFactory.create(customer=personas.cust_a1, sku=other, price=Decimal("1500"))
    pm = _client(personas.pm)
    html = pm.get("/customer-prices/", {"customer": "C100001"}).content.decode()
    assert html.count("data-price=") == 2 and "C100003" not in html
    html = pm.get("/customer-prices/", {"sku": "KFR-35GW"}).content.decode()
    assert html.count("data-price=") == 1
    am_a = _client(personas.am_a)
    html = am_a.get("/customer-prices/").content.decode()
    assert "C100001" in html and "C100003" not in html  # its own customers only
    assert am_a.get(f"/customer-prices/{personas.price_b1.pk}/").status_code == 404
    assert am_a.get(f"/customer-prices/{personas.price_a1.pk}/edit/").status_code == 403
    assert 'data-testid="edit-customer-price"' not in (
        am_a.get(f"/customer-prices/{personas.price_a1.pk}/").content.decode()
    )


def test_price_list_pages_cost_a_constant_number_of_queries(
    personas, django_assert_max_num_queries
):
    for _n in range(12):
        sku = SkuFactory.create(product_model=personas.sku.product_model)
        PriceListItemFactory.create(price_list=personas.price_list_a1, sku=sku)
        CustomerPriceFactory.create(customer=personas.cust_a1, sku=sku)
    client = _client(personas.pm)
    for url in ("/price-lists/", "/price-lists/PL-MC/", "/customer-prices/"):
        client.get(url)
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url


# --- D5: categories in the reader's language ---------------------------------------------------
def test_category_filter_names_categories_in_the_readers_language_only(personas):
    chinese = _client(personas.am_a, "zh-hans").get("/catalog/").content.decode()
    english = _client(personas.am_a, "en").get("/catalog/").content.decode()
    assert '<option value="FRIDGE">冰箱</option>' in chinese and "Refrigerators" not in chinese
    assert '<option value="FRIDGE">Refrigerators</option>' in english


def test_custom_order_forms_label_categories_in_the_readers_language(personas):
    from roots.orders.custom.forms import CustomOrderRequestForm, DemandFilterForm

    CategoryFactory.create(code="WM", name="洗衣机", name_en="")
    for language, fridge in (("zh-hans", "冰箱"), ("en", "Refrigerators")):
        with override(language):
            form = CustomOrderRequestForm(customer=personas.cust_a1)
            labels = dict(form.fields["category"].choices)
            demand = dict(
                DemandFilterForm(categories=[personas.sku.product_model.category])
                .fields["category"]
                .choices
            )
        assert fridge in {str(label) for label in labels.values()}, language
        assert not any("(FRIDGE)" in str(label) for label in labels.values())
        assert "洗衣机" in {str(label) for label in labels.values()}  # no English name: Chinese
        assert demand["FRIDGE"] == fridge
