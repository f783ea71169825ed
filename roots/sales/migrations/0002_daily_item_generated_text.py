"""Daily-board items keep the title, detail and carry-over reason the board generates as a
message id with parameters (rendered in the reader's language) beside the words as first
written. Existing items are read back from those words (Chinese, English or Spanish); what
cannot be read (an own task, a person's reason) stays as written."""

from django.db import migrations

import roots.core.i18n_text
from roots.core.migrations._generated_text_v1 import Spec, backfill, choice, read

MOMENT = "datetime:SHORT_DATETIME_FORMAT"
SHORT_DATE = "date:SHORT_DATE_FORMAT"
ACTIVITY_KINDS = choice(
    "roots.sales.models.ActivityKind",
    {
        **{"拜访": "visit", "电话": "call", "会议": "meeting", "电子邮箱": "email"},
        **{"Visit": "visit", "Call": "call", "Meeting": "meeting", "E-mail": "email"},
        **{"Visita": "visit", "Llamada": "call", "Reunión": "meeting"},
        "Correo electrónico": "email",
    },
)

TITLES = [
    Spec(
        "daily.follow_up.title",
        [
            ("en", "Follow up: %(subject)s"),
            ("zh-hans", "跟进：%(subject)s"),
            ("es", "Dar seguimiento: %(subject)s"),
        ],
    ),
    Spec(
        "daily.stock_out.title",
        [
            ("en", "Stock-out risk: %(sku)s at %(outlet)s"),
            ("zh-hans", "断货风险：%(outlet)s 的 %(sku)s"),
            ("es", "Riesgo de quiebre de stock: %(sku)s en %(outlet)s"),
        ],
    ),
    Spec(
        "daily.custom.quote.title",
        [
            ("en", "Quote %(number)s: %(title)s"),
            ("zh-hans", "报价 %(number)s：%(title)s"),
            ("es", "Cotización %(number)s: %(title)s"),
        ],
    ),
    Spec(
        "daily.custom.produce.title",
        [
            ("en", "Start production of %(number)s: %(title)s"),
            ("zh-hans", "开始生产 %(number)s：%(title)s"),
            ("es", "Iniciar la producción de %(number)s: %(title)s"),
        ],
    ),
    Spec(
        "daily.custom.decide.title",
        [
            ("en", "Ask %(customer)s to decide on the quote %(number)s"),
            ("zh-hans", "请 %(customer)s 对报价 %(number)s 作出决定"),
            ("es", "Pida a %(customer)s que decida sobre la cotización %(number)s"),
        ],
    ),
]
FOLLOW_UP_DETAIL = Spec(
    "daily.follow_up.detail",
    [
        ("en", "%(kind)s planned for %(when)s"),
        ("zh-hans", "%(kind)s计划于 %(when)s"),
        ("es", "%(kind)s planificada para %(when)s"),
    ],
    {"kind": ACTIVITY_KINDS, "when": MOMENT},
)
DETAILS = [
    Spec(
        "daily.stock_out.detail",
        [
            (
                "en",
                "%(customer)s · %(outlet)s: %(stock)s in stock, %(sales)s sold a day, "
                "%(cover)s days of cover (reported %(date)s)",
            ),
            (
                "zh-hans",
                "%(customer)s · %(outlet)s：库存 %(stock)s，日均销量 %(sales)s，可销 %(cover)s 天"
                "（上报于 %(date)s）",
            ),
            (
                "es",
                "%(customer)s · %(outlet)s: %(stock)s en inventario, %(sales)s vendidas por día, "
                "%(cover)s días de cobertura (reportado el %(date)s)",
            ),
        ],
        {"stock": "number", "sales": "number", "cover": "number", "date": SHORT_DATE},
    ),
    Spec(
        "daily.complaint.answer",
        [
            ("en", "%(customer)s · answer by %(due)s"),
            ("zh-hans", "%(customer)s · 请在 %(due)s 前答复"),
            ("es", "%(customer)s · responder antes del %(due)s"),
        ],
        {"due": MOMENT},
    ),
    Spec(
        "daily.complaint.resolve",
        [
            ("en", "%(customer)s · resolve by %(due)s"),
            ("zh-hans", "%(customer)s · 请在 %(due)s 前解决"),
            ("es", "%(customer)s · resolver antes del %(due)s"),
        ],
        {"due": MOMENT},
    ),
    Spec(
        "daily.custom.quote.detail",
        [
            ("en", "%(customer)s · %(quantity)s units, requested %(when)s"),
            ("zh-hans", "%(customer)s · %(quantity)s 台，要求于 %(when)s"),
            ("es", "%(customer)s · %(quantity)s unidades, solicitado el %(when)s"),
        ],
        {"quantity": "int", "when": MOMENT},
    ),
    Spec(
        "daily.custom.produce.detail",
        [
            ("en", "%(customer)s · production must start by %(due)s"),
            ("zh-hans", "%(customer)s · 须在 %(due)s 前开始生产"),
            ("es", "%(customer)s · la producción debe iniciar antes del %(due)s"),
        ],
        {"due": MOMENT},
    ),
    Spec(
        "daily.custom.decide.detail",
        [
            ("en", "%(title)s · quoted %(when)s, valid until %(until)s"),
            ("zh-hans", "%(title)s · 报价于 %(when)s，有效期至 %(until)s"),
            ("es", "%(title)s · cotizado el %(when)s, válido hasta el %(until)s"),
        ],
        {"when": MOMENT, "until": SHORT_DATE},
    ),
    FOLLOW_UP_DETAIL,
]
REASONS = [
    Spec(
        "daily.not_cleared",
        [
            ("en", "Not cleared by the end of the day"),
            ("zh-hans", "当天结束时未日清"),
            ("es", "No completado al final del día"),
        ],
    )
]


def read_detail(detail):
    found = read(detail, DETAILS)
    if found is None and " · " in detail:
        # A follow-up names its customer or lead first: "<party> · <kind> planned for ...".
        party, _dot, rest = detail.partition(" · ")
        rest_found = read(rest, [FOLLOW_UP_DETAIL])
        if rest_found is not None:
            found = {"join": [party, rest_found], "sep": "dot"}
    return found


def forwards(apps, schema_editor):
    DailyItem = apps.get_model("sales", "DailyItem")

    def convert(row):
        changes = {}
        if row["kind"] != "task":
            title = read(row["title"], TITLES)
            if title is not None and not row["title_text"]:
                changes["title_text"] = title
            detail = read_detail(row["detail"])
            if detail is not None and not row["detail_text"]:
                changes["detail_text"] = detail
        reason = read(row["carry_reason"], REASONS)
        if reason is not None and not row["carry_reason_text"]:
            changes["carry_reason_text"] = reason
        return changes

    backfill(
        DailyItem,
        read_fields=[
            "kind",
            "title",
            "title_text",
            "detail",
            "detail_text",
            "carry_reason",
            "carry_reason_text",
        ],
        convert=convert,
    )


def _text_field(name):
    return roots.core.i18n_text.GeneratedTextField(
        blank=True, default=dict, editable=False, verbose_name=name
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
    ]

    operations = [
        migrations.AddField("dailyitem", "title_text", _text_field("generated title")),
        migrations.AddField("dailyitem", "detail_text", _text_field("generated detail")),
        migrations.AddField("dailyitem", "carry_reason_text", _text_field("generated reason")),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
