"""Timeline events written while Chinese is active read in each reader's language (ux review
D3): the sentence is stored as a message id with parameters (a person's note joined as
written) beside the words as first written; events stored as words before this change are
read back by the data migration."""

from __future__ import annotations

import importlib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from roots.orders import services
from roots.orders.custom import services as custom_services
from roots.orders.models import OrderEvent, OrderStatus
from roots.orders.tests.test_custom_support import quote_data, requested

pytestmark = pytest.mark.django_db

migration = importlib.import_module("roots.orders.migrations.0003_event_generated_text")


def client_for(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def allocated(personas, make_order, stock):
    """An order submitted, confirmed and allocated with Chinese active."""
    with translation.override("zh-hans"):
        order = make_order(quantity=2)
        services.order_confirm(user=personas.bm_a, order=order)
        services.order_allocate(user=personas.bm_a, order=order)
    return order


def test_order_events_are_stored_as_message_ids(allocated):
    event = OrderEvent.objects.get(order=allocated, to_status=OrderStatus.ALLOCATED)
    assert event.message_text["id"] == "orders.allocated"
    assert event.message.startswith("配货仓库：")  # as first written
    submitted = OrderEvent.objects.get(order=allocated, to_status=OrderStatus.SUBMITTED)
    assert submitted.message_text["params"]["total"] == {"t": "money", "v": "4998.00"}


def test_an_order_timeline_written_in_chinese_reads_in_english_and_spanish(personas, allocated):
    warehouse = OrderEvent.objects.get(order=allocated, to_status=OrderStatus.ALLOCATED)
    place = warehouse.message_text["params"]["places"]
    url = reverse("order-detail", args=[allocated.number])
    english = client_for(personas.bm_a, "en").get(url).content.decode()
    assert f"Stock allocated from: {place}." in english
    assert "1 line(s) for" in english
    assert "配货仓库" not in english
    spanish = client_for(personas.cu_a1, "es").get(url).content.decode()
    assert f"Existencias asignadas desde: {place}." in spanish
    assert "1 línea(s) para" in spanish
    api = Client(HTTP_ACCEPT_LANGUAGE="es")
    api.force_login(personas.cu_a1)
    timeline = api.get(f"/api/v1/orders/{allocated.number}/timeline/").json()
    assert f"Existencias asignadas desde: {place}." in [e["message"] for e in timeline]
    english_api = client_for(personas.bm_a, "en")
    timeline = english_api.get(f"/api/v1/orders/{allocated.number}/timeline/").json()
    assert f"Stock allocated from: {place}." in [e["message"] for e in timeline]


def test_a_note_stays_as_written(personas, make_order, stock):
    order = make_order()
    with translation.override("zh-hans"):
        services.order_confirm(user=personas.bm_a, order=order, message="已电话确认送货时间")
    event = OrderEvent.objects.get(order=order, to_status=OrderStatus.CONFIRMED)
    assert (event.message_text, event.message) == ({}, "已电话确认送货时间")
    with translation.override("en"):
        assert event.get_message_display() == "已电话确认送货时间"


def test_each_mail_is_in_its_recipients_language(personas, make_order, stock):
    personas.cu_a1.language = "en"
    personas.cu_a1.save()
    personas.cu_a1.email = "buyer@example.com"
    personas.cu_a1.save()
    order = make_order()
    mail.outbox.clear()
    with translation.override("zh-hans"), pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())
        services.order_confirm(user=personas.bm_a, order=order)
        services.order_allocate(user=personas.bm_a, order=order)
    bodies = [m.body for m in mail.outbox if m.to == ["buyer@example.com"]]
    assert any("Stock allocated from:" in body for body in bodies)


def test_a_custom_order_quote_written_in_chinese_reads_in_english_and_spanish(personas):
    custom_order = requested(personas)
    with translation.override("zh-hans"):
        custom_services.quote_custom_order(
            user=personas.pm,
            custom_order=custom_order,
            data={**quote_data(), "note": "可加装变频模块"},
            expected_version=1,
        )
    event = OrderEvent.objects.filter(custom_order=custom_order).last()
    assert event is not None and event.message.endswith("\n可加装变频模块")
    assert event.message_text["join"][1] == "可加装变频模块"
    url = reverse("custom-order-detail", args=[custom_order.number])
    english = client_for(personas.pm, "en").get(url).content.decode()
    assert "¥2,050.00 a unit × 400 = ¥820,000.00, lead time" in english
    assert "可加装变频模块" in english
    assert "单价" not in english
    spanish = client_for(personas.cu_a1, "es").get(url).content.decode()
    assert "por unidad × 400" in spanish
    api = Client(HTTP_ACCEPT_LANGUAGE="es")
    api.force_login(personas.cu_a1)
    timeline = api.get(f"/api/v1/custom-orders/{custom_order.number}/timeline/").json()
    assert any("plazo de entrega" in e["message"] for e in timeline)


