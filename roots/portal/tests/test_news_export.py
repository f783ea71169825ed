"""The news list's XLSX export: the news the page lists for the user (audience, drafts only
for headquarters, the kind filter), behind the page's role gate."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import shared_personas
from roots.portal.tests.test_news import news  # noqa: F401

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def titles(response) -> list[object]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith('attachment; filename="news-')
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    column = rows[0].index("Title")
    return [row[column] for row in rows[1:]]


@pytest.mark.parametrize("role", ["hq", "am_a", "bm_b", "cu_a1", "cu_b1"])
@pytest.mark.parametrize("kind", ["", "policy", "promotion_notice"])
def test_export_holds_the_news_the_page_lists(personas, news, role, kind):  # noqa: F811
    client = client_for(getattr(personas, role))
    page = client.get(reverse("news-list"), {"kind": kind})
    assert page.status_code == 200
    expected = [item.title for item in page.context["page"].object_list]
    assert titles(client.get(reverse("news-export"), {"kind": kind})) == expected


def test_export_is_scoped_and_filtered(personas, news):  # noqa: F811
    assert set(titles(client_for(personas.cu_a1).get(reverse("news-export")))) == {
        "全体客户新闻",
        "跨国连锁专享政策",
    }
    assert "草稿" in titles(client_for(personas.hq).get(reverse("news-export")))
    only = client_for(personas.hq).get(reverse("news-export"), {"kind": "policy"})
    assert titles(only) == ["跨国连锁专享政策"]


def test_export_is_gated_like_the_list(personas):
    for role in ("su",):
        client = client_for(getattr(personas, role))
        status = client.get(reverse("news-list")).status_code
        assert status in (403, 404)
        assert client.get(reverse("news-export")).status_code == status


def test_news_page_offers_the_export(personas, news):  # noqa: F811
    html = client_for(personas.am_a).get(reverse("news-list")).content.decode()
    assert f'href="{reverse("news-export")}' in html and 'data-testid="export"' in html
