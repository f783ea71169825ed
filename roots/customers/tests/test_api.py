"""The customer-master API: search, filters, role rules on create and update, history and
the number of queries of every list endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import shared_personas
from roots.customers.models import Customer
from roots.customers.tests.factories import ContactFactory, CustomerFactory, OutletFactory

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


# --- search ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "term",
    ["国美", "国美电器", "guomei", "GuoMei", "guomeidianqi", "gmdq", "GMDQ", "C100001", "100001"],
)
def test_account_manager_finds_customer_by_characters_pinyin_initials_and_code(personas, api, term):
    assert _codes(api.as_(personas.am_a).get(CUSTOMERS, {"search": term})) == ["C100001"]


def test_search_terms_must_all_match(personas, api):
    client = api.as_(personas.hq)
    assert _codes(client.get(CUSTOMERS, {"search": "国美 青岛"})) == ["C100001"]
    assert _codes(client.get(CUSTOMERS, {"search": "国美 北京"})) == []


def test_search_by_initials_finds_each_customer(personas, api):
    client = api.as_(personas.hq)
    assert _codes(client.get(CUSTOMERS, {"search": "lqss"})) == ["C100002"]  # 利群商厦
    assert _codes(client.get(CUSTOMERS, {"search": "dzdq"})) == ["C100003"]  # 大中电器


def test_search_never_returns_customers_outside_scope(personas, api):
    assert _codes(api.as_(personas.am_b).get(CUSTOMERS, {"search": "gmdq"})) == []
    assert _codes(api.as_(personas.cu_b1).get(CUSTOMERS, {"search": "C1000"})) == ["C100003"]


def test_search_finds_renamed_customer_by_its_new_name(personas, api):
    client = api.as_(personas.am_a)
    client.patch("/api/v1/customers/C100001/", {"name": "苏宁易购青岛"}, format="json")
    assert _codes(client.get(CUSTOMERS, {"search": "snyg"})) == ["C100001"]
    assert _codes(client.get(CUSTOMERS, {"search": "gmdq"})) == []


def test_contact_search_by_pinyin(personas, api):
    response = api.as_(personas.bm_a).get("/api/v1/contacts/", {"search": "zhangwei"})
    assert [c["name"] for c in response.json()["results"]] == ["张伟"]
    response = api.as_(personas.bm_a).get("/api/v1/contacts/", {"search": "zw"})
    assert [c["name"] for c in response.json()["results"]] == ["张伟"]


def test_outlet_search_by_city_pinyin(personas, api):
    OutletFactory(code="S1000009", customer=personas.cust_a1, city="烟台", name="烟台店")
    response = api.as_(personas.am_a).get("/api/v1/outlets/", {"search": "yantai"})
    assert _codes(response) == ["S1000009"]


# --- filters and ordering -------------------------------------------------------------------
def test_filters_by_branch_account_manager_and_channel(personas, api):
    client = api.as_(personas.hq)
    assert _codes(client.get(CUSTOMERS, {"branch": "BA"})) == ["C100001", "C100002"]
    assert _codes(client.get(CUSTOMERS, {"account_manager": "am_b"})) == ["C100003"]
    assert _codes(client.get(CUSTOMERS, {"channel_type": "department_store"})) == ["C100002"]


def test_filter_on_other_branch_does_not_widen_scope(personas, api):
    assert _codes(api.as_(personas.bm_a).get(CUSTOMERS, {"branch": "BB"})) == []


def test_outlets_filtered_by_customer(personas, api):
    client = api.as_(personas.bm_a)
    assert _codes(client.get("/api/v1/outlets/", {"customer": "C100002"})) == ["S1000002"]
    assert _codes(client.get("/api/v1/outlets/", {"customer": "C100003"})) == []


def test_outlet_format_filter_is_not_mistaken_for_a_renderer(personas, api):
    """`?format=` is DRF's renderer switch by default, which answered 404 here."""
    OutletFactory(code="S1000010", customer=personas.cust_a1, format="counter")
    client = api.as_(personas.am_a)
    assert _codes(client.get("/api/v1/outlets/", {"format": "counter"})) == ["S1000010"]
    assert client.get("/api/v1/outlets/", {"format": "json"}).status_code == 400


