"""The top bar's search: every kind of record it finds, each within the user's scope."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import shared_personas
from roots.core.global_search import kinds_for, phone_digits, search_all
from roots.customers.models import Contact
from roots.orders import services as order_services
from roots.service import services as service_services

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db


def _kinds(groups) -> dict[str, list[str]]:
    return {g.kind.key: [h.title for h in g.hits] for g in groups}


@pytest.fixture
def phoned(personas) -> Contact:
    contact = personas.contact_a1
    contact.mobile = "13731069353"
    contact.phone = "010-81380029"
    contact.refresh_search_text()
    contact.save()
    return contact


@pytest.mark.parametrize(
    "query",
    ["13731069353", "137-3106-9353", "+86 137 3106 9353", "0086 13731069353", "137 3106"],
)
def test_a_contact_is_found_by_mobile_in_any_format(personas, phoned, query):
    groups = _kinds(search_all(user=personas.am_a, query=query))
    assert groups.get("contacts") == [phoned.name]


@pytest.mark.parametrize("query", ["010-81380029", "010 8138 0029", "01081380029", "81380029"])
def test_a_contact_is_found_by_landline_in_any_format(personas, phoned, query):
    assert _kinds(search_all(user=personas.am_a, query=query)).get("contacts") == [phoned.name]


def test_phone_digits_only_for_phone_like_queries():
    assert phone_digits("+86 137-3106-9353") == "13731069353"
    assert phone_digits("(010) 8138 0029") == "01081380029"
    assert phone_digits("SO00000001") is None
    assert phone_digits("张伟") is None
    assert phone_digits("123") is None


def test_contacts_and_customers_by_name_pinyin_and_initials(personas):
    assert "张伟" in _kinds(search_all(user=personas.am_a, query="zhangwei"))["contacts"]
    customers = _kinds(search_all(user=personas.am_a, query="gmdq"))["customers"]
    assert customers == [f"{personas.cust_a1.name} · {personas.cust_a1.code}"]


def test_orders_and_complaints_by_number_within_scope(personas):
    order = order_services.order_submit(
        user=personas.cu_a1,
        data={"outlet": personas.outlet_a1, "lines": [{"sku": personas.sku, "quantity": 1}]},
    )
    complaint = service_services.complaint_raise(
        user=personas.cu_a1,
        data={
            "category": "delivery",
            "subject": "送货延迟",
            "description": "三天未到货。",
            "severity": "normal",
        },
    )
    for user in (personas.am_a, personas.bm_a, personas.hq, personas.cu_a1):
        kinds = _kinds(search_all(user=user, query=order.number))
        assert kinds.get("orders") == [order.number], user.username
        kinds = _kinds(search_all(user=user, query=complaint.number.lower()))
        assert kinds["complaints"][0].startswith(complaint.number), user.username
    # Out of scope: another branch's account manager and another customer's user find nothing.
    for user in (personas.am_b, personas.bm_b, personas.cu_b1):
        assert search_all(user=user, query=order.number) == [], user.username
        assert search_all(user=user, query=complaint.number) == [], user.username


def test_roles_search_only_what_their_navigation_offers(personas):
    """Product managers read customers but have no complaints page; call agents and
    engineers have no channel-data pages (their search comes with the service desk)."""
    keys = {k.key for k in kinds_for(personas.pm)}
    assert "customers" in keys and "complaints" not in keys
    assert search_all(user=personas.agent, query="zhangwei") == []
    assert search_all(user=personas.cu_a1, query="zhangwei") == []  # no contacts in the portal


def test_the_top_bar_drop_down_and_the_results_page(personas, phoned):
    client = Client()
    client.force_login(personas.am_a)
    fragment = client.get("/search/", {"q": "137 3106 9353"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert f'href="/contacts/{phoned.pk}/"' in html and "<html" not in html
    page = client.get("/search/", {"q": "zhangwei"})
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert f'href="/contacts/{phoned.pk}/"' in page.content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert 'id="global-search-input"' in dashboard


def test_the_search_api_answers_grouped_hits_in_scope(personas, phoned, api):
    answer = api.as_(personas.am_a).get("/api/v1/search/", {"q": "+86 137 3106 9353"})
    assert answer.status_code == 200
    assert [g["kind"] for g in answer.data["groups"]] == ["contacts"]
    assert answer.data["groups"][0]["hits"][0]["url"] == f"/contacts/{phoned.pk}/"
    assert api.as_(personas.am_b).get("/api/v1/search/", {"q": "13731069353"}).data["groups"] == []
    assert api.as_(None).get("/api/v1/search/", {"q": "x"}).status_code in (401, 403)
    too_long = api.as_(personas.am_a).get("/api/v1/search/", {"q": "x" * 101})
    assert too_long.status_code == 400 and "q" in too_long.data["errors"]
