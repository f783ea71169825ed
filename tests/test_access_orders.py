"""The access matrix of orders, promotions and the catalog pages: every endpoint and page,
for every role of `ROLES`, inside and outside its scope (tests/test_access_matrix.py explains
the approach).

Orders follow their customer: A1's order is seen by `A1_VIEWERS`, and so on. Of those who
see an order, the product manager only reads (403 on every step); a customer user asking
for a staff step gets 409 ("Only our staff ..."); an account manager asking to allocate or
ship gets 403; everyone else gets 404, for reads and writes alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas, shared_personas
from roots.catalog.models import Promotion
from roots.customers.models import ChannelType
from roots.orders import services
from roots.orders.models import Order, OrderEvent, OrderStatus
from tests.test_access_matrix import (
    A1_VIEWERS,
    A2_VIEWERS,
    B1_VIEWERS,
    PORTAL,
    ROLES,
    STAFF,
    _browser,
    _check_roles,
    _isolated,
    xlsx_texts,
)

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

URL = "/api/v1/orders/"
SELLERS = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b"})
ORDER_READERS = SELLERS | {"pm", "cu_a1", "cu_b1"}
CUSTOMER_USERS = frozenset({"cu_a1", "cu_b1"})
PLACERS = SELLERS | CUSTOMER_USERS
CATALOG_READERS = STAFF | CUSTOMER_USERS
VIEWERS = {"A1": A1_VIEWERS, "A2": A2_VIEWERS, "B1": B1_VIEWERS}
# Who, among an order's viewers, may take each step (the rest: 403 staff, 409 customers).
STEP_ROLES = {
    "confirm": {"hq", "bm", "am"},
    "allocate": {"hq", "bm"},
    "ship": {"hq", "bm"},
    "deliver": {"hq", "bm", "am", "cu"},
    "close": {"hq", "bm", "am"},
    "cancel": {"hq", "bm", "am", "cu"},
}
STEP_FROM = {
    "confirm": (),
    "allocate": ("confirm",),
    "ship": ("confirm", "allocate"),
    "deliver": ("confirm", "allocate", "ship"),
    "close": ("confirm", "allocate", "ship", "deliver"),
    "cancel": (),
}


def _kind(role: str) -> str:
    return role.split("_")[0] if role != "hq" else "hq"


def _step_expect(viewers: frozenset[str], action: str, ok: int) -> dict[str, int]:
    """The answer of each role to a step on an order seen by `viewers`."""
    expect = {}
    for role in ROLES:
        if role not in viewers:
            expect[role] = 404
        elif _kind(role) in STEP_ROLES[action]:
            expect[role] = ok
        elif role in CUSTOMER_USERS:
            expect[role] = 409
        else:
            expect[role] = 403
    return expect


@pytest.fixture
def orders(personas: Personas) -> dict[str, Order]:
    """One submitted order of customers A1, A2 and B1 (placed by their user or by hq)."""

    def place(user: Any, outlet: Any) -> Order:
        return services.order_submit(
            user=user, data={"outlet": outlet, "lines": [{"sku": personas.sku, "quantity": 1}]}
        )

    return {
        "A1": place(personas.cu_a1, personas.outlet_a1),
        "A2": place(personas.hq, personas.outlet_a2),
        "B1": place(personas.cu_b1, personas.outlet_b1),
    }


def _numbers(text: str) -> set[str]:
    """The orders a page links to (not the search box, which echoes the query)."""
    return set(re.findall(r"/orders/(SO\d{8})/", text))


def _wanted(orders: Mapping[str, Order], role: str) -> set[str]:
    return {order.number for label, order in orders.items() if role in VIEWERS[label]}


# --- API: orders ---------------------------------------------------------------------------
def test_order_list_and_search_answer_exactly_the_orders_in_scope(personas, orders):
    def scoped(role: str, response: Any) -> list[str]:
        got = {row["number"] for row in response.data["results"]}
        wanted = _wanted(orders, role)
        return [] if got == wanted else [f"{role}: listed {sorted(got)}, wanted {sorted(wanted)}"]

    _check_roles(personas, "GET", URL, dict.fromkeys(ROLES, 200), after=scoped)
    for label, order in orders.items():
        expect = dict.fromkeys(ROLES, 200)

        def found(role: str, response: Any, label: str = label, order: Order = order) -> list[str]:
            got = {row["number"] for row in response.data["results"]}
            if (order.number in got) != (role in VIEWERS[label]):
                return [f"{role}: search {order.number} answered {sorted(got)}"]
            return []

        _check_roles(personas, "GET", f"{URL}?search={order.number}", expect, after=found)


@pytest.mark.parametrize("label", ["A1", "A2", "B1"])
@pytest.mark.parametrize("suffix", ["", "timeline/", "history/"])
def test_order_reads_answer_viewers_and_404_to_everyone_else(personas, orders, label, suffix):
    expect = {role: 200 if role in VIEWERS[label] else 404 for role in ROLES}
    _check_roles(personas, "GET", f"{URL}{orders[label].number}/{suffix}", expect)


def test_order_create_by_role(personas, orders):
    body = {"outlet": personas.outlet_a1.code, "lines": [{"sku": personas.sku.code, "quantity": 1}]}
    expect = {
        role: 201 if role in A1_VIEWERS and role in PLACERS else 403 if role not in PLACERS else 400
        for role in ROLES
    }
    before = Order.objects.count()

    def written_iff_created(role: str, response: Any) -> list[str]:
        grew = Order.objects.count() - before
        return [] if grew == (response.status_code == 201) else [f"{role}: {grew} orders written"]

    _check_roles(personas, "POST", URL, expect, body, after=written_iff_created)


@pytest.mark.parametrize("label", ["A1", "B1"])
@pytest.mark.parametrize("action", list(STEP_ROLES))
def test_order_steps_by_role(personas, orders, label, action):
    order = orders[label]
    for step in STEP_FROM[action]:
        order = services.order_transition(user=personas.hq, order=order, action=step)
    before = (order.status, order.version)
    expect = _step_expect(VIEWERS[label], action, 200)
    body = {"reason": "客户要求"} if action == "cancel" else {}

    def changed_iff_ok(role: str, response: Any) -> list[str]:
        fresh = Order.objects.get(pk=order.pk)
        changed = (fresh.status, fresh.version) != before
        if changed != (response.status_code == 200):
            return [f"{role}: {response.status_code} but changed={changed}"]
        return []

    _check_roles(
        personas, "POST", f"{URL}{order.number}/{action}/", expect, body, after=changed_iff_ok
    )


@pytest.mark.parametrize("label", ["A1", "A2", "B1"])
def test_order_notes_by_role(personas, orders, label):
    viewers = VIEWERS[label]
    expect = {role: 404 if role not in viewers else 403 if role == "pm" else 201 for role in ROLES}
    before = OrderEvent.objects.count()

    def noted_iff_created(role: str, response: Any) -> list[str]:
        grew = OrderEvent.objects.count() - before
        return [] if grew == (response.status_code == 201) else [f"{role}: {grew} events"]

    _check_roles(
        personas,
        "POST",
        f"{URL}{orders[label].number}/note/",
        expect,
        {"message": "备注"},
        after=noted_iff_created,
    )


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_orders_are_not_edited_or_deleted_directly(personas, orders, method):
    body = None if method == "DELETE" else {"note": "x"}
    _check_roles(personas, method, f"{URL}{orders['A1'].number}/", dict.fromkeys(ROLES, 405), body)


def test_missing_orders_are_404_for_everyone(personas, orders):
    _check_roles(personas, "GET", f"{URL}SO99999999/", dict.fromkeys(ROLES, 404))
    _check_roles(personas, "POST", f"{URL}SO99999999/confirm/", dict.fromkeys(ROLES, 404), {})


def test_customer_users_never_see_staff_only_events(personas, orders):
    services.order_note(
        user=personas.am_a, order=orders["A1"], message="内部", visible_to_customer=False
    )

    def hidden(role: str, response: Any) -> list[str]:
        if response.status_code != 200:
            return []
        staff_only = [e for e in response.data if not e["visible_to_customer"]]
        if role in CUSTOMER_USERS and staff_only:
            return [f"{role}: sees {staff_only}"]
        if role not in CUSTOMER_USERS and not staff_only:
            return [f"{role}: misses the staff note"]
        return []

    expect = {role: 200 if role in A1_VIEWERS else 404 for role in ROLES}
    _check_roles(personas, "GET", f"{URL}{orders['A1'].number}/timeline/", expect, after=hidden)


# --- API: promotions -----------------------------------------------------------------------
@pytest.fixture
def promotions(personas: Personas) -> dict[str, Promotion]:
    today = timezone.localdate()

    def make(code: str, **extra: Any) -> Promotion:
        values = {
            "name": f"促销{code}",
            "valid_from": today - timedelta(days=1),
            "valid_to": today + timedelta(days=5),
            "discount_percent": Decimal("5"),
            "is_published": True,
            **extra,
        }
        return Promotion.objects.create(code=code, **values)

    return {
        "ALL": make("PR-ALL"),
        "MC": make("PR-MC", channel_types=[ChannelType.MULTINATIONAL_CHAIN]),
        "LC": make("PR-LC", channel_types=[ChannelType.LOCAL_CHAIN]),
        "DRAFT": make("PR-DRAFT", is_published=False),
    }


PROMOTION_VIEWERS = {
    "ALL": STAFF | CUSTOMER_USERS,
    "MC": STAFF | {"cu_a1"},
    "LC": STAFF | {"cu_b1"},
    "DRAFT": frozenset({"hq", "pm"}),
}
PROMOTION_EDITORS = frozenset({"hq", "pm"})


def test_promotion_list_answers_exactly_what_each_role_may_see(personas, promotions):
    def scoped(role: str, response: Any) -> list[str]:
        got = {row["code"] for row in response.data["results"]}
        wanted = {p.code for k, p in promotions.items() if role in PROMOTION_VIEWERS[k]}
        return [] if got == wanted else [f"{role}: {sorted(got)} != {sorted(wanted)}"]

    _check_roles(personas, "GET", "/api/v1/promotions/", dict.fromkeys(ROLES, 200), after=scoped)


@pytest.mark.parametrize("key", ["ALL", "MC", "LC", "DRAFT"])
def test_promotion_records_by_role(personas, promotions, key):
    url = f"/api/v1/promotions/{promotions[key].code}/"
    viewers = PROMOTION_VIEWERS[key]
    _check_roles(personas, "GET", url, {r: 200 if r in viewers else 404 for r in ROLES})
    _check_roles(
        personas, "GET", f"{url}history/", {r: 200 if r in viewers else 404 for r in ROLES}
    )
    edit = {r: 200 if r in PROMOTION_EDITORS else 403 if r in viewers else 404 for r in ROLES}
    _check_roles(personas, "PATCH", url, edit, {"name": "新名字"})
    delete = {r: 204 if r in PROMOTION_EDITORS else 403 if r in viewers else 404 for r in ROLES}
    _check_roles(personas, "DELETE", url, delete)


def test_promotion_create_by_role(personas, promotions):
    body = {
        "name": "新促销",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "discount_percent": "5.00",
    }
    expect = {r: 201 if r in PROMOTION_EDITORS else 403 for r in ROLES}
    _check_roles(personas, "POST", "/api/v1/promotions/", expect, body)


# --- pages ---------------------------------------------------------------------------------
def _page_status(personas: Personas, url: str, expect: Mapping[str, int]) -> list[str]:
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url).status_code
        if status != expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {expect[role]}")
    return problems


def test_order_pages_by_role(personas, orders):
    problems = []
    readers = {r: 200 if r in ORDER_READERS else 403 for r in ROLES}
    problems += _page_status(personas, "/orders/", readers)
    problems += _page_status(personas, "/orders/export/", readers)
    placers = {r: 200 if r in PLACERS else 403 for r in ROLES}
    problems += _page_status(personas, "/orders/new/", placers)
    for_a1 = {
        r: 200 if r in CUSTOMER_USERS or r in ("hq", "bm_a", "am_a") else 404 if r in SELLERS
        else 403
        for r in ROLES
    }  # fmt: skip
    problems += _page_status(personas, "/orders/new/?customer=C100001", for_a1)
    problems += _page_status(personas, "/orders/new/products/?customer=C100001", for_a1)
    desk = {r: 200 if r in SELLERS else 403 for r in ROLES}
    problems += _page_status(personas, "/orders/desk/", desk)
    problems += _page_status(personas, "/orders/desk/?tab=ship", desk)
    for label, order in orders.items():
        viewers = VIEWERS[label]
        expect = {r: 200 if r in viewers else 404 for r in ROLES}
        problems += _page_status(personas, f"/orders/{order.number}/", expect)
    assert not problems, "\n".join(problems)


def test_anonymous_is_sent_to_login_from_every_order_page(personas, orders):
    from django.test import Client

    number = orders["A1"].number
    for url in ("/orders/", "/orders/export/", "/orders/new/", "/orders/desk/",
                f"/orders/{number}/", "/catalog/", f"/catalog/{personas.sku.code}/",
                "/promotions/", "/orders/new/products/"):  # fmt: skip
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    response = Client().post(f"/orders/{number}/confirm/")
    assert response.status_code == 302
    assert Order.objects.get(pk=orders["A1"].pk).status == OrderStatus.SUBMITTED


def test_order_list_page_export_and_desk_show_exactly_the_orders_in_scope(personas, orders):
    problems = []
    for role in ROLES:
        wanted = _wanted(orders, role)
        client = _browser(personas, role)
        listed = client.get("/orders/")
        if listed.status_code == 200:
            got = _numbers(listed.content.decode())
            if got != wanted:
                problems.append(f"{role}: list shows {sorted(got)}, wanted {sorted(wanted)}")
        elif wanted:
            problems.append(f"{role}: list answered {listed.status_code}")
        exported = client.get("/orders/export/")
        if exported.status_code == 200:
            got = {t for t in xlsx_texts(exported.content) if re.fullmatch(r"SO\d{8}", t)}
            if got != wanted:
                problems.append(f"{role}: export has {sorted(got)}, wanted {sorted(wanted)}")
        elif wanted:
            problems.append(f"{role}: export answered {exported.status_code}")
        desk = client.get("/orders/desk/")
        if desk.status_code == 200:
            got = _numbers(desk.content.decode())
            if got != wanted:
                problems.append(f"{role}: desk shows {sorted(got)}, wanted {sorted(wanted)}")
        for search in (orders["A1"].number, personas.cust_a1.name, "gmdq"):
            html = client.get("/orders/", {"q": search})
            if html.status_code == 200 and not _numbers(html.content.decode()) <= wanted:
                problems.append(f"{role}: search {search!r} leaked")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("label", ["A1", "B1"])
@pytest.mark.parametrize("action", list(STEP_ROLES))
def test_order_page_actions_by_role(personas, orders, label, action):
    """The page's buttons: 302 back to the order (changed, or a message saying why not),
    403 for read-only viewers, 404 out of scope."""
    order = orders[label]
    for step in STEP_FROM[action]:
        order = services.order_transition(user=personas.hq, order=order, action=step)
    allowed = _step_expect(VIEWERS[label], action, 200)
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> list[str]:
            response = _browser(personas, role).post(
                f"/orders/{order.number}/{action}/", {"reason": "客户要求"}
            )
            fresh = Order.objects.get(pk=order.pk)
            changed = fresh.version != order.version
            wanted = {200: 302, 409: 302}.get(allowed[role], allowed[role])
            found = []
            if response.status_code != wanted:
                found.append(f"{role}: {response.status_code}, expected {wanted}")
            if changed != (allowed[role] == 200):
                found.append(f"{role}: changed={changed}")
            return found

        problems.extend(_isolated(attempt))
    assert not problems, "\n".join(problems)


def test_builder_cart_by_role(personas, orders):
    problems = []
    for role in ROLES:
        client = _browser(personas, role)
        status = client.post(
            "/orders/new/cart/?customer=C100001", {"add": personas.sku.code}
        ).status_code
        wanted = (
            200
            if role in CUSTOMER_USERS or role in ("hq", "bm_a", "am_a")
            else 404
            if role in SELLERS
            else 403
        )
        if status != wanted:
            problems.append(f"{role}: cart answered {status}, expected {wanted}")
    assert not problems, "\n".join(problems)


def test_builder_shows_each_customer_user_only_its_own_outlets_and_prices(personas, orders):
    a1 = _browser(personas, "cu_a1").get("/orders/new/?customer=C100003").content.decode()
    assert personas.outlet_a1.code in a1 and personas.outlet_b1.code not in a1
    assert personas.cust_b1.name not in a1


def test_catalog_and_promotion_pages_by_role(personas, promotions):
    problems = []
    readers = {r: 200 if r in CATALOG_READERS else 403 for r in ROLES}
    problems += _page_status(personas, "/catalog/", readers)
    problems += _page_status(personas, "/catalog/?q=bx", readers)
    problems += _page_status(personas, "/promotions/", readers)
    sku_page = {r: 200 if r in CATALOG_READERS else 404 for r in ROLES}
    problems += _page_status(personas, f"/catalog/{personas.sku.code}/", sku_page)
    editors = {r: 200 if r in PROMOTION_EDITORS else 403 for r in ROLES}
    problems += _page_status(personas, "/promotions/new/", editors)
    for key, promotion in promotions.items():
        viewers = PROMOTION_VIEWERS[key]
        expect = {r: 200 if r in viewers else 404 for r in ROLES}
        problems += _page_status(personas, f"/promotions/{promotion.code}/", expect)
        edit = {r: 200 if r in PROMOTION_EDITORS else 403 if r in viewers else 404 for r in ROLES}
        problems += _page_status(personas, f"/promotions/{promotion.code}/edit/", edit)
    assert not problems, "\n".join(problems)


def test_customer_users_see_only_their_own_price_on_catalog_pages(personas):
    # A1's and B1's customer prices are equal in the personas: make B1's distinct.
    personas.price_b1.price = Decimal("2377.00")
    personas.price_b1.save()
    for role, own, other in (("cu_a1", "2,499.00", "2,377.00"), ("cu_b1", "2,377.00", "2,499.00")):
        html = _browser(personas, role).get("/catalog/").content.decode()
        assert own in html and other not in html, role
        detail = _browser(personas, role).get(f"/catalog/{personas.sku.code}/").content.decode()
        assert own in detail and other not in detail, role


def test_portal_roles_are_the_expected_ones():
    assert CUSTOMER_USERS < PORTAL