# --- the data migration ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "message_id"),
    [
        ("配货仓库：济南中心仓库。", "orders.allocated"),
        ("Stock allocated from: Jinan DC.", "orders.allocated"),
        ("2行，收货网点国美青岛店，合计¥4,998.00。", "orders.submitted"),
        ("随定制订单MO00000012一并取消。", "orders.cancelled_with_custom"),
        ("超过7天期限 1 天 3 小时开始生产", "custom.started_late"),
        ("报价有效期至 2026-12-21", "custom.expired"),
        ("总额 ¥57,600.00，须在 2026-12-07 16:25 前开始生产", "custom.accepted_total"),
        ("已生成订单SO1，金额¥100.00；须于2026年12月7日 16:25前开始生产。", "custom.accepted"),
    ],
)
def test_the_migration_reads_known_sentences(words, message_id):
    assert migration.read_event(words)["id"] == message_id


def test_the_migration_reads_the_demo_quote_and_keeps_its_note():
    stored = migration.read_event(
        "单价 ¥1,920.00 × 30 = ¥57,600.00，交期 13 天，有效期至 2026-12-21\n含安装"
    )
    text, note = stored["join"]
    assert (stored["sep"], note) == ("line", "含安装")
    assert [piece["id"] for piece in text["join"]] == [
        "custom.quote.price",
        "custom.quote.lead",
        "custom.quote.valid",
    ]
    price = text["join"][0]["params"]
    assert price == {
        "price": {"t": "money", "v": "1920.00"},
        "quantity": 30,
        "total": {"t": "money", "v": "57600.00"},
    }
    assert text["join"][2]["params"]["date"] == {
        "t": "date",
        "v": "2026-12-21",
        "f": "DATE_FORMAT",
    }
    with translation.override("es"):
        from roots.core.i18n_text import render

        assert render(stored) == (
            "¥1\xa0920,00 por unidad × 30 = ¥57\xa0600,00, plazo de entrega 13 días, "
            "válida hasta el 21 de diciembre de 2026\n含安装"
        )


def test_the_migration_reads_a_request_and_a_requote():
    text = migration.read_event("400 × “双门冰箱”，目标单价 ¥2,000.00，期望 2027-01-15 前到货")
    assert [piece["id"] for piece in text["join"]] == [
        "custom.request.quantity",
        "custom.request.target",
        "custom.request.wanted",
    ]
    text = migration.read_event("New quote: ¥5.00 a unit × 2 = ¥10.00, lead time 3 days")
    assert text["id"] == "custom.requote"


def test_the_migration_leaves_what_it_cannot_read():
    assert migration.read_event("已电话确认送货时间") is None
    assert migration.read_event("生产风险：须在 2026-12-07 16:25 前开始生产") is None


def test_the_migration_backfills_rows(personas, make_order, stock):
    from django.apps import apps

    order = make_order()
    legacy = OrderEvent.objects.create(
        customer=personas.cust_a1, order=order, kind="status", message="配货仓库：济南中心仓库。"
    )
    note = OrderEvent.objects.create(
        customer=personas.cust_a1, order=order, kind="note", message="门店要求工作日上午送货"
    )
    migration.forwards(apps, None)
    legacy.refresh_from_db()
    note.refresh_from_db()
    assert legacy.message_text == {
        "id": "orders.allocated",
        "params": {"places": "济南中心仓库"},
    }
    assert legacy.message == "配货仓库：济南中心仓库。"
    assert (note.message_text, note.message) == ({}, "门店要求工作日上午送货")
    with translation.override("en"):
        assert legacy.get_message_display() == "Stock allocated from: 济南中心仓库."


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_events_of_an_older_schema(personas, make_order, stock):
    """Migrate back to before the change, write an event as the old code did (Chinese
    words only), migrate forward: the event reads in English."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    order = make_order()
    before = [("orders", "0002_allocations_and_line_promotion")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("orders", "OrderEvent")
    legacy = old.objects.create(
        customer_id=personas.cust_a1.pk,
        order_id=order.pk,
        kind="status",
        to_status="allocated",
        message="配货仓库：济南中心仓库。",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    event = OrderEvent.objects.get(pk=legacy.pk)
    assert event.message_text == {"id": "orders.allocated", "params": {"places": "济南中心仓库"}}
    with translation.override("en"):
        assert event.get_message_display() == "Stock allocated from: 济南中心仓库."
