"""The field matrix: for every editable model, every role and every writable field of its
serializer, the API accepts a change exactly to the fields the role's allow-list names
(`<app>/policies.py`, `roots.core.fields`), and the HTML edit form offers exactly them.

The table is generated from the policies: a `Editable` row names the model, one record of it
that each role with a non-empty allow-list may edit (customer A1's, the catalog's ...), the
serializer whose fields are walked, the policy maps, and how to change fields whose new value
is not obvious from the model field (a related record, a date in the future ...). For each
role and field:

* allowed: `PATCH {field: new value}` answers 200 and the field changed;
* a fixed field of a role that edits the record (a code, what a record belongs to): 400;
* any other field: refused (403; 404 when the record is out of the role's scope) and the
  record unchanged (same version, same value).

Then the edit page: a role with an allow-list gets the form with exactly those fields; the
others do not get a form (403/404). Each role's requests run in a transaction rolled back
after each field, so one change cannot mask the next.

How to add a model: give its serializer `AllowListSerializerMixin` with the app's policy, add
an `Editable` row here (and `CHANGES` for fields a generic value does not fit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.catalog import api as catalog_api
from roots.catalog import policies as catalog_policies
from roots.catalog import services as catalog_services
from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    Promotion,
    RegionalVariant,
    Sku,
    StockLevel,
    Warehouse,
)
from roots.catalog.tests.factories import CategoryFactory, ProductModelFactory, SkuFactory
from roots.core.fields import FieldAllowList, writable_fields
from roots.customers import api as customers_api
from roots.customers import policies as customers_policies
from roots.customers.models import Contact, Customer, Outlet
from roots.org.models import Role
from roots.portal import api as portal_api
from roots.portal import policies as portal_policies
from roots.portal import services as portal_services
from roots.portal.models import NewsItem
from roots.sales import api as sales_api
from roots.sales import policies as sales_policies
from roots.sales import services as sales_services
from roots.sales.models import Activity, Lead, Opportunity
from roots.sales.tests.test_pipeline_support import make_lead, make_opportunity

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

# One persona per role of `roots.org.models.Role`, each in the scope of the records below.
PERSONA = {
    Role.HQ_ADMIN: "hq",
    Role.BRANCH_MANAGER: "bm_a",
    Role.ACCOUNT_MANAGER: "am_a",
    Role.PRODUCT_MANAGER: "pm",
    Role.CALL_AGENT: "agent",
    Role.ENGINEER: "engineer",
    Role.CUSTOMER_USER: "cu_a1",
    Role.SUPPLIER_USER: "su",
}
assert set(PERSONA) == set(Role), "every role has a persona here"

Change = Callable[[Personas, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Editable:
    name: str
    model: type[models.Model]
    serializer: type[serializers.ModelSerializer]
    allow: FieldAllowList
    url: Callable[[Personas, dict[str, Any]], str]
    record: Callable[[Personas, dict[str, Any]], models.Model]
    # Bodies for fields whose new value is not generic (related records, companions).
    changes: Mapping[str, Change] = field(default_factory=dict)
    edit_page: Callable[[Personas, dict[str, Any]], str] | None = None

    @property
    def fixed(self) -> FieldAllowList:
        return getattr(self.serializer, "fixed_fields", {})

    def walked_fields(self) -> list[str]:
        """Every field of the serializer a client could write (on create or edit)."""
        built = self.serializer(context={})
        return sorted(name for name, f in built.fields.items() if not f.read_only)


# --- generic new values ------------------------------------------------------------------------
def _other_choice(model_field: models.Field, current: Any) -> Any:
    for value, _label in model_field.flatchoices:
        if value not in ("", None) and value != current:
            return value
    raise AssertionError(f"no other choice for {model_field}")


def generic_value(instance: models.Model, name: str) -> Any:
    """A valid value for `name` that differs from the record's, as the API takes it."""
    model_field = instance._meta.get_field(name)
    current = getattr(instance, getattr(model_field, "attname", name), None)
    if getattr(model_field, "choices", None):
        return _other_choice(model_field, current)
    if isinstance(model_field, models.BooleanField):
        return not current
    if isinstance(model_field, models.EmailField):
        return "changed@example.com"
    if isinstance(model_field, models.URLField):
        return "https://changed.example.com/"
    if isinstance(model_field, models.DateTimeField):
        return (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0).isoformat()
    if isinstance(model_field, models.DateField):
        return (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    if isinstance(model_field, models.DecimalField):
        return "37.50" if current != Decimal("37.50") else "38.50"
    if isinstance(model_field, models.IntegerField):
        return 37 if current != 37 else 38
    if isinstance(model_field, models.CharField | models.TextField):
        text = "改过的值"
        return text if current != text else text + "2"
    raise AssertionError(f"give a change for {instance._meta.label}.{name} in `changes`")


def _snapshot(instance: models.Model, name: str) -> Any:
    model_field = instance._meta.get_field(name)
    if model_field.many_to_many:
        return sorted(getattr(instance, name).values_list("pk", flat=True))
    return getattr(instance, model_field.attname)


# --- the records ---------------------------------------------------------------------------------
@pytest.fixture
def records(personas: Personas) -> dict[str, Any]:
    p = personas
    fridge = Category.objects.get(code="FRIDGE")
    activity = sales_services.activity_log(
        user=p.am_a,
        data={
            "kind": "visit",
            "subject": "拜访国美",
            "customer": p.cust_a1,
            "planned_at": timezone.now() - dt.timedelta(days=2),
            "outcome": "谈妥了样机",
        },
    )
    return {
        "lead": make_lead(p.am_a, company_name="苏宁青岛"),
        "opportunity": make_opportunity(p.am_a, customer=p.cust_a1, name="国美冰箱"),
        "activity": activity,
        "other_category": CategoryFactory.create(code="WASHER", name="洗衣机"),
        "other_model": ProductModelFactory.create(code="XQG100", name="滚筒", category=fridge),
        "other_sku": SkuFactory.create(code="XQG100-W"),
        "variant": catalog_services.regional_variant_create(
            user=p.hq,
            data={"product_model": ProductModel.objects.get(code="BCD-216STPT"), "region": "华北"},
        ),
        "promotion": catalog_services.promotion_create(
            user=p.hq,
            data={
                "name": "春季促销",
                "valid_from": timezone.localdate(),
                "valid_to": timezone.localdate() + dt.timedelta(days=10),
                "discount_percent": Decimal("5"),
            },
        ),
        "news": portal_services.news_create(user=p.hq, data={"title": "新品", "body": "上市了"}),
    }


def _in(d: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=d)).isoformat()


