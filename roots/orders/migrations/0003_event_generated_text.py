"""Timeline events keep what the system says about a step as a message id with parameters
(`OrderEvent.message_text`, rendered in the reader's language; a person's note that follows
it is joined as written) beside `message`, the words as first written. Existing events are
read back from those words (Chinese, English or Spanish, and the demo data's older Chinese
wording); what cannot be read (a note, a reason) is shown as written."""

from django.db import migrations

import roots.core.i18n_text
from roots.core.migrations._generated_text_v1 import Spec, backfill, read, read_join

DATE = "date:DATE_FORMAT"
MOMENT = "datetime:SHORT_DATETIME_FORMAT"

# Whole events (tried first).
EVENTS = [
    Spec(
        "orders.submitted",
        [
            ("en", "%(lines)s line(s) for %(outlet)s, total %(total)s."),
            ("zh-hans", "%(lines)s行，收货网点%(outlet)s，合计%(total)s。"),
            ("es", "%(lines)s línea(s) para %(outlet)s, total %(total)s."),
        ],
        {"lines": "int", "total": "money"},
    ),
    Spec(
        "orders.allocated",
        [
            ("en", "Stock allocated from: %(places)s."),
            ("zh-hans", "配货仓库：%(places)s。"),
            ("es", "Existencias asignadas desde: %(places)s."),
        ],
    ),
    Spec(
        "orders.made_to_order",
        [
            ("en", "Made to order from %(number)s (the accepted quote)."),
            ("zh-hans", "根据%(number)s（已接受的报价）定制生产。"),
            ("es", "Fabricado a pedido a partir de %(number)s (la cotización aceptada)."),
        ],
    ),
    Spec(
        "orders.cancelled_with_custom",
        [
            ("en", "Cancelled with custom order %(number)s."),
            ("zh-hans", "随定制订单%(number)s一并取消。"),
            ("es", "Cancelado junto con el pedido personalizado %(number)s."),
        ],
    ),
    Spec(
        "custom.accepted",
        [
            ("en", "Order %(order)s for %(total)s; production must start by %(due)s."),
            ("zh-hans", "已生成订单%(order)s，金额%(total)s；须于%(due)s前开始生产。"),
            (
                "es",
                "Pedido %(order)s por %(total)s; la producción debe iniciarse a más tardar "
                "el %(due)s.",
            ),
        ],
        {"total": "money", "due": MOMENT},
    ),
    Spec(
        "custom.accepted_total",
        [
            ("en", "Total %(total)s; production must start by %(due)s."),
            ("zh-hans", "总额 %(total)s，须在 %(due)s 前开始生产"),  # the demo data's
        ],
        {"total": "money", "due": MOMENT},
    ),
    Spec(
        "custom.started_late",
        [
            ("en", "Started %(late)s after the 7-day deadline."),
            ("zh-hans", "开工时间超出7天期限%(late)s。"),
            ("zh-hans", "超过7天期限 %(late)s开始生产"),  # the demo data's
            ("es", "Se inició %(late)s después del plazo de 7 días."),
        ],
        {"late": "duration"},
    ),
    Spec(
        "custom.ready",
        [
            ("en", "Order %(order)s is ready to ship."),
            ("zh-hans", "订单%(order)s已可发货。"),
            ("es", "El pedido %(order)s está listo para despacharse."),
        ],
    ),
    Spec(
        "custom.overdue",
        [
            ("en", "Production is overdue by %(late)s (it had to start by %(due)s)."),
            ("zh-hans", "生产已逾期%(late)s（应于%(due)s前开始）。"),
            (
                "es",
                "La producción lleva un retraso de %(late)s (debía iniciarse a más tardar "
                "el %(due)s).",
            ),
        ],
        {"late": "duration", "due": MOMENT},
    ),
    Spec(
        "custom.at_risk",
        [
            ("en", "Production at risk: it must start within %(left)s (by %(due)s)."),
            ("zh-hans", "生产有逾期风险：须在%(left)s内开始（%(due)s前）。"),
            (
                "es",
                "Producción en riesgo: debe iniciarse en un plazo de %(left)s (a más tardar "
                "el %(due)s).",
            ),
        ],
        {"left": "duration", "due": MOMENT},
    ),
    Spec(
        "custom.expired",
        [
            ("en", "The quote was valid until %(date)s."),
            ("zh-hans", "该报价有效期至%(date)s。"),
            ("zh-hans", "报价有效期至 %(date)s"),  # the demo data's
            ("es", "La cotización era válida hasta el %(date)s."),
        ],
        {"date": DATE},
    ),
]

