"""Shared fixtures: fixed personas (STYLE.md habit 8) and API clients."""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from rest_framework.test import APIClient

from roots.catalog.models import CustomerPrice, PriceList, Sku
from roots.catalog.tests.factories import (
    CategoryFactory,
    CustomerPriceFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProductModelFactory,
    SkuFactory,
    StockLevelFactory,
    WarehouseFactory,
)
from roots.customers.models import ChannelType, Contact, Customer, Outlet
from roots.customers.tests.factories import ContactFactory, CustomerFactory, OutletFactory
from roots.org.models import Branch, Role, User
from roots.org.tests.factories import BranchFactory, ProvinceFactory, SupplierFactory, UserFactory
from roots.procurement.models import Supplier

# The browser tests' fixtures (`browser`, `page`, `shoot`): one Chromium per test process.
pytest_plugins = ["tests.browser"]

PASSWORD = "pass-word-123"


def pytest_collection_modifyitems(config, items):
    """`TEST_SHARD=i/n` keeps the i-th of n shards of the collected tests, chosen by a hash
    of each test's id (stable between runs), so that n processes can share a long file such
    as the schema fuzzing, each with a test database of its own (`TEST_DB_SUFFIX`)."""
    shard = os.environ.get("TEST_SHARD")
    if not shard:
        return
    index, count = (int(part) for part in shard.split("/"))
    kept, dropped = [], []
    for item in items:
        mine = zlib.crc32(f"{item.nodeid}|{item.name}".encode()) % count == index
        (kept if mine else dropped).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database is a copy of a template migrated once per schema (tests/db_template.py)
    rather than migrated anew by every test process."""
    from tests.db_template import create_test_database, destroy_test_database

    with django_db_blocker.unblock():
        original = create_test_database()
    yield
    with django_db_blocker.unblock():
        destroy_test_database(original)


@pytest.fixture
def english(settings):
    """Run a test in English (the default language is Chinese), for tests that read
    messages: `pytestmark = pytest.mark.usefixtures("english")`."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache, which outlives a test's transaction."""
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class Personas:
    """Two branches (A, B); in A two account managers, in B one; three customers, each
    with an outlet and a contact; a user at customers A1 and B1; a supplier and its user."""

    branch_a: Branch
    branch_b: Branch
    hq: User
    bm_a: User
    bm_b: User
    am_a: User
    am_a2: User
    am_b: User
    pm: User
    agent: User
    engineer: User
    cust_a1: Customer
    cust_a2: Customer
    cust_b1: Customer
    cu_a1: User
    cu_b1: User
    supplier: Supplier
    su: User
    outlet_a1: Outlet
    outlet_a2: Outlet
    outlet_b1: Outlet
    contact_a1: Contact
    contact_a2: Contact
    contact_b1: Contact
    # The catalog: one SKU; price lists of A1's and B1's channel types; each of A1 and B1
    # with a customer-specific price for the SKU.
    sku: Sku
    price_list_a1: PriceList
    price_list_b1: PriceList
    price_a1: CustomerPrice
    price_b1: CustomerPrice

    def all_users(self) -> dict[str, User]:
        return {name: value for name, value in vars(self).items() if isinstance(value, User)}


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """For data a whole module shares (the same personas for hundreds of cases): module
    fixtures that depend on this one write inside a transaction that stays open for the
    module (unblocking the database only while they build); each test marked `django_db`
    runs in a savepoint of it, rolled back after the test, and the whole is rolled back
    after the module. Not for modules with `transaction=True` tests or a live server."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_personas(module_transaction, django_db_blocker) -> Personas:
    """The personas built once for the module, for the module's own module fixtures."""
    with django_db_blocker.unblock():
        return build_personas()


def shared_personas(module_personas, db) -> Personas:
    """The module's personas, read afresh for each test (so that no test sees another's
    changes to the objects): a module opts in with
    `personas = pytest.fixture(shared_personas, name="personas")`."""
    wanted: dict[type[Model], list[int]] = {}
    for value in vars(module_personas).values():
        wanted.setdefault(type(value), []).append(value.pk)
    loaded = {model: model._default_manager.in_bulk(pks) for model, pks in wanted.items()}
    fresh: dict[str, Any] = {
        name: loaded[type(v)][v.pk] for name, v in vars(module_personas).items()
    }
    return Personas(**fresh)