CUSTOMER = Editable(
    "customer",
    Customer,
    customers_api.CustomerSerializer,
    customers_policies.CUSTOMER_FIELDS,
    lambda p, r: f"/api/v1/customers/{p.cust_a1.code}/",
    lambda p, r: Customer.objects.all_unscoped().get(pk=p.cust_a1.pk),
    changes={
        "code": lambda p, r: {"code": "C200001"},
        # hq moves a customer to branch B with an account manager of branch B.
        "branch": lambda p, r: {"branch": p.branch_b.code, "account_manager": p.am_b.username},
        "account_manager": lambda p, r: {"account_manager": p.am_a2.username},
        "founded_year": lambda p, r: {"founded_year": 1999},
        "joined_on": lambda p, r: {"joined_on": _in(-30)},
        "credit_limit": lambda p, r: {"credit_limit": "5000000.00"},
    },
    edit_page=lambda p, r: f"/customers/{p.cust_a1.code}/edit/",
)
OUTLET = Editable(
    "outlet",
    Outlet,
    customers_api.OutletSerializer,
    customers_policies.OUTLET_FIELDS,
    lambda p, r: f"/api/v1/outlets/{p.outlet_a1.code}/",
    lambda p, r: Outlet.objects.all_unscoped().get(pk=p.outlet_a1.pk),
    changes={
        "code": lambda p, r: {"code": "S2000001"},
        "customer": lambda p, r: {"customer": p.cust_a2.code},
        "province": lambda p, r: {"province": "110000"},
        "latitude": lambda p, r: {"latitude": "36.500000"},
        "longitude": lambda p, r: {"longitude": "120.300000"},
        "opened_on": lambda p, r: {"opened_on": _in(-300)},
    },
    edit_page=lambda p, r: f"/outlets/{p.outlet_a1.code}/edit/",
)
CONTACT = Editable(
    "contact",
    Contact,
    customers_api.ContactSerializer,
    customers_policies.CONTACT_FIELDS,
    lambda p, r: f"/api/v1/contacts/{p.contact_a1.pk}/",
    lambda p, r: Contact.objects.all_unscoped().get(pk=p.contact_a1.pk),
    changes={
        "customer": lambda p, r: {"customer": p.cust_a2.code},
        "birthday": lambda p, r: {"birthday": "1980-05-04"},
    },
    edit_page=lambda p, r: f"/contacts/{p.contact_a1.pk}/edit/",
)
LEAD = Editable(
    "lead",
    Lead,
    sales_api.LeadSerializer,
    sales_policies.LEAD_FIELDS,
    lambda p, r: f"/api/v1/leads/{r['lead'].code}/",
    lambda p, r: Lead.objects.all_unscoped().get(pk=r["lead"].pk),
    changes={
        "province": lambda p, r: {"province": "110000"},
        "branch": lambda p, r: {"branch": p.branch_b.code, "owner": p.am_b.username},
        "owner": lambda p, r: {"owner": p.am_a2.username},
    },
    edit_page=lambda p, r: f"/sales/leads/{r['lead'].code}/edit/",
)
OPPORTUNITY = Editable(
    "opportunity",
    Opportunity,
    sales_api.OpportunitySerializer,
    sales_policies.OPPORTUNITY_FIELDS,
    lambda p, r: f"/api/v1/opportunities/{r['opportunity'].code}/",
    lambda p, r: Opportunity.objects.all_unscoped().get(pk=r["opportunity"].pk),
    changes={
        "customer": lambda p, r: {"customer": p.cust_a2.code},
        "lead": lambda p, r: {"lead": r["lead"].code},
        "owner": lambda p, r: {"owner": p.am_a2.username},
        "stage": lambda p, r: {"stage": "negotiation"},
    },
    edit_page=lambda p, r: f"/sales/opportunities/{r['opportunity'].code}/edit/",
)
ACTIVITY = Editable(
    "activity",
    Activity,
    sales_api.ActivitySerializer,
    sales_policies.ACTIVITY_FIELDS,
    lambda p, r: f"/api/v1/activities/{r['activity'].pk}/",
    lambda p, r: Activity.objects.all_unscoped().get(pk=r["activity"].pk),
    changes={
        "customer": lambda p, r: {"customer": p.cust_a2.code},
        "lead": lambda p, r: {"lead": r["lead"].code},
        "opportunity": lambda p, r: {"opportunity": r["opportunity"].code},
        "contact": lambda p, r: {"contact": p.contact_a1.pk},
        "owner": lambda p, r: {"owner": p.am_a2.username},
        "status": lambda p, r: {"status": "cancelled"},
        "planned_at": lambda p, r: {
            "planned_at": (timezone.now() - dt.timedelta(days=3)).replace(microsecond=0).isoformat()
        },
    },
    edit_page=lambda p, r: f"/sales/activities/{r['activity'].pk}/edit/",
)


