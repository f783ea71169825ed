"""Generated text is stored as a message id with parameters and rendered in the reader's
language (`roots.core.i18n_text`): each parameter kind, the fallbacks, joins, the template
filter and the serializer field."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from roots.core import i18n_text
from roots.finance.models import PaymentMethod
from roots.orders import texts as order_texts


def in_(language: str, value: object, fallback: str = "") -> str:
    with translation.override(language):
        return i18n_text.render(value, fallback=fallback)


def test_a_message_renders_in_each_language():
    text = order_texts.ALLOCATED(places="济南中心仓库")
    assert text.data == {"id": "orders.allocated", "params": {"places": "济南中心仓库"}}
    assert in_("zh-hans", text) == "配货仓库：济南中心仓库。"
    assert in_("en", text) == "Stock allocated from: 济南中心仓库."
    assert in_("es", text) == "Existencias asignadas desde: 济南中心仓库."


def test_money_dates_and_numbers_follow_the_language():
    text = order_texts.QUOTE_PRICE(
        price=i18n_text.money(Decimal("1920")), quantity=1200, total=i18n_text.money(2304000)
    )
    assert in_("en", text) == "¥1,920.00 a unit × 1,200 = ¥2,304,000.00"
    assert in_("es", text) == "¥1\xa0920,00 por unidad × 1\xa0200 = ¥2\xa0304\xa0000,00"
    date = i18n_text.day(datetime.date(2026, 12, 21))
    assert in_("zh-hans", date) == "2026年12月21日"
    assert in_("en", date) == "Dec. 21, 2026"
    assert in_("es", date) == "21 de diciembre de 2026"
    moment = i18n_text.moment(datetime.datetime(2026, 12, 7, 8, 25, tzinfo=datetime.UTC))
    assert in_("zh-hans", moment) == "2026年12月7日 16:25"  # Asia/Shanghai
    assert in_("es", i18n_text.number(Decimal("0.86"))) == "0,86"


def test_durations_choices_and_names():
    late = i18n_text.duration(datetime.timedelta(days=2, hours=5))
    assert in_("zh-hans", late) == "2天5小时"
    assert in_("en", late) == "2 d 5 h"
    method = i18n_text.choice(PaymentMethod, "bank_transfer")
    assert in_("zh-hans", method) == "银行转账"
    assert in_("es", method) == "Transferencia bancaria"
    name = i18n_text.names(zh_hans="冰箱", en="Refrigerators")
    assert in_("zh-hans", name) == "冰箱"
    assert in_("es", name) == "Refrigerators"  # no Spanish name: the English one


def test_joins_use_the_languages_comma():
    text = i18n_text.join([i18n_text.choice(PaymentMethod, "cash"), "R-1", ""], sep="space")
    assert in_("en", text) == "Cash R-1"
    pieces = i18n_text.join([order_texts.QUOTE_LEAD(days=13), order_texts.QUOTE_MODEL(code="M")])
    assert in_("zh-hans", pieces) == "交货周期13天，型号M"
    assert in_("en", pieces) == "lead time 13 days, model M"


def test_what_cannot_be_rendered_falls_back_to_the_literal():
    assert in_("en", {}, fallback="订单 SO1") == "订单 SO1"
    assert in_("en", {"id": "no.such.message", "params": {}}, fallback="旧文本") == "旧文本"
    assert in_("en", {"t": "no-such-kind"}, fallback="旧文本") == "旧文本"
    # A stored choice outside the project is not imported.
    assert in_("en", {"t": "choice", "e": "os.system", "v": "x"}) == "x"


def test_a_message_id_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        i18n_text.message("orders.allocated", "Something else %(places)s")


def test_parse_reads_what_people_type_in_any_language():
    from roots.customers.texts import payment_terms_parse

    for typed in ("票到60天付款", "Net 60 days", "net 60", "Neto 60 días"):
        parsed = payment_terms_parse(typed)
        assert parsed is not None, typed
        assert parsed.data == {"id": "customers.terms.net", "params": {"days": 60}}
    assert payment_terms_parse("预付50%，余款15天").data == {  # type: ignore[union-attr]
        "id": "customers.terms.deposit",
        "params": {"percent": 50, "days": 15},
    }
    assert payment_terms_parse("按季度结算") is None


def test_template_filter_renders_with_fallback():
    template = Template("{% load generated_text %}{{ text|generated:literal }}")
    context = Context({"text": order_texts.READY(order="SO1").data, "literal": "旧"})
    with translation.override("en"):
        assert template.render(context) == "Order SO1 is ready to ship."
        assert template.render(Context({"text": {}, "literal": "旧"})) == "旧"
