"""The Django admin shows business records read-only: their writes are the services'."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import shared_personas
from roots.core.admin import ReadOnlyAdmin
from roots.customers.models import Customer
from roots.finance.models import Invoice
from roots.finance.tests.factories import invoice
from roots.orders import services as order_services
from roots.orders.models import Order
from roots.org.models import Branch, CallCenter, Province, Role, User
from roots.portal.models import NewsItem
from roots.procurement.models import Supplier

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

# What has no service is kept in the admin; the news is written there through its service.
EDITABLE = {Province, Branch, CallCenter, User, Supplier, NewsItem}


@pytest.fixture
def records(personas: Any) -> dict[type, Any]:
    order = order_services.order_submit(
        user=personas.cu_a1,
        data={"outlet": personas.outlet_a1, "lines": [{"sku": personas.sku, "quantity": 2}]},
    )
    return {
        Customer: personas.cust_a1,
        Order: order,
        Invoice: invoice(personas.cust_a1, "100.00", date(2026, 3, 1)),
    }


def _superuser(user: User) -> User:
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def hq_admin(personas: Any) -> Client:
    client = Client()
    client.force_login(_superuser(personas.hq))
    return client


def _url(name: str, model: type[Model], *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


@pytest.mark.parametrize("model", [Customer, Order, Invoice])
def test_hq_admin_sees_the_list_and_the_record(hq_admin, records, model):
    record = records[model]
    assert hq_admin.get(_url("changelist", model)).status_code == 200
    page = hq_admin.get(_url("change", model, record.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown, not a form to save


@pytest.mark.parametrize("model", [Customer, Order, Invoice])
def test_hq_admin_may_not_add_change_or_delete(hq_admin, records, model):
    record = records[model]
    version = record.version
    assert hq_admin.get(_url("add", model)).status_code == 403
    assert hq_admin.post(_url("add", model), {}).status_code == 403
    assert hq_admin.post(_url("change", model, record.pk), {}).status_code == 403
    assert hq_admin.get(_url("delete", model, record.pk)).status_code == 403
    assert hq_admin.post(_url("delete", model, record.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    hq_admin.post(_url("changelist", model), bulk)
    record.refresh_from_db()
    assert record.version == version


def test_history_shows_but_reverting_is_refused(hq_admin, personas):
    customer = personas.cust_a1
    entry = customer.history.latest()
    url = _url("simple_history", Customer, customer.pk, entry.history_id)
    assert hq_admin.get(_url("history", Customer, customer.pk)).status_code == 200
    assert hq_admin.get(url).status_code == 200
    assert hq_admin.post(url, {"name": "改名", "code": customer.code}).status_code == 403
    customer.refresh_from_db()
    assert customer.name == "国美电器青岛有限公司"


def test_every_business_record_admin_is_read_only(personas):
    request = RequestFactory().get("/admin/")
    request.user = _superuser(personas.hq)
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("roots.") or model in EDITABLE:
            continue
        assert isinstance(model_admin, ReadOnlyAdmin), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def _news(**extra: Any) -> dict[str, Any]:
    return {
        "title": "新品上市",
        "kind": "news",
        "body": "海尔新款冰箱。",
        "published_at_0": "2026-03-01",
        "published_at_1": "09:00:00",
        "is_published": "on",
        "audience": ["local_chain"],
        **extra,
    }


def test_news_admin_writes_through_the_service(hq_admin, personas):
    response = hq_admin.post(_url("add", NewsItem), _news())
    assert response.status_code == 302, response.content.decode()[-2000:]
    item = NewsItem.objects.get(title="新品上市")
    assert (item.version, item.author, item.audience) == (1, personas.hq, ["local_chain"])
    response = hq_admin.post(_url("change", NewsItem, item.pk), _news(title="新品上市啦"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("新品上市啦", 2)
    assert item.history.latest().history_user == personas.hq
    assert hq_admin.post(_url("delete", NewsItem, item.pk), {"post": "yes"}).status_code == 302
    assert not NewsItem.objects.filter(pk=item.pk).exists()


def test_news_admin_is_read_only_for_a_superuser_outside_headquarters(personas):
    client = Client()
    client.force_login(_superuser(personas.pm))
    assert personas.pm.role == Role.PRODUCT_MANAGER
    assert client.get(_url("changelist", NewsItem)).status_code == 200
    assert client.get(_url("add", NewsItem)).status_code == 403
