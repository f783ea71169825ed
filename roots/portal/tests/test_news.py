"""News from headquarters: audience scoping, the API (hq writes, others read) and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import shared_personas
from roots.portal.models import NewsItem

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

URL = "/api/v1/news/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def news(personas):
    """For everyone; for multinational chains (A1); for local chains (B1); a draft; one
    scheduled for next week."""
    return {
        "all": NewsItem.objects.create(title="全体客户新闻", body="x"),
        "mc": NewsItem.objects.create(
            title="跨国连锁专享政策", body="x", kind="policy", audience=["multinational_chain"]
        ),
        "lc": NewsItem.objects.create(
            title="区域连锁促销通知", body="x", kind="promotion_notice", audience=["local_chain"]
        ),
        "draft": NewsItem.objects.create(title="草稿", body="x", is_published=False),
        "later": NewsItem.objects.create(
            title="下周", body="x", published_at=timezone.now() + timedelta(days=7)
        ),
    }


def _titles(user) -> set[str]:
    return set(NewsItem.objects.visible_to(user).values_list("title", flat=True))


def test_customer_user_reads_news_for_everyone_and_for_its_channel(personas, news):
    assert _titles(personas.cu_a1) == {"全体客户新闻", "跨国连锁专享政策"}
    assert _titles(personas.cu_b1) == {"全体客户新闻", "区域连锁促销通知"}


def test_staff_read_everything_published_hq_also_drafts(personas, news):
    published = {"全体客户新闻", "跨国连锁专享政策", "区域连锁促销通知"}
    for role in ("bm_a", "am_b", "pm", "agent", "engineer"):
        assert _titles(getattr(personas, role)) == published, role
    assert _titles(personas.hq) == published | {"草稿", "下周"}


def test_suppliers_read_no_news(personas, news):
    assert _titles(personas.su) == set()


def test_channel_names_do_not_match_inside_each_other(personas):
    NewsItem.objects.create(title="仅百货", body="x", audience=["department_store"])
    NewsItem.objects.create(title="两类", body="x", audience=["local_chain", "specialty_store"])
    assert _titles(personas.cu_a1) == set()  # a multinational chain
    assert _titles(personas.cu_b1) == {"两类"}


# --- API -------------------------------------------------------------------------------------
def test_hq_writes_news_through_the_api(personas, api):
    client = api.as_(personas.hq)
    created = client.post(
        URL,
        {
            "title": "新品上市",
            "body": "第一段\n\n第二段",
            "kind": "news",
            "audience": ["local_chain"],
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["author"] == "hq" and created["ETag"] == '"1"'
    url = f"{URL}{created.data['id']}/"
    changed = client.patch(url, {"title": "新品上市（更新）"}, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200 and changed.data["version"] == 2
    assert client.patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    assert client.delete(url).status_code == 204
    assert not NewsItem.objects.exists()


@pytest.mark.parametrize("role", ["bm_a", "am_a", "pm", "cu_a1"])
def test_other_readers_may_not_write(personas, api, news, role):
    client = api.as_(getattr(personas, role))
    assert client.post(URL, {"title": "x", "body": "x"}, format="json").status_code == 403
    item = news["all"]
    assert client.patch(f"{URL}{item.pk}/", {"title": "y"}, format="json").status_code == 403
    assert client.delete(f"{URL}{item.pk}/").status_code == 403


def test_news_out_of_the_audience_is_404(personas, api, news):
    client = api.as_(personas.cu_a1)
    assert client.get(f"{URL}{news['lc'].pk}/").status_code == 404
    assert client.patch(f"{URL}{news['lc'].pk}/", {"title": "y"}, format="json").status_code == 404
    assert api.as_(personas.su).get(f"{URL}{news['all'].pk}/").status_code == 404
    listed = {row["title"] for row in client.get(URL).data["results"]}
    assert listed == {"全体客户新闻", "跨国连锁专享政策"}


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x", "body": "x", "audience": ["martians"]},
        {"title": "x", "body": "x", "audience": "local_chain"},
        {"title": "", "body": "x"},
        {"title": "x" * 201, "body": "x"},
        {"title": "x", "body": "x", "kind": "gossip"},
        {"title": "x\x00", "body": "x"},
        # Before 1900 Shanghai's local mean time (+08:05:43) has no RFC 3339 form.
        {"title": "x", "body": "x", "published_at": "1014-10-13T06:56:21Z"},
        {"title": "x", "body": "x", "published_at": "2999-01-01T00:00:00Z"},
    ],
)
def test_bad_news_input_is_400(personas, api, body):
    response = api.as_(personas.hq).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.data["errors"]


def test_news_filter_by_kind(personas, api, news):
    rows = api.as_(personas.hq).get(URL + "?kind=policy").data["results"]
    assert [r["title"] for r in rows] == ["跨国连锁专享政策"]


# --- pages -----------------------------------------------------------------------------------
def test_news_page_lists_what_the_reader_may_read(personas, news):
    content = client_for(personas.cu_b1).get(reverse("news-list")).content.decode()
    assert "区域连锁促销通知" in content and "全体客户新闻" in content
    assert "跨国连锁专享政策" not in content and "草稿" not in content


def test_news_item_page_shows_paragraphs(personas):
    item = NewsItem.objects.create(title="春季政策", body="第一段\n\n第二段<script>")
    content = (
        client_for(personas.cu_a1).get(reverse("news-detail", args=[item.pk])).content.decode()
    )
    assert "<p>第一段</p>" in content
    assert "&lt;script&gt;" in content


def test_news_item_outside_the_audience_is_404(personas, news):
    response = client_for(personas.cu_a1).get(reverse("news-detail", args=[news["lc"].pk]))
    assert response.status_code == 404


def test_suppliers_get_403_on_the_news_page(personas):
    assert client_for(personas.su).get(reverse("news-list")).status_code == 403


def test_hq_sees_drafts_and_the_write_button(personas, news):
    content = client_for(personas.hq).get(reverse("news-list")).content.decode()
    assert "草稿" in content and 'data-testid="write-news"' in content
