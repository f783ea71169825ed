"""The access matrix: every endpoint and page, for every role, inside and outside its scope.

The security model (DESIGN.md section 1) in one table: a record outside the user's scope
answers 404 (reads and writes alike), a record in scope that the role may not change answers
403, lists and searches contain exactly the records in scope, and so do the HTML pages and
the XLSX export.

How the table is built
----------------------
* `ROLES` are the persona names of the `personas` fixture (conftest.py).
* A `Resource` is one API collection (`/api/v1/customers/` ...): how to address a record,
  a change that every editor may make (`patch`), a body that creates one (`create_body`)
  and who may create (`create_expect`).
* A `Record` is one persona record of a resource with its `viewers` (roles that see it) and
  `editors` (roles that may change it). From these the tests derive the expected status of
  every verb for every role: GET/history 200 for viewers and 404 for the others; PATCH/PUT
  (and DELETE where offered) 2xx for editors, 403 for viewers that are not editors, 404 for
  everyone else; lists and `?search=` show a record exactly to its viewers.
* `EXTRA_API_CASES` holds rows that do not follow from viewers/editors (forbidden fields,
  read-only resources, `me`, `branches`, `token`).
* `PAGES` does the same for the HTML pages of the URL contract.

How to add an endpoint (a later app)
------------------------------------
1. Add a `Resource` for its collection to `RESOURCES`: its URL, model and key field, a
   `patch` every editor may send, `create_body`/`create_expect` (or `create_body=None` for
   a collection without POST) and whether it is `deletable`.
2. Add one `Record` per persona record it holds to `RECORDS`, listing `viewers` and
   `editors` (roles by persona name; build them with the sets below, e.g. `A1_VIEWERS`).
   Records of new models need personas: add them to the `personas` fixture first.
3. Anything irregular (a verb only some roles have, a field only some roles may set) is an
   `ApiCase` in `EXTRA_API_CASES`; HTML pages are `Page` rows in `PAGES`.
Every test here is parametrised over these tables, so nothing else needs to change.

Each test sets up the personas once and runs every role's request in a transaction that is
rolled back, so that one role's write cannot change what the next role sees; a test reports
every role that got a different answer, not just the first.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from conftest import PASSWORD, Personas, shared_personas
from roots.catalog.models import CustomerPrice, PriceList, Sku
from roots.customers.models import Contact, Customer, Outlet
from roots.org.models import User

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

ROLES = (
    "hq",
    "bm_a",
    "bm_b",
    "am_a",
    "am_a2",
    "am_b",
    "pm",
    "agent",
    "engineer",
    "cu_a1",
    "cu_b1",
    "su",
)
STAFF = frozenset(ROLES) - {"cu_a1", "cu_b1", "su"}
PORTAL = frozenset({"cu_a1", "cu_b1", "su"})

# Who sees and who may change the records of customer A1 (am_a, branch A), A2 (am_a2,
# branch A) and B1 (am_b, branch B), and everything that hangs off them.
A1_VIEWERS = frozenset({"hq", "bm_a", "am_a", "pm", "cu_a1"})
A1_EDITORS = frozenset({"hq", "bm_a", "am_a", "cu_a1"})
A2_VIEWERS = frozenset({"hq", "bm_a", "am_a2", "pm"})
A2_EDITORS = frozenset({"hq", "bm_a", "am_a2"})
B1_VIEWERS = frozenset({"hq", "bm_b", "am_b", "pm", "cu_b1"})
B1_EDITORS = frozenset({"hq", "bm_b", "am_b", "cu_b1"})
CUSTOMER_CREATORS = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b"})
# The catalog: every staff role and customer users read it; hq and product managers write
# it. Staff who sell see every price list; a customer user its own channel type's only.
CATALOG_VIEWERS = STAFF | {"cu_a1", "cu_b1"}
CATALOG_EDITORS = frozenset({"hq", "pm"})
PRICE_STAFF = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "pm"})
CATALOG_CREATE = {r: 201 if r in CATALOG_EDITORS else 403 for r in ROLES}


# --- the table ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Resource:
    name: str
    url: str
    model: type[Any]
    key: str  # the field of the API answer that addresses a record
    patch: Mapping[str, Any]  # a change every editor of a record may make
    create_body: Callable[[Personas], dict[str, Any]] | None
    create_expect: Mapping[str, int] = field(default_factory=dict)
    deletable: bool = False
    read_only_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Record:
    resource: Resource
    label: str
    key: Callable[[Personas], str]
    search: Callable[[Personas], str]  # a term that finds this record (and maybe others)
    viewers: frozenset[str]
    editors: frozenset[str]

    @property
    def model(self) -> type[Any]:
        return self.resource.model

    def url(self, personas: Personas) -> str:
        return f"{self.resource.url}{self.key(personas)}/"

    def instance(self, personas: Personas) -> Any:
        lookup = {self.resource.key: self.key(personas)}
        return self.model.objects.all_unscoped().get(**lookup)


def _expect_by_access(
    viewers: AbstractSet[str], editors: AbstractSet[str], ok: int
) -> dict[str, int]:
    return {role: ok if role in editors else 403 if role in viewers else 404 for role in ROLES}


CUSTOMERS = Resource(
    name="customers",
    url="/api/v1/customers/",
    model=Customer,
    key="code",
    patch={"phone": "0532-88886666"},
    create_body=lambda p: {
        "name": "海信广场",
        "channel_type": "department_store",
        "branch": p.branch_a.code,
    },
    # Creators in branch A create there; those of branch B may not create in branch A (a
    # field error on `branch`); roles that may not create at all get 403.
    create_expect=dict.fromkeys(ROLES, 403)
    | dict.fromkeys(["hq", "bm_a", "am_a", "am_a2"], 201)
    | dict.fromkeys(["bm_b", "am_b"], 400),
    read_only_fields=frozenset(
        {"branch_name", "account_manager_name", "version", "created_at", "updated_at"}
    ),
)
OUTLETS = Resource(
    name="outlets",
    url="/api/v1/outlets/",
    model=Outlet,
    key="code",
    patch={"address": "香港中路8号"},
    create_body=lambda p: {
        "customer": p.cust_a1.code,
        "name": "国美香港中路店",
        "format": "flagship",
        "province": "370000",
        "city": "青岛",
    },
    # Only editors of customer A1 add its outlets; the product manager sees A1 but may not
    # write (403); for everyone else A1's code does not exist (a field error, never a leak).
    create_expect=_expect_by_access(A1_VIEWERS, A1_EDITORS, 201)
    | {role: 400 for role in ROLES if role not in A1_VIEWERS},
    read_only_fields=frozenset(
        {"customer_name", "province_name", "version", "created_at", "updated_at"}
    ),
)
CONTACTS = Resource(
    name="contacts",
    url="/api/v1/contacts/",
    model=Contact,
    key="id",
    patch={"title": "总经理"},
    create_body=lambda p: {"customer": p.cust_a1.code, "name": "赵敏", "mobile": "13800000001"},
    create_expect=_expect_by_access(A1_VIEWERS, A1_EDITORS, 201)
    | {role: 400 for role in ROLES if role not in A1_VIEWERS},
    deletable=True,
    read_only_fields=frozenset({"id", "customer_name", "version", "created_at", "updated_at"}),
)
PRODUCTS = Resource(
    name="products",
    url="/api/v1/products/",
    model=Sku,
    key="code",
    patch={"colour": "钛灰"},
    create_body=lambda p: {
        "code": "BCD-300WDPD-W",
        "product_model": "BCD-216STPT",
        "name": "海尔 BCD-300WDPD 300升法式多门冰箱",
        "list_price": "4999.00",
    },
    create_expect=CATALOG_CREATE,
    read_only_fields=frozenset(
        {"product_model_name", "category", "your_price", "version", "created_at", "updated_at"}
    ),
)
PRICE_LISTS = Resource(
    name="price-lists",
    url="/api/v1/price-lists/",
    model=PriceList,
    key="code",
    patch={"name": "2026年新价格表"},
    create_body=lambda p: {
        "code": "PL-NEW",
        "name": "百货价格表",
        "channel_type": "department_store",
        "valid_from": "2026-01-01",
    },
    create_expect=CATALOG_CREATE,
    read_only_fields=frozenset({"currency", "version", "created_at", "updated_at"}),
)
CUSTOMER_PRICES = Resource(
    name="customer-prices",
    url="/api/v1/customer-prices/",
    model=CustomerPrice,
    key="id",
    patch={"price": "2399.00"},
    create_body=lambda p: {
        "customer": p.cust_a1.code,
        "sku": p.sku.code,
        "price": "2299.00",
        "valid_from": "2026-03-01",
    },
    create_expect=CATALOG_CREATE,
    read_only_fields=frozenset(
        {"id", "customer_name", "sku_name", "version", "created_at", "updated_at"}
    ),
)
RESOURCES = (CUSTOMERS, OUTLETS, CONTACTS, PRODUCTS, PRICE_LISTS, CUSTOMER_PRICES)

RECORDS = (
    Record(
        CUSTOMERS,
        "C100001",
        lambda p: p.cust_a1.code,
        lambda p: p.cust_a1.name,
        A1_VIEWERS,
        A1_EDITORS,
    ),
    Record(
        CUSTOMERS,
        "C100002",
        lambda p: p.cust_a2.code,
        lambda p: p.cust_a2.name,
        A2_VIEWERS,
        A2_EDITORS,
    ),
    Record(
        CUSTOMERS,
        "C100003",
        lambda p: p.cust_b1.code,
        lambda p: p.cust_b1.name,
        B1_VIEWERS,
        B1_EDITORS,
    ),
    Record(
        OUTLETS,
        "S1000001",
        lambda p: p.outlet_a1.code,
        lambda p: p.outlet_a1.code,
        A1_VIEWERS,
        A1_EDITORS,
    ),
    Record(
        OUTLETS,
        "S1000002",
        lambda p: p.outlet_a2.code,
        lambda p: p.outlet_a2.code,
        A2_VIEWERS,
        A2_EDITORS,
    ),
    Record(
        OUTLETS,
        "S1000003",
        lambda p: p.outlet_b1.code,
        lambda p: p.outlet_b1.code,
        B1_VIEWERS,
        B1_EDITORS,
    ),
    Record(
        CONTACTS,
        "contact_a1",
        lambda p: str(p.contact_a1.pk),
        lambda p: p.contact_a1.name,
        A1_VIEWERS,
        A1_EDITORS,
    ),
    Record(
        CONTACTS,
        "contact_a2",
        lambda p: str(p.contact_a2.pk),
        lambda p: p.contact_a2.name,
        A2_VIEWERS,
        A2_EDITORS,
    ),
    Record(
        CONTACTS,
        "contact_b1",
        lambda p: str(p.contact_b1.pk),
        lambda p: p.contact_b1.name,
        B1_VIEWERS,
        B1_EDITORS,
    ),
    Record(
        PRODUCTS,
        "BCD-216STPT-W",
        lambda p: p.sku.code,
        lambda p: p.sku.name,
        CATALOG_VIEWERS,
        CATALOG_EDITORS,
    ),
    Record(
        PRICE_LISTS,
        "PL-MC",
        lambda p: p.price_list_a1.code,
        lambda p: p.price_list_a1.name,
        PRICE_STAFF | {"cu_a1"},
        CATALOG_EDITORS,
    ),
    Record(
        PRICE_LISTS,
        "PL-LC",
        lambda p: p.price_list_b1.code,
        lambda p: p.price_list_b1.name,
        PRICE_STAFF | {"cu_b1"},
        CATALOG_EDITORS,
    ),
    Record(
        CUSTOMER_PRICES,
        "price_a1",
        lambda p: str(p.price_a1.pk),
        lambda p: p.cust_a1.name,
        A1_VIEWERS,
        CATALOG_EDITORS,
    ),
    Record(
        CUSTOMER_PRICES,
        "price_b1",
        lambda p: str(p.price_b1.pk),
        lambda p: p.cust_b1.name,
        B1_VIEWERS,
        CATALOG_EDITORS,
    ),
)


@dataclass(frozen=True)
class ApiCase:
    """One request and the status each role must get (`expect`, else `default`)."""

    label: str
    method: str
    url: Callable[[Personas], str]
    expect: Mapping[str, int]
    body: Callable[[Personas], Any] | None = None


ALL_200 = dict.fromkeys(ROLES, 200)


def _api_token_url(personas: Personas, role: str) -> str:
    """The address of a new API token of `role`."""
    from roots.org.services import api_token_create

    token, _secret = api_token_create(user=getattr(personas, role))
    return f"/api/v1/auth/tokens/{token.token_key}/"


EXTRA_API_CASES = (
    # Forbidden fields: in scope, but the role may not set them (403); hq may. Moving a
    # customer to branch B with its branch-A account manager is bad input even for hq (400).
    ApiCase(
        "customer-credit-limit",
        "PATCH",
        lambda p: "/api/v1/customers/C100001/",
        _expect_by_access(A1_VIEWERS, {"hq", "bm_a"}, 200),
        lambda p: {"credit_limit": "5000000.00"},
    ),
    ApiCase(
        "customer-branch",
        "PATCH",
        lambda p: "/api/v1/customers/C100001/",
        _expect_by_access(A1_VIEWERS, {"hq"}, 400),
        lambda p: {"branch": p.branch_b.code},
    ),
    ApiCase(
        "customer-account-manager",
        "PATCH",
        lambda p: "/api/v1/customers/C100001/",
        _expect_by_access(A1_VIEWERS, {"hq", "bm_a"}, 200),
        lambda p: {"account_manager": p.am_a2.username},
    ),
    ApiCase(
        "customer-tier",
        "PATCH",
        lambda p: "/api/v1/customers/C100001/",
        _expect_by_access(A1_VIEWERS, {"hq", "bm_a", "am_a"}, 200),
        lambda p: {"tier": "vip", "is_key_account": True},
    ),
    # Verbs a resource does not offer: 405 for everyone, inside or outside the scope.
    ApiCase(
        "customer-delete",
        "DELETE",
        lambda p: "/api/v1/customers/C100001/",
        dict.fromkeys(ROLES, 405),
    ),
    ApiCase(
        "outlet-delete",
        "DELETE",
        lambda p: "/api/v1/outlets/S1000003/",
        dict.fromkeys(ROLES, 405),
    ),
    # Branches are reference data: every signed-in user reads them, nobody writes them.
    ApiCase("branch-list", "GET", lambda p: "/api/v1/branches/", ALL_200),
    ApiCase("branch-retrieve", "GET", lambda p: "/api/v1/branches/BB/", ALL_200),
    ApiCase("branch-history", "GET", lambda p: "/api/v1/branches/BA/history/", ALL_200),
    ApiCase("branch-missing", "GET", lambda p: "/api/v1/branches/NOPE/", dict.fromkeys(ROLES, 404)),
    ApiCase(
        "branch-create",
        "POST",
        lambda p: "/api/v1/branches/",
        dict.fromkeys(ROLES, 405),
        lambda p: {"code": "BX", "name": "新工贸"},
    ),
    ApiCase(
        "branch-update",
        "PATCH",
        lambda p: "/api/v1/branches/BA/",
        dict.fromkeys(ROLES, 405),
        lambda p: {"name": "新名字"},
    ),
    ApiCase("me", "GET", lambda p: "/api/v1/me/", ALL_200),
    # Catalog reference data: read by staff and customer users (404 for suppliers), written
    # by hq and product managers only.
    ApiCase(
        "category-retrieve",
        "GET",
        lambda p: "/api/v1/categories/FRIDGE/",
        {r: 200 if r in CATALOG_VIEWERS else 404 for r in ROLES},
    ),
    ApiCase(
        "category-create",
        "POST",
        lambda p: "/api/v1/categories/",
        CATALOG_CREATE,
        lambda p: {"code": "TV", "name": "电视"},
    ),
    ApiCase(
        "product-model-update",
        "PATCH",
        lambda p: "/api/v1/product-models/BCD-216STPT/",
        _expect_by_access(CATALOG_VIEWERS, CATALOG_EDITORS, 200),
        lambda p: {"series": "卡萨帝"},
    ),
    ApiCase(
        "warehouse-retrieve",
        "GET",
        lambda p: "/api/v1/warehouses/WH-BA-1/",
        {r: 200 if r in CATALOG_VIEWERS else 404 for r in ROLES},
    ),
    ApiCase("stock-list", "GET", lambda p: "/api/v1/stock/?warehouse=WH-BA-1", ALL_200),
    ApiCase(
        "product-delete",
        "DELETE",
        lambda p: "/api/v1/products/BCD-216STPT-W/",
        dict.fromkeys(ROLES, 405),
    ),
    # API tokens: each user lists and revokes only their own; another user's token answers
    # 404 like a missing one.
    ApiCase("api-token-list", "GET", lambda p: "/api/v1/auth/tokens/", ALL_200),
    ApiCase(
        "api-token-revoke",
        "DELETE",
        lambda p: _api_token_url(p, "am_b"),
        {r: 204 if r == "am_b" else 404 for r in ROLES},
    ),
    ApiCase("api-token-revoke-all", "POST", lambda p: "/api/v1/auth/tokens/revoke-all/", ALL_200),
    # Records that do not exist answer like records out of scope.
    ApiCase(
        "customer-missing",
        "GET",
        lambda p: "/api/v1/customers/C999999/",
        dict.fromkeys(ROLES, 404),
    ),
    ApiCase(
        "contact-missing",
        "PATCH",
        lambda p: "/api/v1/contacts/999999/",
        dict.fromkeys(ROLES, 404),
        lambda p: {"title": "x"},
    ),
)


# --- helpers --------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The token endpoint's rate limit counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def _api(personas: Personas, role: str | None) -> APIClient:
    client = APIClient()
    if role is not None:
        client.force_authenticate(user=getattr(personas, role))
    return client


def _send(client: APIClient, method: str, url: str, body: Any = None) -> Any:
    call = getattr(client, method.lower())
    if body is None:
        return call(url)
    return call(url, body, format="json")


def _isolated(func: Callable[[], Any]) -> Any:
    """Run `func` in a transaction that is rolled back afterwards."""
    with transaction.atomic():
        try:
            return func()
        finally:
            transaction.set_rollback(True)


def _check_roles(
    personas: Personas,
    method: str,
    url: str,
    expect: Mapping[str, int],
    body: Any = None,
    after: Callable[[str, Any], list[str]] | None = None,
) -> None:
    """Send the request as every role; collect every role whose answer differs."""
    problems: list[str] = []
    for role in ROLES:

        def attempt(role: str = role) -> list[str]:
            response = _send(_api(personas, role), method, url, body)
            found = []
            if response.status_code != expect[role]:
                found.append(
                    f"{role}: {method} {url} answered {response.status_code}, "
                    f"expected {expect[role]}: {getattr(response, 'data', response.content)!r}"
                )
            elif after is not None:
                found.extend(after(role, response))
            return found

        problems.extend(_isolated(attempt))
    assert not problems, "\n".join(problems)


def _writable_body(data: Mapping[str, Any], resource: Resource) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in resource.read_only_fields}


def _version(record: Record, personas: Personas) -> int:
    return record.instance(personas).version


# --- API: records ---------------------------------------------------------------------------
@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.resource.name}-{r.label}")
def test_retrieve_answers_record_to_viewers_and_404_to_everyone_else(personas, record):
    expect = {role: 200 if role in record.viewers else 404 for role in ROLES}

    def same_record(role: str, response: Any) -> list[str]:
        if response.status_code != 200:
            return []
        found = []
        if str(response.data[record.resource.key]) != record.key(personas):
            found.append(f"{role}: got {response.data[record.resource.key]!r}")
        if response.get("ETag") != f'"{_version(record, personas)}"':
            found.append(f"{role}: ETag {response.get('ETag')!r}")
        return found

    _check_roles(personas, "GET", record.url(personas), expect, after=same_record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.resource.name}-{r.label}")
def test_history_answers_viewers_and_404_to_everyone_else(personas, record):
    expect = {role: 200 if role in record.viewers else 404 for role in ROLES}

    def has_creation(role: str, response: Any) -> list[str]:
        if response.status_code != 200:
            return []
        types = [entry["type"] for entry in response.data]
        return [] if types and types[-1] == "created" else [f"{role}: history {types}"]

    _check_roles(personas, "GET", f"{record.url(personas)}history/", expect, after=has_creation)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.resource.name}-{r.label}")
def test_patch_allowed_to_editors_403_to_other_viewers_404_to_everyone_else(personas, record):
    expect = _expect_by_access(record.viewers, record.editors, 200)
    before = _version(record, personas)

    def written_or_untouched(role: str, response: Any) -> list[str]:
        now = _version(record, personas)
        if response.status_code == 200:
            changed = all(response.data[k] == v for k, v in record.resource.patch.items())
            ok = changed and now == before + 1
        else:
            ok = now == before
        return [] if ok else [f"{role}: {response.status_code} but version {before}->{now}"]

    _check_roles(
        personas,
        "PATCH",
        record.url(personas),
        expect,
        dict(record.resource.patch),
        after=written_or_untouched,
    )


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.resource.name}-{r.label}")
def test_put_of_whole_record_allowed_to_editors_only(personas, record):
    """PUT sends every field back, including ones a customer user may not change: sending
    their current values is allowed."""
    current = _api(personas, "hq").get(record.url(personas)).data
    body = _writable_body(current, record.resource) | dict(record.resource.patch)
    expect = _expect_by_access(record.viewers, record.editors, 200)
    _check_roles(personas, "PUT", record.url(personas), expect, body)


@pytest.mark.parametrize(
    "record",
    [r for r in RECORDS if r.resource.deletable],
    ids=lambda r: f"{r.resource.name}-{r.label}",
)
def test_delete_allowed_to_editors_only_and_removes_the_record(personas, record):
    expect = _expect_by_access(record.viewers, record.editors, 204)

    def gone_or_kept(role: str, response: Any) -> list[str]:
        exists = record.model.objects.all_unscoped().filter(pk=record.key(personas)).exists()
        if exists == (response.status_code == 204):
            return [f"{role}: {response.status_code} and record exists={exists}"]
        return []

    _check_roles(personas, "DELETE", record.url(personas), expect, after=gone_or_kept)


# --- API: collections -----------------------------------------------------------------------
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_list_contains_exactly_the_records_in_scope(personas, resource):
    def scoped(role: str, response: Any) -> list[str]:
        got = {str(row[resource.key]) for row in response.data["results"]}
        wanted = {r.key(personas) for r in RECORDS if r.resource is resource and role in r.viewers}
        if got != wanted or response.data["count"] != len(wanted):
            return [f"{role}: listed {sorted(got)}, expected {sorted(wanted)}"]
        return []

    _check_roles(personas, "GET", resource.url, ALL_200, after=scoped)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r.resource.name}-{r.label}")
def test_search_finds_record_for_viewers_and_never_for_anyone_else(personas, record):
    term = record.search(personas)
    url = f"{record.resource.url}?search={term}"

    def found_iff_visible(role: str, response: Any) -> list[str]:
        keys = {str(row[record.resource.key]) for row in response.data["results"]}
        visible = {
            r.key(personas) for r in RECORDS if r.resource is record.resource and role in r.viewers
        }
        problems = []
        if (record.key(personas) in keys) != (role in record.viewers):
            problems.append(f"{role}: search {term!r} answered {sorted(keys)}")
        if not keys <= visible:
            problems.append(f"{role}: search {term!r} leaked {sorted(keys - visible)}")
        return problems

    _check_roles(personas, "GET", url, ALL_200, after=found_iff_visible)


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.create_body], ids=lambda r: r.name)
def test_create_by_role(personas, resource):
    before = {r.model: r.model.objects.all_unscoped().count() for r in RESOURCES}
    body = resource.create_body(personas)  # type: ignore[misc]

    def created_or_not(role: str, response: Any) -> list[str]:
        after = {m: m.objects.all_unscoped().count() for m in before}
        grew = {m.__name__ for m in before if after[m] != before[m]}
        if response.status_code == 201:
            if grew != {resource.model.__name__}:
                return [f"{role}: 201 but rows changed in {grew}"]
            if response.get("ETag") != '"1"':
                return [f"{role}: new record's ETag {response.get('ETag')!r}"]
        elif grew:
            return [f"{role}: {response.status_code} but rows were written in {grew}"]
        return []

    _check_roles(personas, "POST", resource.url, resource.create_expect, body, after=created_or_not)


def test_account_manager_creates_customer_in_own_branch_as_owner(personas):
    response = _api(personas, "am_a2").post(
        "/api/v1/customers/", CUSTOMERS.create_body(personas), format="json"
    )
    assert response.status_code == 201
    assert (response.data["branch"], response.data["account_manager"]) == ("BA", "am_a2")
    created = Customer.objects.get(code=response.data["code"])
    assert created in Customer.objects.visible_to(personas.am_a2)
    assert created not in Customer.objects.visible_to(personas.am_a)


@pytest.mark.parametrize("case", EXTRA_API_CASES, ids=lambda c: c.label)
def test_irregular_endpoints_by_role(personas, case):
    body = case.body(personas) if case.body else None
    _check_roles(personas, case.method, case.url(personas), case.expect, body)


def test_me_answers_each_role_its_own_codes(personas):
    problems = []
    for role in ROLES:
        user: User = getattr(personas, role)
        data = _api(personas, role).get("/api/v1/me/").data
        wanted = {
            "username": user.username,
            "role": user.role,
            "branch": user.branch.code if user.branch else None,
            "customer": user.customer.code if user.customer else None,
            "supplier": user.supplier.code if user.supplier else None,
        }
        if {k: data[k] for k in wanted} != wanted:
            problems.append(f"{role}: {data}")
    assert not problems


def test_branch_list_shows_every_branch_to_every_role(personas):
    for role in ROLES:
        codes = [b["code"] for b in _api(personas, role).get("/api/v1/branches/").data["results"]]
        assert codes == ["BA", "BB"], role


def test_token_login_works_for_every_role(personas):
    for role in ROLES:
        user = getattr(personas, role)
        response = APIClient().post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": PASSWORD},
            format="json",
        )
        assert response.status_code == 200, (role, response.data)
        me = APIClient(HTTP_AUTHORIZATION=f"Token {response.data['token']}").get("/api/v1/me/")
        assert me.data["username"] == user.username


def _every_api_request(personas: Personas) -> list[tuple[str, str]]:
    requests = [("POST", r.url) for r in RESOURCES] + [("GET", r.url) for r in RESOURCES]
    for record in RECORDS:
        url = record.url(personas)
        requests += [("GET", url), ("PUT", url), ("PATCH", url), ("GET", f"{url}history/")]
        if record.resource.deletable:
            requests.append(("DELETE", url))
    requests += [(c.method, c.url(personas)) for c in EXTRA_API_CASES if c.expect != ALL_405]
    return requests


ALL_405 = dict.fromkeys(ROLES, 405)


def test_anonymous_gets_401_from_every_endpoint(personas):
    client = APIClient()
    problems = [
        f"{method} {url}: {status}"
        for method, url in _every_api_request(personas)
        if (status := _send(client, method, url, {}).status_code) != 401
    ]
    assert not problems


def test_inactive_user_token_no_longer_works(personas):
    token = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": "am_a", "password": PASSWORD}, format="json")
        .data["token"]
    )
    User.objects.filter(pk=personas.am_a.pk).update(is_active=False)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/customers/").status_code == 401


def test_token_list_shows_each_role_only_its_own_tokens(personas):
    from roots.org.services import api_token_create

    mine = {role: api_token_create(user=getattr(personas, role))[0].token_key for role in ROLES}
    problems = []
    for role in ROLES:
        ids = [t["id"] for t in _api(personas, role).get("/api/v1/auth/tokens/").data]
        if ids != [mine[role]]:
            problems.append(f"{role}: {ids}")
    assert not problems


# --- HTML pages -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    """A page of the URL contract and the status each role must get on GET."""

    label: str
    url: Callable[[Personas], str]
    expect: Mapping[str, int | frozenset[int]]


def _page_by_access(viewers: frozenset[str], editors: frozenset[str] | None) -> dict[str, int]:
    if editors is None:  # a read page
        return {role: 200 if role in viewers else 404 for role in ROLES}
    return _expect_by_access(viewers, editors, 200)


def _fixed(url: str) -> Callable[[Personas], str]:
    return lambda p: url


def _contact_url(label: str, suffix: str) -> Callable[[Personas], str]:
    return lambda p: f"/contacts/{getattr(p, label).pk}/{suffix}"


PAGES: list[Page] = [
    Page("dashboard", lambda p: "/dashboard/", dict.fromkeys(STAFF, 200)),
    Page("portal", lambda p: "/portal/", dict.fromkeys(PORTAL, 200)),
    Page(
        "customer-new",
        lambda p: "/customers/new/",
        {r: 200 if r in CUSTOMER_CREATORS else 403 for r in ROLES},
    ),
    Page(
        "customer-similar",
        lambda p: "/customers/similar/?name=国美",
        {r: 200 if r in CUSTOMER_CREATORS else 403 for r in ROLES},
    ),
]
for _customer, _viewers, _editors in (
    ("C100001", A1_VIEWERS, A1_EDITORS),
    ("C100002", A2_VIEWERS, A2_EDITORS),
    ("C100003", B1_VIEWERS, B1_EDITORS),
):
    PAGES += [
        Page(f"customer-{_customer}", _fixed(f"/customers/{_customer}/"),
             _page_by_access(_viewers, None)),
        Page(f"customer-{_customer}-edit", _fixed(f"/customers/{_customer}/edit/"),
             _page_by_access(_viewers, _editors)),
        Page(f"customer-{_customer}-outlet-new",
             _fixed(f"/customers/{_customer}/outlets/new/"),
             _page_by_access(_viewers, _editors)),
        Page(f"customer-{_customer}-contact-new",
             _fixed(f"/customers/{_customer}/contacts/new/"),
             _page_by_access(_viewers, _editors)),
    ]  # fmt: skip
for _outlet, _viewers, _editors in (
    ("S1000001", A1_VIEWERS, A1_EDITORS),
    ("S1000002", A2_VIEWERS, A2_EDITORS),
    ("S1000003", B1_VIEWERS, B1_EDITORS),
):
    PAGES += [
        Page(f"outlet-{_outlet}", _fixed(f"/outlets/{_outlet}/"),
             _page_by_access(_viewers, None)),
        Page(f"outlet-{_outlet}-edit", _fixed(f"/outlets/{_outlet}/edit/"),
             _page_by_access(_viewers, _editors)),
    ]  # fmt: skip
for _contact, _viewers, _editors in (
    ("contact_a1", A1_VIEWERS, A1_EDITORS),
    ("contact_a2", A2_VIEWERS, A2_EDITORS),
    ("contact_b1", B1_VIEWERS, B1_EDITORS),
):
    PAGES += [
        Page(f"{_contact}", _contact_url(_contact, ""),
             _page_by_access(_viewers, None)),
        Page(f"{_contact}-edit", _contact_url(_contact, "edit/"),
             _page_by_access(_viewers, _editors)),
    ]  # fmt: skip

CUSTOMER_CODES = {"C100001": A1_VIEWERS, "C100002": A2_VIEWERS, "C100003": B1_VIEWERS}


def _browser(personas: Personas, role: str | None) -> Client:
    client = Client()
    if role is not None:
        client.force_login(getattr(personas, role))
    return client


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.label)
def test_page_status_by_role(personas, page):
    url = page.url(personas)
    problems = []
    for role in ROLES:
        if role not in page.expect:
            continue
        status = _browser(personas, role).get(url).status_code
        if status != page.expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {page.expect[role]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.label)
def test_anonymous_is_sent_to_login_from_every_page(personas, page):
    response = Client().get(page.url(personas))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_portal_users_do_not_get_the_staff_dashboard(personas):
    for role in PORTAL:
        response = _browser(personas, role).get("/dashboard/")
        redirected_to_portal = response.status_code == 302 and response["Location"] == "/portal/"
        assert redirected_to_portal or response.status_code == 403, (role, response.status_code)


def test_staff_do_not_get_the_portal(personas):
    for role in STAFF:
        response = _browser(personas, role).get("/portal/")
        redirected_to_dashboard = (
            response.status_code == 302 and response["Location"] == "/dashboard/"
        )
        assert redirected_to_dashboard or response.status_code in (403, 404), role


def _codes_in(text: str) -> set[str]:
    return set(re.findall(r"C1\d{5}", text))


def test_customer_list_page_shows_exactly_the_customers_in_scope(personas):
    problems = []
    for role in ROLES:
        response = _browser(personas, role).get("/customers/")
        wanted = {code for code, viewers in CUSTOMER_CODES.items() if role in viewers}
        if response.status_code != 200:
            # Roles that see customers must get the list; others may be turned away.
            if role in {"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "pm"}:
                problems.append(f"{role}: list answered {response.status_code}")
            continue
        got = _codes_in(response.content.decode())
        if got != wanted:
            problems.append(f"{role}: list shows {sorted(got)}, expected {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_customer_list_page_search_never_shows_out_of_scope_customers(personas):
    for role in ("am_a", "am_b", "bm_b", "cu_a1"):
        for code, viewers in CUSTOMER_CODES.items():
            name = Customer.objects.get(code=code).name
            response = _browser(personas, role).get("/customers/", {"q": name})
            if response.status_code != 200:
                continue
            assert (code in response.content.decode()) == (role in viewers), (role, code)


def test_customer_list_page_finds_by_pinyin_initials(personas):
    response = _browser(personas, "am_a").get("/customers/", {"q": "gmdq"})
    assert response.status_code == 200
    assert _codes_in(response.content.decode()) == {"C100001"}


def xlsx_texts(content: bytes) -> list[str]:
    """Every cell text of an XLSX workbook (shared, inline and formula strings, numbers)."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    texts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = book.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = [
                "".join(t.text or "" for t in si.iter(f"{ns}t")) for si in root.iter(f"{ns}si")
            ]
        for name in names:
            if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                continue
            for cell in ElementTree.fromstring(book.read(name)).iter(f"{ns}c"):
                kind, value = cell.get("t"), cell.find(f"{ns}v")
                if kind == "s" and value is not None:
                    texts.append(shared[int(value.text or 0)])
                elif kind == "inlineStr":
                    texts.append("".join(t.text or "" for t in cell.iter(f"{ns}t")))
                elif value is not None:
                    texts.append(value.text or "")
    return texts