def build_personas() -> Personas:
    shandong = ProvinceFactory.create(
        code="370000", name="山东省", short_name="山东", name_en="Shandong"
    )
    beijing = ProvinceFactory.create(
        code="110000", name="北京市", short_name="北京", name_en="Beijing"
    )
    branch_a = BranchFactory.create(code="BA", name="青岛工贸", province=shandong, city="青岛")
    branch_b = BranchFactory.create(code="BB", name="北京工贸", province=beijing, city="北京")

    def user(username: str, role: str, **extra: object) -> User:
        return UserFactory.create(username=username, role=role, full_name=username, **extra)

    am_a = user("am_a", Role.ACCOUNT_MANAGER, branch=branch_a)
    am_a2 = user("am_a2", Role.ACCOUNT_MANAGER, branch=branch_a)
    am_b = user("am_b", Role.ACCOUNT_MANAGER, branch=branch_b)
    cust_a1 = CustomerFactory.create(
        code="C100001",
        name="国美电器青岛有限公司",
        channel_type=ChannelType.MULTINATIONAL_CHAIN,
        branch=branch_a,
        account_manager=am_a,
    )
    cust_a2 = CustomerFactory.create(
        code="C100002",
        name="利群商厦",
        channel_type=ChannelType.DEPARTMENT_STORE,
        branch=branch_a,
        account_manager=am_a2,
    )
    cust_b1 = CustomerFactory.create(
        code="C100003",
        name="大中电器",
        channel_type=ChannelType.LOCAL_CHAIN,
        branch=branch_b,
        account_manager=am_b,
    )
    supplier = SupplierFactory.create(code="P00001", name="青岛压缩机厂")
    fridges = CategoryFactory.create(code="FRIDGE", name="冰箱", name_en="Refrigerators")
    sku = SkuFactory.create(
        code="BCD-216STPT-W",
        name="海尔 BCD-216STPT 216升三门冰箱",
        product_model=ProductModelFactory.create(
            code="BCD-216STPT", name="海尔216升三门冰箱", category=fridges
        ),
    )
    StockLevelFactory.create(
        sku=sku, warehouse=WarehouseFactory.create(code="WH-BA-1", province=shandong)
    )
    price_list_a1 = PriceListFactory.create(
        code="PL-MC", name="跨国连锁价格表", channel_type=ChannelType.MULTINATIONAL_CHAIN
    )
    price_list_b1 = PriceListFactory.create(
        code="PL-LC", name="区域连锁价格表", channel_type=ChannelType.LOCAL_CHAIN
    )
    PriceListItemFactory.create(price_list=price_list_a1, sku=sku)
    PriceListItemFactory.create(price_list=price_list_b1, sku=sku)
    return Personas(
        branch_a=branch_a,
        branch_b=branch_b,
        hq=user("hq", Role.HQ_ADMIN),
        bm_a=user("bm_a", Role.BRANCH_MANAGER, branch=branch_a),
        bm_b=user("bm_b", Role.BRANCH_MANAGER, branch=branch_b),
        am_a=am_a,
        am_a2=am_a2,
        am_b=am_b,
        pm=user("pm", Role.PRODUCT_MANAGER),
        agent=user("agent", Role.CALL_AGENT),
        engineer=user("engineer", Role.ENGINEER, branch=branch_a),
        cust_a1=cust_a1,
        cust_a2=cust_a2,
        cust_b1=cust_b1,
        cu_a1=user("cu_a1", Role.CUSTOMER_USER, customer=cust_a1),
        cu_b1=user("cu_b1", Role.CUSTOMER_USER, customer=cust_b1),
        supplier=supplier,
        su=user("su", Role.SUPPLIER_USER, supplier=supplier),
        outlet_a1=OutletFactory.create(code="S1000001", customer=cust_a1, province=shandong),
        outlet_a2=OutletFactory.create(code="S1000002", customer=cust_a2, province=shandong),
        outlet_b1=OutletFactory.create(code="S1000003", customer=cust_b1, province=beijing),
        contact_a1=ContactFactory.create(customer=cust_a1, name="张伟"),
        contact_a2=ContactFactory.create(customer=cust_a2, name="李娜"),
        contact_b1=ContactFactory.create(customer=cust_b1, name="王芳"),
        sku=sku,
        price_list_a1=price_list_a1,
        price_list_b1=price_list_b1,
        price_a1=CustomerPriceFactory.create(customer=cust_a1, sku=sku),
        price_b1=CustomerPriceFactory.create(customer=cust_b1, sku=sku),
    )


@pytest.fixture
def api() -> ApiClients:
    return ApiClients()


class ApiClients:
    """`api.as_(user)` gives an APIClient authenticated as that user."""

    def as_(self, user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client
