"""Promotions: who sees them, the best one for a SKU, the API (CRUD for hq and product
managers), and their validation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import shared_personas
from roots.catalog import selectors, services
from roots.catalog.models import Promotion
from roots.catalog.tests.factories import CategoryFactory, ProductModelFactory, SkuFactory
from roots.core.exceptions import ConflictError
from roots.customers.models import ChannelType

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

URL = "/api/v1/promotions/"


def _promotion(code: str, percent: int = 5, *, days: int = 10, **extra) -> Promotion:
    today = timezone.localdate()
    values = {
        "name": f"促销{code}",
        "valid_from": today - timedelta(days=1),
        "valid_to": today + timedelta(days=days),
        "discount_percent": Decimal(percent),
        "is_published": True,
        **extra,
    }
    return Promotion.objects.create(code=code, **values)


# --- visibility ----------------------------------------------------------------------------
def test_who_sees_which_promotions(personas):
    everyone = _promotion("ALL")
    chains = _promotion("MC", channel_types=[ChannelType.MULTINATIONAL_CHAIN])
    draft = _promotion("DRAFT", is_published=False)
    ended = _promotion("OLD", valid_from=date(2020, 1, 1), valid_to=date(2020, 2, 1))

    def seen(role: str) -> set[str]:
        return set(
            Promotion.objects.visible_to(getattr(personas, role)).values_list("code", flat=True)
        )

    assert seen("hq") == seen("pm") == {"ALL", "MC", "DRAFT", "OLD"}
    assert seen("am_a") == seen("agent") == {"ALL", "MC", "OLD"}
    assert seen("cu_a1") == {"ALL", "MC"}  # a multinational chain, today
    assert seen("cu_b1") == {"ALL"}  # a local chain
    assert seen("su") == set()
    assert {everyone, chains, draft, ended}


def test_promotions_for_answers_what_applies_on_a_day(personas):
    _promotion("NOW", 5)
    _promotion("LATER", 9, valid_from=date(2099, 1, 1), valid_to=date(2099, 2, 1))
    _promotion("LC", 7, channel_types=[ChannelType.LOCAL_CHAIN])
    assert [p.code for p in selectors.promotions_for(user=personas.cu_b1)] == ["LC", "NOW"]
    assert [p.code for p in selectors.promotions_for(user=personas.cu_a1)] == ["NOW"]
    later = selectors.promotions_for(user=personas.am_a, on=date(2099, 1, 15))
    assert [p.code for p in later] == ["LATER"]
    assert list(selectors.promotions_for(user=personas.su)) == []


# --- the best promotion --------------------------------------------------------------------
def test_best_promotion_picks_the_highest_discount_that_targets_the_sku(personas):
    sku = personas.sku
    today = timezone.localdate()
    other = SkuFactory.create(code="WM-1", product_model=ProductModelFactory.create(code="WM"))
    by_category = _promotion("CAT", 5)
    by_category.categories.add(sku.product_model.category)
    by_model = _promotion("MODEL", 8)
    by_model.product_models.add(sku.product_model)
    by_sku = _promotion("SKU", 12, channel_types=[ChannelType.LOCAL_CHAIN])
    by_sku.skus.add(sku)
    best = selectors.best_promotions(customer=personas.cust_a1, skus=[sku, other], on=today)
    assert best == {sku.pk: by_model}  # the 12 % is for local chains; nothing for `other`
    assert selectors.best_promotion(customer=personas.cust_b1, sku=sku, on=today) == by_sku
    assert selectors.best_promotion(customer=personas.cust_a1, sku=other, on=today) is None
    whole = _promotion("WHOLE", 3)
    assert selectors.best_promotion(customer=personas.cust_a1, sku=other, on=today) == whole


def test_best_promotion_covers_sub_categories(personas):
    parent = CategoryFactory.create(code="KITCHEN")
    child = CategoryFactory.create(code="HOOD", parent=parent)
    sku = SkuFactory.create(code="HOOD-1", product_model=ProductModelFactory.create(category=child))
    promotion = _promotion("KIT", 6)
    promotion.categories.add(parent)
    found = selectors.best_promotion(customer=personas.cust_a1, sku=sku, on=timezone.localdate())
    assert found == promotion


def test_best_promotions_costs_a_constant_number_of_queries(
    personas, django_assert_max_num_queries
):
    skus = [SkuFactory.create() for _ in range(20)]
    for n in range(5):
        _promotion(f"P{n}", n + 1).skus.add(*skus[n::5])
    with django_assert_max_num_queries(5):
        best = selectors.best_promotions(
            customer=personas.cust_a1, skus=skus, on=timezone.localdate()
        )
    assert len(best) == 20


# --- services and validation ---------------------------------------------------------------
def test_hq_and_product_managers_create_promotions_with_targets(personas):
    promotion = services.promotion_create(
        user=personas.pm,
        data={
            "name": "国庆促销",
            "valid_from": date(2026, 10, 1),
            "valid_to": date(2026, 10, 7),
            "discount_percent": Decimal("8.5"),
            "channel_types": ["local_chain", "local_chain"],
            "skus": [personas.sku],
        },
    )
    assert promotion.code.startswith("PR") and promotion.created_by == personas.pm
    assert promotion.channel_types == ["local_chain"]
    assert list(promotion.skus.all()) == [personas.sku]
    assert not promotion.is_published
    for role in ("am_a", "bm_a", "cu_a1", "agent"):
        with pytest.raises(PermissionDenied):
            services.promotion_create(user=getattr(personas, role), data={"name": "x"})


def test_invalid_promotions_are_field_errors(personas):
    base = {"name": "x", "valid_from": date(2026, 1, 2), "discount_percent": Decimal("5")}
    for extra, field in (
        ({"valid_to": date(2026, 1, 1)}, "valid_to"),
        ({"valid_to": date(2026, 2, 1), "discount_percent": Decimal("101")}, "discount_percent"),
        ({"valid_to": date(2026, 2, 1), "channel_types": ["moon_base"]}, "channel_types"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.promotion_create(user=personas.hq, data={**base, **extra})
        assert field in caught.value.message_dict


def test_changing_only_the_targets_is_a_new_version(personas):
    promotion = _promotion("T1")
    updated = services.promotion_update(
        user=personas.hq, promotion=promotion, data={"skus": [personas.sku]}, expected_version=1
    )
    assert updated.version == 2 and list(updated.skus.all()) == [personas.sku]


def test_a_promotion_that_orders_used_cannot_be_deleted(personas, stock_for_orders):
    from roots.orders import services as order_services

    promotion = _promotion("USED", 5)
    order = order_services.order_submit(
        user=personas.cu_a1,
        data={"outlet": personas.outlet_a1, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    assert order.lines.get().promotion == promotion
    with pytest.raises(ConflictError):
        services.promotion_delete(user=personas.hq, promotion=promotion)
    assert Promotion.objects.filter(pk=promotion.pk).exists()
    unused = _promotion("UNUSED")
    services.promotion_delete(user=personas.pm, promotion=unused)
    assert not Promotion.objects.filter(pk=unused.pk).exists()


@pytest.fixture
def stock_for_orders(personas):
    return personas.sku.stock.get()


# --- API -----------------------------------------------------------------------------------
def test_api_create_read_update_delete(api, personas):
    body = {
        "name": "夏季空调节",
        "valid_from": "2026-06-01",
        "valid_to": "2026-08-31",
        "discount_percent": "6.00",
        "channel_types": ["local_chain"],
        "categories": [personas.sku.product_model.category.code],
        "skus": [personas.sku.code],
        "is_published": True,
    }
    hq = api.as_(personas.hq)
    created = hq.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="promo-1")
    assert created.status_code == 201, created.data
    code = created.data["code"]
    assert created.data["created_by"] == "hq" and created["ETag"] == '"1"'
    assert api.as_(personas.am_a).post(URL, body, format="json").status_code == 403
    assert api.as_(personas.cu_a1).post(URL, body, format="json").status_code == 403
    patched = api.as_(personas.pm).patch(
        f"{URL}{code}/", {"discount_percent": "7.50"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert patched.status_code == 200 and patched.data["discount_percent"] == "7.50"
    assert (
        api.as_(personas.am_a).patch(f"{URL}{code}/", {"name": "x"}, format="json").status_code
        == 403
    )
    assert api.as_(personas.pm).get(f"{URL}{code}/history/").status_code == 200
    assert api.as_(personas.am_a).delete(f"{URL}{code}/").status_code == 403
    assert hq.delete(f"{URL}{code}/", HTTP_IF_MATCH='"1"').status_code == 412
    assert hq.delete(f"{URL}{code}/").status_code == 204


def test_api_customers_see_only_promotions_for_them_now(api, personas):
    _promotion("FOR-LC", channel_types=[ChannelType.LOCAL_CHAIN])
    _promotion("FOR-ALL")
    _promotion("DRAFT", is_published=False)
    codes = {r["code"] for r in api.as_(personas.cu_b1).get(URL).data["results"]}
    assert codes == {"FOR-LC", "FOR-ALL"}
    assert api.as_(personas.cu_a1).get(f"{URL}FOR-LC/").status_code == 404
    assert api.as_(personas.su).get(URL).data["count"] == 0
    filtered = api.as_(personas.hq).get(f"{URL}?channel_type=local_chain&is_published=true")
    assert {r["code"] for r in filtered.data["results"]} == {"FOR-LC", "FOR-ALL"}


_DATES = {"name": "x", "valid_from": "2026-01-01", "valid_to": "2026-01-02"}


@pytest.mark.parametrize(
    "body",
    [
        {**_DATES, "valid_from": "2026-01-03", "discount_percent": "5"},
        {**_DATES, "discount_percent": "-1"},
        {**_DATES, "discount_percent": "1e9"},
        {**_DATES, "discount_percent": "5", "channel_types": ["nowhere"]},
        {**_DATES, "discount_percent": "5", "skus": ["NOPE\x00"]},
        {**_DATES, "discount_percent": "5", "name": "x\x00"},
        {**_DATES, "discount_percent": "5", "valid_from": "soon"},
        {**_DATES, "discount_percent": "5", "code": "lower"},
    ],
)
def test_api_bad_input_is_400(api, personas, body):
    response = api.as_(personas.hq).post(URL, body, format="json")
    assert response.status_code == 400, response.data


def test_api_duplicate_code_is_400(api, personas):
    _promotion("DUP")
    body = {
        "code": "DUP",
        "name": "x",
        "valid_from": "2026-01-01",
        "valid_to": "2026-01-02",
        "discount_percent": "5",
    }
    assert api.as_(personas.hq).post(URL, body, format="json").status_code == 400
