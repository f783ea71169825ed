"""Daily-board items built while Chinese is active read in the reader's language (ux review
D3): titles, details and the day's-end reason are stored as message ids with parameters;
items stored as words before this change are read back by the data migration."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import shared_personas
from roots.orders.models import CustomOrderStatus
from roots.sales.daily import services
from roots.sales.models import Activity, ActivityKind, DailyItem, DailyItemKind
from roots.sales.tests.test_daily_services import DAY, custom_order, stock_out, today

# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")

pytestmark = pytest.mark.django_db

migration = importlib.import_module("roots.sales.migrations.0002_daily_item_generated_text")


def client_for(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def board(personas):
    """am_a's board of today, built with Chinese active: a stock-out risk and a follow-up."""
    stock_out(personas)
    Activity.objects.create(
        owner=personas.am_a,
        branch=personas.branch_a,
        kind=ActivityKind.CALL,
        subject="给国美打电话",
        customer=personas.cust_a1,
        planned_at=services.day_start(today()) - DAY,
    )
    with translation.override("zh-hans"):
        services.daily_board_build(user=personas.am_a, day=today())
    return DailyItem.objects.filter(user=personas.am_a, day=today())


def test_items_built_in_chinese_keep_message_ids(board):
    stock = board.get(kind=DailyItemKind.STOCK_OUT)
    assert stock.title.startswith("断货风险")  # the words as first written
    assert stock.title_text["id"] == "daily.stock_out.title"
    assert stock.detail_text["id"] == "daily.stock_out.detail"


def test_the_board_reads_in_english(personas, board):
    page = client_for(personas.am_a, "en").get(reverse("daily-board")).content.decode()
    assert "Stock-out risk:" in page
    assert "days of cover (reported" in page
    assert "Follow up: 给国美打电话" in page
    assert "Call planned for" in page
    assert "断货风险" not in page and "日均销量" not in page


def test_the_api_answers_in_the_readers_language(personas, board):
    rows = client_for(personas.am_a, "en").get("/api/v1/daily-items/").json()["results"]
    titles = {row["kind"]: row["title"] for row in rows}
    assert titles["stock_out"].startswith("Stock-out risk:")
    assert titles["follow_up"] == "Follow up: 给国美打电话"
    rows = client_for(personas.am_a, "es").get("/api/v1/daily-items/").json()["results"]
    titles = {row["kind"]: row["title"] for row in rows}
    assert titles["stock_out"].startswith("Riesgo de quiebre de stock:")


def test_a_custom_order_item_and_the_days_end_reason(personas):
    custom_order(personas, status=CustomOrderStatus.REQUESTED, title="定制冰箱")
    yesterday = today() - DAY
    with translation.override("zh-hans"):
        services.daily_board_build(user=personas.pm, day=yesterday)
        services.daily_boards_close(day=yesterday)
    item = DailyItem.objects.get(user=personas.pm, day=yesterday)
    assert item.title.startswith("报价 MO")
    with translation.override("en"):
        assert item.get_title_display().startswith("Quote MO")
        assert item.get_carry_reason_display() == "Not cleared by the end of the day"
    with translation.override("es"):
        assert item.get_carry_reason_display() == "No completado al final del día"
    # Carried into today, the copy keeps the generated text.
    with translation.override("zh-hans"):
        services.daily_board_build(user=personas.pm, day=today())
    copy = DailyItem.objects.get(user=personas.pm, day=today())
    assert copy.title_text == item.title_text


def test_a_persons_own_reason_stays_as_written(personas):
    item = DailyItem.objects.create(
        user=personas.am_a, day=today(), kind=DailyItemKind.TASK, title="整理报表"
    )
    with translation.override("zh-hans"):
        services.daily_item_carry(user=personas.am_a, item=item, reason="客户改期")
    item.refresh_from_db()
    assert (item.carry_reason, item.carry_reason_text) == ("客户改期", {})
    with translation.override("en"):
        assert item.get_carry_reason_display() == "客户改期"
        assert item.get_title_display() == "整理报表"


# --- the data migration ------------------------------------------------------------------------
def test_the_migration_reads_titles_and_details():
    title = migration.read("断货风险：山姆会员商店北京店 的 海尔 BD-203JB 冰柜", migration.TITLES)
    assert title == {
        "id": "daily.stock_out.title",
        "params": {"outlet": "山姆会员商店北京店", "sku": "海尔 BD-203JB 冰柜"},
    }
    detail = migration.read_detail(
        "山姆会员商店 · 北京店：库存 1，日均销量 0.86，可销 0.6 天（上报于 2026年12月7日）"
    )
    assert detail["id"] == "daily.stock_out.detail"
    assert detail["params"]["sales"] == {"t": "number", "v": "0.86"}
    assert detail["params"]["date"] == {"t": "date", "v": "2026-12-07", "f": "SHORT_DATE_FORMAT"}
    decide = migration.read(
        "请 北京万和家电连锁有限公司 对报价 MO00000105 作出决定", migration.TITLES
    )
    assert decide["params"] == {"customer": "北京万和家电连锁有限公司", "number": "MO00000105"}
    follow = migration.read_detail("国美电器 · 电话计划于 2026年12月6日 10:00")
    assert follow["join"][0] == "国美电器"
    assert follow["join"][1]["params"]["kind"]["v"] == "call"
    with translation.override("en"):
        from roots.core.i18n_text import render

        assert render(follow) == "国美电器 · Call planned for 12/06/2026 10 a.m."


def test_the_migration_backfills_rows_and_leaves_own_tasks(personas):
    from django.apps import apps

    generated = DailyItem.objects.create(
        user=personas.am_a,
        day=today(),
        kind=DailyItemKind.CUSTOM_ORDER,
        title="请 国美 对报价 MO00000105 作出决定",
        carry_reason="当天结束时未日清",
        status="carried",
    )
    own = DailyItem.objects.create(
        user=personas.am_a, day=today(), kind=DailyItemKind.TASK, title="跟进：自己写的"
    )
    migration.forwards(apps, None)
    generated.refresh_from_db()
    own.refresh_from_db()
    assert generated.title_text["id"] == "daily.custom.decide.title"
    assert generated.carry_reason_text["id"] == "daily.not_cleared"
    assert own.title_text == {}
    with translation.override("en"):
        assert generated.get_title_display() == "Ask 国美 to decide on the quote MO00000105"