def _catalog(
    name: str,
    model: type[models.Model],
    serializer: Any,
    allow: FieldAllowList,
    url: Callable[[Personas, dict[str, Any]], str],
    record: Callable[[Personas, dict[str, Any]], models.Model],
    **changes: Change,
) -> Editable:
    return Editable(name, model, serializer, allow, url, record, changes)


CATALOG_CODE = {"code": lambda p, r: {"code": "NEW-CODE-1"}}
CATALOG = (
    _catalog(
        "category",
        Category,
        catalog_api.CategorySerializer,
        catalog_policies.CATEGORY_FIELDS,
        lambda p, r: "/api/v1/categories/FRIDGE/",
        lambda p, r: Category.objects.get(code="FRIDGE"),
        parent=lambda p, r: {"parent": r["other_category"].code},
        **CATALOG_CODE,
    ),
    _catalog(
        "product_model",
        ProductModel,
        catalog_api.ProductModelSerializer,
        catalog_policies.PRODUCT_MODEL_FIELDS,
        lambda p, r: "/api/v1/product-models/BCD-216STPT/",
        lambda p, r: ProductModel.objects.get(code="BCD-216STPT"),
        category=lambda p, r: {"category": r["other_category"].code},
        launched_on=lambda p, r: {"launched_on": _in(-100)},
        **CATALOG_CODE,
    ),
    _catalog(
        "regional_variant",
        RegionalVariant,
        catalog_api.RegionalVariantSerializer,
        catalog_policies.REGIONAL_VARIANT_FIELDS,
        lambda p, r: f"/api/v1/regional-variants/{r['variant'].pk}/",
        lambda p, r: RegionalVariant.objects.get(pk=r["variant"].pk),
        product_model=lambda p, r: {"product_model": r["other_model"].code},
    ),
    _catalog(
        "sku",
        Sku,
        catalog_api.SkuSerializer,
        catalog_policies.SKU_FIELDS,
        lambda p, r: f"/api/v1/products/{p.sku.code}/",
        lambda p, r: Sku.objects.get(pk=p.sku.pk),
        product_model=lambda p, r: {"product_model": r["other_model"].code},
        **CATALOG_CODE,
    ),
    _catalog(
        "warehouse",
        Warehouse,
        catalog_api.WarehouseSerializer,
        catalog_policies.WAREHOUSE_FIELDS,
        lambda p, r: "/api/v1/warehouses/WH-BA-1/",
        lambda p, r: Warehouse.objects.get(code="WH-BA-1"),
        province=lambda p, r: {"province": "110000"},
        branch=lambda p, r: {"branch": p.branch_b.code},
        **CATALOG_CODE,
    ),
    _catalog(
        "stock_level",
        StockLevel,
        catalog_api.StockLevelSerializer,
        catalog_policies.STOCK_LEVEL_FIELDS,
        lambda p, r: f"/api/v1/stock/{StockLevel.objects.get(sku=p.sku).pk}/",
        lambda p, r: StockLevel.objects.get(sku=p.sku),
        warehouse=lambda p, r: {"warehouse": "WH-NOPE"},
        sku=lambda p, r: {"sku": r["other_sku"].code},
        reserved=lambda p, r: {"reserved": 1},
        on_hand=lambda p, r: {"on_hand": StockLevel.objects.get(sku=p.sku).on_hand + 7},
    ),
    _catalog(
        "price_list",
        PriceList,
        catalog_api.PriceListSerializer,
        catalog_policies.PRICE_LIST_FIELDS,
        lambda p, r: f"/api/v1/price-lists/{p.price_list_a1.code}/",
        lambda p, r: PriceList.objects.get(pk=p.price_list_a1.pk),
        valid_from=lambda p, r: {"valid_from": "2025-01-02"},
        valid_to=lambda p, r: {"valid_to": _in(400)},
        **CATALOG_CODE,
    ),
    _catalog(
        "price_list_item",
        PriceListItem,
        catalog_api.PriceListItemSerializer,
        catalog_policies.PRICE_LIST_ITEM_FIELDS,
        lambda p, r: f"/api/v1/price-list-items/{_item(p).pk}/",
        lambda p, r: _item(p),
        price_list=lambda p, r: {"price_list": p.price_list_b1.code},
        sku=lambda p, r: {"sku": r["other_sku"].code},
    ),
    _catalog(
        "customer_price",
        CustomerPrice,
        catalog_api.CustomerPriceSerializer,
        catalog_policies.CUSTOMER_PRICE_FIELDS,
        lambda p, r: f"/api/v1/customer-prices/{p.price_a1.pk}/",
        lambda p, r: CustomerPrice.objects.get(pk=p.price_a1.pk),
        customer=lambda p, r: {"customer": p.cust_a2.code},
        sku=lambda p, r: {"sku": r["other_sku"].code},
        valid_from=lambda p, r: {"valid_from": _in(-5)},
        valid_to=lambda p, r: {"valid_to": _in(300)},
    ),
    _catalog(
        "promotion",
        Promotion,
        catalog_api.PromotionSerializer,
        catalog_policies.PROMOTION_FIELDS,
        lambda p, r: f"/api/v1/promotions/{r['promotion'].code}/",
        lambda p, r: Promotion.objects.get(pk=r["promotion"].pk),
        channel_types=lambda p, r: {"channel_types": ["local_chain"]},
        categories=lambda p, r: {"categories": [r["other_category"].code]},
        product_models=lambda p, r: {"product_models": [r["other_model"].code]},
        skus=lambda p, r: {"skus": [r["other_sku"].code]},
        valid_from=lambda p, r: {"valid_from": _in(1)},
        valid_to=lambda p, r: {"valid_to": _in(20)},
        discount_percent=lambda p, r: {"discount_percent": "12.50"},
        **CATALOG_CODE,
    ),
)