def test_customer_export_contains_exactly_the_customers_in_scope(personas):
    problems = []
    for role in ROLES:
        response = _browser(personas, role).get("/customers/export/")
        wanted = {code for code, viewers in CUSTOMER_CODES.items() if role in viewers}
        if response.status_code != 200:
            if wanted:
                problems.append(f"{role}: export answered {response.status_code}")
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        got = {t for t in xlsx_texts(content) if re.fullmatch(r"C1\d{5}", t)}
        if got != wanted:
            problems.append(f"{role}: export has {sorted(got)}, expected {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_duplicate_warning_page_names_only_customers_in_scope(personas):
    name = personas.cust_a1.name
    seen = _browser(personas, "am_a").get("/customers/similar/", {"name": "国美电器青岛公司"})
    hidden = _browser(personas, "am_b").get("/customers/similar/", {"name": "国美电器青岛公司"})
    assert seen.status_code == hidden.status_code == 200
    assert name in seen.content.decode()
    assert name not in hidden.content.decode()
    assert "C100001" not in hidden.content.decode()


def test_contact_delete_page_by_role(personas):
    problems = []
    for role in ROLES:
        for label, viewers, editors in (
            ("contact_a1", A1_VIEWERS, A1_EDITORS),
            ("contact_b1", B1_VIEWERS, B1_EDITORS),
        ):
            contact = getattr(personas, label)

            def attempt(role: str = role, contact: Contact = contact) -> tuple[int, bool]:
                response = _browser(personas, role).post(f"/contacts/{contact.pk}/delete/")
                return response.status_code, Contact.objects.filter(pk=contact.pk).exists()

            status, exists = _isolated(attempt)
            if role in editors:
                ok = status == 302 and not exists
            else:
                ok = status == (403 if role in viewers else 404) and exists
            if not ok:
                problems.append(f"{role}: delete {label} answered {status}, exists={exists}")
    assert not problems, "\n".join(problems)


def test_out_of_scope_names_never_appear_on_the_dashboard(personas):
    for role in ("am_a", "am_b", "bm_b", "agent", "engineer"):
        response = _browser(personas, role).get("/dashboard/")
        assert response.status_code == 200
        html = response.content.decode()
        for code, viewers in CUSTOMER_CODES.items():
            if role not in viewers:
                name = Customer.objects.get(code=code).name
                assert code not in html and name not in html, (role, code)


def test_portal_home_shows_only_own_company(personas):
    html = _browser(personas, "cu_a1").get("/portal/").content.decode()
    assert personas.cust_a1.name in html
    assert personas.cust_b1.name not in html and personas.cust_a2.name not in html