# Pieces of a request or a quote, joined with commas.
PIECES = [
    Spec(
        "custom.request.quantity",
        [("en", "%(quantity)s × “%(title)s”"), ("es", "%(quantity)s × «%(title)s»")],
        {"quantity": "int"},
    ),
    Spec(
        "custom.request.target",
        [
            ("en", "target %(price)s a unit"),
            ("zh-hans", "目标单价%(price)s"),
            ("zh-hans", "目标单价 %(price)s"),  # the demo data's
            ("es", "precio objetivo %(price)s por unidad"),
        ],
        {"price": "money"},
    ),
    Spec(
        "custom.request.wanted",
        [
            ("en", "wanted by %(date)s"),
            ("zh-hans", "期望交期%(date)s"),
            ("zh-hans", "期望 %(date)s 前到货"),  # the demo data's
            ("es", "requerido para el %(date)s"),
        ],
        {"date": DATE},
    ),
    Spec(
        "custom.quote.price",
        [
            ("en", "%(price)s a unit × %(quantity)s = %(total)s"),
            ("zh-hans", "单价%(price)s × %(quantity)s = %(total)s"),
            ("zh-hans", "单价 %(price)s × %(quantity)s = %(total)s"),  # the demo data's
            ("es", "%(price)s por unidad × %(quantity)s = %(total)s"),
        ],
        {"price": "money", "quantity": "int", "total": "money"},
    ),
    Spec(
        "custom.quote.lead",
        [
            ("en", "lead time %(days)s days"),
            ("zh-hans", "交货周期%(days)s天"),
            ("zh-hans", "交期 %(days)s 天"),  # the demo data's
            ("es", "plazo de entrega %(days)s días"),
        ],
        {"days": "int"},
    ),
    Spec(
        "custom.quote.valid",
        [
            ("en", "valid until %(date)s"),
            ("zh-hans", "有效期至%(date)s"),
            ("zh-hans", "有效期至 %(date)s"),  # the demo data's
            ("es", "válida hasta el %(date)s"),
        ],
        {"date": DATE},
    ),
    Spec(
        "custom.quote.model",
        [("en", "model %(code)s"), ("zh-hans", "型号%(code)s"), ("es", "modelo %(code)s")],
    ),
]
REQUOTE_PREFIXES = ("New quote: ", "新报价： ", "新报价：", "Nueva cotización: ")


def read_event(message):
    """The stored JSON of an event's words, or None."""
    whole = read(message, EVENTS)
    if whole is not None:
        return whole
    head, _newline, note = message.partition("\n")
    prefix = next((p for p in REQUOTE_PREFIXES if head.startswith(p)), None)
    joined = read_join(head[len(prefix) :] if prefix else head, PIECES)
    if joined is None:
        return None
    if prefix:
        joined = {"id": "custom.requote", "params": {"quote": joined}}
    if note:  # the quote's note, as written
        joined = {"join": [joined, note], "sep": "line"}
    return joined


def forwards(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")

    def convert(row):
        if row["message_text"] or not row["message"]:
            return None
        found = read_event(row["message"])
        return {"message_text": found} if found is not None else None

    backfill(OrderEvent, read_fields=["message", "message_text"], convert=convert)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0002_allocations_and_line_promotion"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="message_text",
            field=roots.core.i18n_text.GeneratedTextField(
                blank=True, default=dict, editable=False, verbose_name="generated text"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