def _item(p: Personas) -> PriceListItem:
    return PriceListItem.objects.get(price_list=p.price_list_a1, sku=p.sku)


NEWS = Editable(
    "news",
    NewsItem,
    portal_api.NewsItemSerializer,
    portal_policies.NEWS_FIELDS,
    lambda p, r: f"/api/v1/news/{r['news'].pk}/",
    lambda p, r: NewsItem.objects.get(pk=r["news"].pk),
    changes={
        "audience": lambda p, r: {"audience": ["local_chain"]},
        "published_at": lambda p, r: {
            "published_at": (timezone.now() - dt.timedelta(days=1))
            .replace(microsecond=0)
            .isoformat()
        },
    },
)
# Promotions are edited on their own page (a plain form, see below).
EDITABLES = (CUSTOMER, OUTLET, CONTACT, LEAD, OPPORTUNITY, ACTIVITY, *CATALOG, NEWS)


# --- the API -----------------------------------------------------------------------------------
def _body(editable: Editable, name: str, p: Personas, r: dict[str, Any]) -> dict[str, Any]:
    change = editable.changes.get(name)
    if change is not None:
        return change(p, r)
    return {name: generic_value(editable.record(p, r), name)}


def _expected(editable: Editable, role: str, name: str) -> str:
    user_role = type("U", (), {"is_authenticated": True, "is_active": True, "role": role})()
    if name in writable_fields(user_role, editable.allow):
        return "changed"
    if name in writable_fields(user_role, editable.fixed):
        return "bad_input"
    return "refused"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("editable", EDITABLES, ids=lambda e: e.name)