def test_out_of_scope_customer_answers_404(personas, api):
    assert api.as_(personas.am_b).get("/api/v1/customers/C100001/").status_code == 404


def test_patch_with_stale_if_match_answers_412_and_history_records_the_first(personas, api):
    client = api.as_(personas.am_a)
    etag = client.get("/api/v1/customers/C100001/")["ETag"]
    ok = client.patch(
        "/api/v1/customers/C100001/", {"notes": "first"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200, ok.json()
    stale = client.patch(
        "/api/v1/customers/C100001/", {"notes": "second"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    history = client.get("/api/v1/customers/C100001/history/").json()
    assert [(c["field"], c["new"]) for c in history[0]["changes"]] == [("notes", "first")]


def test_ordering(personas, api):
    client = api.as_(personas.hq)
    assert _codes(client.get(CUSTOMERS, {"ordering": "-code"})) == [
        "C100003",
        "C100002",
        "C100001",
    ]


def test_pagination_links(personas, api):
    response = api.as_(personas.hq).get(CUSTOMERS, {"page_size": 2})
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page=2" in body["next"] and body["previous"] is None
    second = api.as_(personas.hq).get(body["next"]).json()
    assert [c["code"] for c in second["results"]] == ["C100003"]


# --- create rules ---------------------------------------------------------------------------
NEW = {"name": "海信广场", "channel_type": "department_store"}


def test_account_manager_creates_in_own_branch_as_owner(personas, api):
    response = api.as_(personas.am_b).post(CUSTOMERS, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["branch"], body["account_manager"]) == ("BB", "am_b")
    assert body["code"] == "C100004"


def test_account_manager_cannot_create_for_another_account_manager(personas, api):
    response = api.as_(personas.am_a).post(
        CUSTOMERS, NEW | {"account_manager": "am_a2"}, format="json"
    )
    assert response.status_code == 400
    assert "account_manager" in response.json()["errors"]
    assert not Customer.objects.filter(name="海信广场").exists()


def test_account_manager_cannot_set_credit_limit_on_create(personas, api):
    response = api.as_(personas.am_a).post(
        CUSTOMERS, NEW | {"credit_limit": "99999999"}, format="json"
    )
    assert response.status_code == 403
    assert not Customer.objects.filter(name="海信广场").exists()


def test_account_manager_may_send_the_default_credit_limit(personas, api):
    response = api.as_(personas.am_a).post(CUSTOMERS, NEW | {"credit_limit": "0"}, format="json")
    assert response.status_code == 201


def test_branch_manager_creates_in_own_branch(personas, api):
    response = api.as_(personas.bm_b).post(
        CUSTOMERS, NEW | {"account_manager": "am_b"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["branch"], response.json()["account_manager"]) == ("BB", "am_b")


def test_branch_manager_cannot_create_in_another_branch(personas, api):
    response = api.as_(personas.bm_b).post(CUSTOMERS, NEW | {"branch": "BA"}, format="json")
    assert response.status_code == 400
    assert "branch" in response.json()["errors"]
    assert not Customer.objects.filter(name="海信广场").exists()


def test_branch_manager_cannot_assign_account_manager_of_another_branch(personas, api):
    response = api.as_(personas.bm_b).post(
        CUSTOMERS, NEW | {"account_manager": "am_a"}, format="json"
    )
    assert response.status_code == 400
    assert "account_manager" in response.json()["errors"]


@pytest.mark.parametrize("role", ["pm", "agent", "engineer", "cu_a1", "su"])
def test_roles_without_create_right_get_403_even_for_bad_input(personas, api, role):
    response = api.as_(getattr(personas, role)).post(CUSTOMERS, {"name": ""}, format="json")
    assert response.status_code == 403


def test_hq_sets_code_and_every_field(personas, api):
    response = api.as_(personas.hq).post(
        CUSTOMERS,
        NEW
        | {
            "code": "KA-0001",
            "branch": "BA",
            "account_manager": "am_a",
            "credit_limit": "5000000",
            "is_key_account": True,
            "tier": "vip",
            "priority": "A+",
        },
        format="json",
    )
    assert response.status_code == 201
    customer = Customer.objects.get(code="KA-0001")
    assert (customer.tier, customer.priority, customer.is_key_account) == ("vip", "A+", True)


# --- update rules ---------------------------------------------------------------------------
def test_customer_user_cannot_change_credit_limit(personas, api):
    response = api.as_(personas.cu_a1).patch(
        "/api/v1/customers/C100001/", {"credit_limit": "9000000"}, format="json"
    )
    assert response.status_code == 403
    assert Customer.objects.get(code="C100001").credit_limit == 1000000


def test_customer_user_can_change_phone(personas, api):
    response = api.as_(personas.cu_a1).patch(
        "/api/v1/customers/C100001/", {"phone": "0532-66668888"}, format="json"
    )
    assert response.status_code == 200
    assert Customer.objects.get(code="C100001").phone == "0532-66668888"


OTHER_VALUES = {
    "code": "C100009",
    "branch": "BB",
    "account_manager": "am_a2",
    "credit_limit": "1",
    "is_key_account": True,
    "tier": "vip",
    "priority": "A+",
    "status": "closed",
    "channel_type": "specialty_store",
}


@pytest.mark.parametrize("field", sorted(OTHER_VALUES))
def test_customer_user_cannot_change_ownership_credit_or_classification(personas, api, field):
    before = Customer.objects.get(code="C100001")
    response = api.as_(personas.cu_a1).patch(
        "/api/v1/customers/C100001/", {field: OTHER_VALUES[field]}, format="json"
    )
    assert response.status_code == 403
    assert Customer.objects.get(code="C100001").version == before.version


def test_customer_user_cannot_see_other_customer(personas, api):
    assert api.as_(personas.cu_a1).get("/api/v1/customers/C100003/").status_code == 404
    assert _codes(api.as_(personas.cu_a1).get(CUSTOMERS)) == ["C100001"]


def test_customer_user_edits_own_outlets_and_contacts(personas, api):
    client = api.as_(personas.cu_a1)
    outlet = client.patch("/api/v1/outlets/S1000001/", {"city": "即墨"}, format="json")
    contact = client.post(
        "/api/v1/contacts/", {"customer": "C100001", "name": "新联系人"}, format="json"
    )
    assert (outlet.status_code, contact.status_code) == (200, 201)


def test_product_manager_reads_but_cannot_write(personas, api):
    client = api.as_(personas.pm)
    assert client.get("/api/v1/customers/C100003/").status_code == 200
    response = client.patch("/api/v1/customers/C100003/", {"phone": "1"}, format="json")
    assert response.status_code == 403


def test_account_manager_cannot_move_customer_to_colleague(personas, api):
    response = api.as_(personas.am_a).patch(
        "/api/v1/customers/C100001/", {"account_manager": "am_a2"}, format="json"
    )
    assert response.status_code == 403


def test_branch_manager_reassigns_within_branch(personas, api):
    response = api.as_(personas.bm_a).patch(
        "/api/v1/customers/C100001/", {"account_manager": "am_a2"}, format="json"
    )
    assert response.status_code == 200
    assert _codes(api.as_(personas.am_a2).get(CUSTOMERS)) == ["C100001", "C100002"]
    assert api.as_(personas.am_a).get("/api/v1/customers/C100001/").status_code == 404


def test_hq_moves_customer_to_another_branch_with_its_account_manager(personas, api):
    response = api.as_(personas.hq).patch(
        "/api/v1/customers/C100001/", {"branch": "BB", "account_manager": "am_b"}, format="json"
    )
    assert response.status_code == 200
    assert _codes(api.as_(personas.bm_b).get(CUSTOMERS)) == ["C100001", "C100003"]


# --- history --------------------------------------------------------------------------------
def test_history_shows_who_when_and_what_with_names(personas, api):
    api.as_(personas.bm_a).patch(
        "/api/v1/customers/C100001/",
        {"account_manager": "am_a2", "tier": "vip", "phone": "0532-1"},
        format="json",
    )
    entries = (
        api.as_(personas.hq)
        .get("/api/v1/customers/C100001/history/", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    latest = entries[0]
    assert latest["type"] == "changed"
    assert latest["user"] == "bm_a"
    assert abs(timezone.now() - _parse(latest["date"])) < timedelta(minutes=1)
    changes = {c["field"]: (c["old"], c["new"]) for c in latest["changes"]}
    assert changes == {
        "account_manager": (str(personas.am_a), str(personas.am_a2)),
        "tier": ("Ordinary", "VIP"),
        "phone": (None, "0532-1"),
    }
    assert entries[-1]["type"] == "created"


def test_history_resolves_branch_names(personas, api):
    api.as_(personas.hq).patch(
        "/api/v1/customers/C100001/", {"branch": "BB", "account_manager": "am_b"}, format="json"
    )
    latest = api.as_(personas.hq).get("/api/v1/customers/C100001/history/").json()[0]
    changes = {c["field"]: (c["old"], c["new"]) for c in latest["changes"]}
    assert changes["branch"] == ("青岛工贸", "北京工贸")
    assert changes["account_manager"] == ("am_a", "am_b")
    assert latest["user"] == "hq"


def test_history_of_outlet_and_contact(personas, api):
    client = api.as_(personas.cu_a1)
    client.patch("/api/v1/outlets/S1000001/", {"address": "香港中路1号"}, format="json")
    client.patch(f"/api/v1/contacts/{personas.contact_a1.pk}/", {"title": "董事长"}, format="json")
    outlet = client.get("/api/v1/outlets/S1000001/history/").json()[0]
    contact = client.get(f"/api/v1/contacts/{personas.contact_a1.pk}/history/").json()[0]
    assert outlet["user"] == contact["user"] == "cu_a1"
    assert [c["new"] for c in outlet["changes"]] == ["香港中路1号"]
    assert [(c["old"], c["new"]) for c in contact["changes"]] == [("采购经理", "董事长")]


def test_history_of_out_of_scope_record_answers_404(personas, api):
    assert api.as_(personas.am_b).get("/api/v1/customers/C100001/history/").status_code == 404
    url = f"/api/v1/contacts/{personas.contact_a1.pk}/history/"
    assert api.as_(personas.cu_b1).get(url).status_code == 404


def _parse(value: str):
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value)
    assert parsed is not None
    return parsed


# --- query counts ---------------------------------------------------------------------------
def _grow(personas, n: int) -> None:
    """n more customers in branch A for am_a, each with an outlet and two contacts."""
    for _ in range(n):
        customer = CustomerFactory(branch=personas.branch_a, account_manager=personas.am_a)
        OutletFactory(customer=customer, province=personas.outlet_a1.province)
        ContactFactory(customer=customer)
        ContactFactory(customer=customer)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


LIST_URLS = [
    "/api/v1/customers/",
    "/api/v1/customers/?search=ceshi",
    "/api/v1/outlets/",
    "/api/v1/contacts/",
    "/api/v1/branches/",
]


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("role", ["hq", "bm_a", "am_a", "cu_a1"])
def test_list_endpoint_query_count_does_not_grow_with_rows(
    personas, api, django_assert_max_num_queries, url, role
):
    client = api.as_(getattr(personas, role))
    _grow(personas, 3)
    small = _queries(client, url)
    _grow(personas, 30)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    assert small <= 4


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/customers/C100001/",
        "/api/v1/customers/C100001/history/",
        "/api/v1/outlets/S1000001/",
        "/api/v1/me/",
    ],
)
def test_detail_endpoint_query_count_is_small(personas, api, django_assert_max_num_queries, url):
    client = api.as_(personas.am_a)
    for note in ("一", "二", "三", "四"):  # history grows
        client.patch("/api/v1/customers/C100001/", {"notes": note}, format="json")
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
