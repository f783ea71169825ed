"""The access matrix of the portal: the portal home, headquarters' news (pages and
`/api/v1/news/`) and the account tabs of the customer 360 page, for every role of `ROLES`.

Rules (docs/portal.md): the portal home is for portal users (staff are sent to their
dashboard). News is written by headquarters only; every staff role reads what is published,
a customer user what is published for everyone or for its channel type, suppliers nothing
(403 on the page, 404 on an item). The account tabs of the 360 page follow the customer's
scope (404 outside it) and are for staff; a customer user asking for one gets its profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.portal.models import NewsItem
from tests.test_access_matrix import (
    A1_VIEWERS,
    A2_VIEWERS,
    B1_VIEWERS,
    PORTAL,
    ROLES,
    STAFF,
    _browser,
    _check_roles,
)

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")
URL = "/api/v1/news/"
READERS = STAFF | {"cu_a1", "cu_b1"}
ACCOUNT_TABS = ("orders", "custom_orders", "balance", "statements", "complaints")


@pytest.fixture
def news(personas: Personas) -> dict[str, NewsItem]:
    """For everyone; for A1's channel (multinational chains); for B1's (local chains); a
    draft; one published next week."""
    return {
        "all": NewsItem.objects.create(title="全体新闻", body="x"),
        "mc": NewsItem.objects.create(title="跨国连锁", body="x", audience=["multinational_chain"]),
        "lc": NewsItem.objects.create(title="区域连锁", body="x", audience=["local_chain"]),
        "draft": NewsItem.objects.create(title="草稿", body="x", is_published=False),
        "later": NewsItem.objects.create(
            title="下周", body="x", published_at=timezone.now() + timedelta(days=7)
        ),
    }


NEWS_VIEWERS = {
    "all": READERS,
    "mc": STAFF | {"cu_a1"},
    "lc": STAFF | {"cu_b1"},
    "draft": frozenset({"hq"}),
    "later": frozenset({"hq"}),
}


def _pages_by_role(personas: Personas, url: str, expect: Mapping[str, int]) -> None:
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url).status_code
        if status != expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


# --- the portal home -------------------------------------------------------------------------
def test_portal_home_by_role(personas):
    _pages_by_role(personas, "/portal/", {r: 200 if r in PORTAL else 302 for r in ROLES})


def test_portal_home_shows_each_customer_user_only_its_company(personas):
    for role, own, other in (("cu_a1", "C100001", "C100003"), ("cu_b1", "C100003", "C100001")):
        content = _browser(personas, role).get("/portal/").content.decode()
        assert own in content and other not in content, role


# --- news: API -------------------------------------------------------------------------------
def test_news_list_contains_exactly_the_items_each_role_may_read(personas, news):
    def scoped(role: str, response: Any) -> list[str]:
        got = {row["id"] for row in response.data["results"]}
        wanted = {news[k].pk for k, viewers in NEWS_VIEWERS.items() if role in viewers}
        return [] if got == wanted else [f"{role}: listed {sorted(got)}, wanted {sorted(wanted)}"]

    _check_roles(personas, "GET", URL, dict.fromkeys(ROLES, 200), after=scoped)


@pytest.mark.parametrize("label", list(NEWS_VIEWERS))
def test_news_item_reads_and_writes_by_role(personas, news, label):
    item = news[label]
    viewers = NEWS_VIEWERS[label]
    url = f"{URL}{item.pk}/"
    _check_roles(personas, "GET", url, {r: 200 if r in viewers else 404 for r in ROLES})
    _check_roles(
        personas, "GET", f"{url}history/", {r: 200 if r in viewers else 404 for r in ROLES}
    )
    write = {r: 200 if r == "hq" else 403 if r in viewers else 404 for r in ROLES}
    _check_roles(personas, "PATCH", url, write, {"title": "改过的标题"})
    body = {
        "title": "改过的标题",
        "body": "x",
        "kind": "news",
        "audience": [],
        "is_published": True,
        "published_at": item.published_at.isoformat(),
    }
    _check_roles(personas, "PUT", url, write, body)
    _check_roles(
        personas,
        "DELETE",
        url,
        {r: 204 if r == "hq" else 403 if r in viewers else 404 for r in ROLES},
    )


def test_news_create_by_role(personas):
    expect = {r: 201 if r == "hq" else 403 for r in ROLES}
    _check_roles(personas, "POST", URL, expect, {"title": "新品", "body": "x"})


def test_anonymous_gets_401_from_the_news_api(personas, news):
    client = APIClient()
    item = f"{URL}{news['all'].pk}/"
    for method, url in (
        ("GET", URL),
        ("POST", URL),
        ("GET", item),
        ("PATCH", item),
        ("DELETE", item),
    ):
        assert getattr(client, method.lower())(url, {}, format="json").status_code == 401


# --- news: pages -----------------------------------------------------------------------------
def test_news_page_by_role(personas, news):
    _pages_by_role(personas, "/portal/news/", {r: 200 if r in READERS else 403 for r in ROLES})


@pytest.mark.parametrize("label", list(NEWS_VIEWERS))
def test_news_item_page_by_role(personas, news, label):
    viewers = NEWS_VIEWERS[label]
    _pages_by_role(
        personas,
        f"/portal/news/{news[label].pk}/",
        {r: 200 if r in viewers else 404 for r in ROLES},
    )


def test_news_page_lists_exactly_what_each_role_may_read(personas, news):
    for role in READERS:
        content = _browser(personas, role).get("/portal/news/").content.decode()
        for label, item in news.items():
            assert (item.title in content) == (role in NEWS_VIEWERS[label]), (role, label)


# --- customer 360: the account tabs ----------------------------------------------------------
CUSTOMERS = (("C100001", A1_VIEWERS), ("C100002", A2_VIEWERS), ("C100003", B1_VIEWERS))


@pytest.mark.parametrize(("code", "viewers"), CUSTOMERS, ids=[c for c, _v in CUSTOMERS])
@pytest.mark.parametrize("tab", ACCOUNT_TABS)
def test_account_tabs_by_role(personas, code, viewers, tab):
    problems = []
    for role in ROLES:
        response = _browser(personas, role).get(
            f"/customers/{code}/", {"tab": tab}, HTTP_HX_REQUEST="true"
        )
        expected = 200 if role in viewers else 404
        if response.status_code != expected:
            problems.append(f"{role}: {tab} of {code} answered {response.status_code}")
        elif expected == 200:
            # Staff get the tab; a customer user gets its profile instead.
            shown = f'data-tab="{tab}"' in response.content.decode()
            if shown == (role in PORTAL):
                problems.append(f"{role}: {tab} of {code} shown={shown}")
    assert not problems, "\n".join(problems)


def test_anonymous_is_sent_to_login_from_the_portal_pages(personas, news):
    for url in ("/portal/", "/portal/news/", f"/portal/news/{news['all'].pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/")