def test_api_writes_exactly_the_allow_listed_fields(personas, records, editable, role):
    user = getattr(personas, PERSONA[role])
    client = APIClient()
    client.force_authenticate(user=user)
    problems = []
    for name in editable.walked_fields():
        expected = _expected(editable, role, name)
        with transaction.atomic():
            sid = transaction.savepoint()
            before = editable.record(personas, records)
            was = _snapshot(before, name)
            body = _body(editable, name, personas, records)
            response = client.patch(editable.url(personas, records), body, format="json")
            after = editable.record(personas, records)
            changed = _snapshot(after, name) != was
            status = response.status_code
            transaction.savepoint_rollback(sid)
        if expected == "changed":
            ok = status == 200 and changed
        elif expected == "bad_input":
            ok = status == 400 and not changed
        else:
            ok = status in (403, 404) and not changed and after.version == before.version  # type: ignore[attr-defined]
        if not ok:
            detail = getattr(response, "data", None)
            problems.append(f"{name}: wanted {expected}, got {status} changed={changed} {detail}")
    assert not problems, f"{editable.name} as {role}:\n" + "\n".join(problems)


def test_every_allow_listed_field_is_a_serializer_field():
    """A policy cannot name a field the API does not have (a typo would go unnoticed)."""
    for editable in EDITABLES:
        walked = set(editable.walked_fields())
        for role, names in editable.allow.items():
            assert names <= walked, (editable.name, role, names - walked)


# --- the edit pages ------------------------------------------------------------------------------
def _offered(form: Any) -> set[str]:
    return {name for name, f in form.fields.items() if not f.disabled}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    "editable", [e for e in EDITABLES if e.edit_page is not None], ids=lambda e: e.name
)
def test_edit_form_offers_exactly_the_allow_listed_fields(personas, records, editable, role):
    user = getattr(personas, PERSONA[role])
    client = Client()
    client.force_login(user)
    response = client.get(editable.edit_page(personas, records))  # type: ignore[misc]
    allowed = writable_fields(user, editable.allow)
    if not allowed:
        assert response.status_code in (403, 404)
        return
    assert response.status_code == 200
    assert _offered(response.context["form"]) == set(allowed)


@pytest.mark.parametrize("role", list(Role))
def test_promotion_form_offers_exactly_the_allow_listed_fields(personas, records, role):
    user = getattr(personas, PERSONA[role])
    client = Client()
    client.force_login(user)
    response = client.get(f"/promotions/{records['promotion'].code}/edit/")
    allowed = writable_fields(user, catalog_policies.PROMOTION_FIELDS)
    if not allowed:
        assert response.status_code in (403, 404)
        return
    assert response.status_code == 200
    assert _offered(response.context["form"]) == set(allowed)


