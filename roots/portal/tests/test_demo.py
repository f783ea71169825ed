"""Demo news: about twenty items in Chinese, for every channel or chosen ones, one draft."""

from __future__ import annotations

import pytest

from roots.demo.seeder import seed_demo
from roots.org.demo.common import DemoRandom
from roots.portal.demo import seed_news
from roots.portal.models import NewsItem

pytestmark = pytest.mark.django_db


def test_demo_news(personas):
    counts = seed_news(scale="small", rng=DemoRandom(7, "news"))
    assert counts == {"news": NewsItem.objects.count()}
    assert 18 <= counts["news"] <= 25
    assert NewsItem.objects.filter(is_published=False).count() == 1
    assert NewsItem.objects.exclude(audience=[]).exists()
    assert NewsItem.objects.filter(audience=[]).exists()
    visible_a1 = set(NewsItem.objects.visible_to(personas.cu_a1).values_list("title", flat=True))
    visible_b1 = set(NewsItem.objects.visible_to(personas.cu_b1).values_list("title", flat=True))
    assert visible_a1 != visible_b1
    assert seed_news(scale="small", rng=DemoRandom(7, "news")) == {}


def test_demo_news_is_deterministic():
    seed_demo(scale="small", seed=3, log=lambda _m: None)
    seed_news(scale="small", rng=DemoRandom(3, "news"))
    first = list(
        NewsItem.objects.order_by("published_at", "title").values_list("title", "published_at")
    )
    NewsItem.objects.all().delete()
    seed_news(scale="small", rng=DemoRandom(3, "news"))
    assert (
        list(
            NewsItem.objects.order_by("published_at", "title").values_list("title", "published_at")
        )
        == first
    )