# --- the review's reproductions (security review 2026-12, M1 and M2; ux review D24, D26) -------
@pytest.mark.parametrize(
    ("field", "value"), [("payment_terms", "Net 365 days"), ("credit_rating", "AAA")]
)
def test_customer_user_cannot_set_its_own_credit_terms(personas, field, value):
    customer = personas.cust_a1
    customer.payment_terms, customer.credit_rating = "票到60天付款", "AA"
    customer.save()
    client = APIClient()
    client.force_authenticate(user=personas.cu_a1)
    response = client.patch(f"/api/v1/customers/{customer.code}/", {field: value}, format="json")
    assert response.status_code == 403
    after = Customer.objects.all_unscoped().get(pk=customer.pk)
    assert (after.payment_terms, after.credit_rating) == ("票到60天付款", "AA")
    assert after.version == customer.version


def test_customer_user_edit_form_does_not_offer_credit_terms(personas):
    client = Client()
    client.force_login(personas.cu_a1)
    response = client.get(f"/customers/{personas.cust_a1.code}/edit/")
    form = response.context["form"]
    assert not {"payment_terms", "credit_rating", "notes", "tier"} & set(form.fields)
    posted = {
        "name": personas.cust_a1.name,
        "payment_terms": "票到180天付款",
        "credit_rating": "AAA",
        "phone": "0532-1",
    }
    response = client.post(f"/customers/{personas.cust_a1.code}/edit/", posted | {"version": "1"})
    assert response.status_code == 302
    after = Customer.objects.all_unscoped().get(pk=personas.cust_a1.pk)
    assert (after.phone, after.payment_terms, after.credit_rating) == ("0532-1", "", "")


def test_customer_user_does_not_see_our_classification_or_internal_note(personas):
    customer = personas.cust_a1
    customer.tier, customer.priority, customer.is_key_account = "vip", "A", True
    customer.notes, customer.shared_notes = "有意向增开门店；关注竞品促销动态", "每月对账"
    customer.save()
    client = APIClient()
    client.force_authenticate(user=personas.cu_a1)
    body = client.get(f"/api/v1/customers/{customer.code}/").json()
    assert not {"tier", "priority", "is_key_account", "credit_rating", "notes"} & set(body)
    assert body["shared_notes"] == "每月对账"
    listed = client.get("/api/v1/customers/").json()["results"][0]
    assert not {"tier", "priority", "is_key_account"} & set(listed)
    page = Client()
    page.force_login(personas.cu_a1)
    html = page.get(f"/customers/{customer.code}/").content.decode()
    assert "有意向增开门店" not in html and "每月对账" in html
    assert 'data-testid="customer-notes"' not in html
    staff = APIClient()
    staff.force_authenticate(user=personas.am_a)
    assert staff.get(f"/api/v1/customers/{customer.code}/").json()["notes"].startswith("有意向")


def test_customer_user_history_leaves_out_internal_changes(personas):
    staff = APIClient()
    staff.force_authenticate(user=personas.am_a)
    url = f"/api/v1/customers/{personas.cust_a1.code}/"
    assert staff.patch(url, {"notes": "内部：准备降级"}, format="json").status_code == 200
    assert staff.patch(url, {"phone": "0532-2"}, format="json").status_code == 200
    client = APIClient()
    client.force_authenticate(user=personas.cu_a1)
    entries = client.get(url + "history/").json()
    fields = {c["field"] for e in entries for c in e["changes"]}
    assert "phone" in fields and "notes" not in fields
    assert "notes" in {c["field"] for e in staff.get(url + "history/").json() for c in e["changes"]}


def test_customer_user_cannot_write_a_hidden_field(personas):
    client = APIClient()
    client.force_authenticate(user=personas.cu_a1)
    url = f"/api/v1/customers/{personas.cust_a1.code}/"
    response = client.patch(url, {"notes": "我来改"}, format="json")
    assert response.status_code == 403
    assert Customer.objects.all_unscoped().get(pk=personas.cust_a1.pk).notes == ""


def test_a_value_unchanged_is_accepted_from_a_role_that_may_not_write_it(personas):
    """Forms and PUT send every field: the current value of a field is not a change."""
    client = APIClient()
    client.force_authenticate(user=personas.am_a)
    url = f"/api/v1/customers/{personas.cust_a1.code}/"
    current = str(personas.cust_a1.credit_limit)
    response = client.patch(url, {"credit_limit": current, "phone": "0532-3"}, format="json")
    assert response.status_code == 200
    assert response.data["phone"] == "0532-3"
