"""Rejected rows of an upload keep their error as a message id with parameters (rendered in
the reader's language: the customer reading the report may not read the uploader's) beside
the words as first written. Existing errors are read back from those words (Chinese,
English or Spanish); what cannot be read stays as written."""

from django.db import migrations

import roots.core.i18n_text
from roots.core.migrations._generated_text_v1 import Spec, backfill, read


def _spec(id, en, zh, es, kinds=None):
    return Spec(id, [("en", en), ("zh-hans", zh), ("es", es)], kinds or {})


ERRORS = [
    _spec(
        "sellthrough.blank",
        "Required; the cell is blank.",
        "必填，该单元格为空。",
        "Obligatorio; la celda está vacía.",
    ),
    _spec(
        "sellthrough.not_date",
        "Not a date of the form YYYY-MM-DD.",
        "不是 YYYY-MM-DD 格式的日期。",
        "No es una fecha con el formato AAAA-MM-DD.",
    ),
    _spec(
        "sellthrough.future",
        "The date is in the future.",
        "日期不能是未来日期。",
        "La fecha es futura.",
    ),
    _spec(
        "sellthrough.too_early",
        "The date is before 2000-01-01.",
        "日期早于 2000-01-01。",
        "La fecha es anterior a 2000-01-01.",
    ),
    _spec(
        "sellthrough.not_integer", "Not a whole number.", "不是整数。", "No es un número entero."
    ),
    _spec(
        "sellthrough.negative", "Must not be negative.", "不能为负数。", "No puede ser negativo."
    ),
    _spec(
        "sellthrough.too_many",
        "At most %(max)s.",
        "不能超过 %(max)s。",
        "Como máximo %(max)s.",
        {"max": "int"},
    ),
    _spec(
        "sellthrough.not_amount",
        "Not an amount in yuan (e.g. 1234.50).",
        "不是以元为单位的金额（如 1234.50）。",
        "No es un importe en yuanes (p. ej., 1234.50).",
    ),
    _spec(
        "sellthrough.decimals",
        "At most 2 decimals.",
        "最多 2 位小数。",
        "Como máximo 2 decimales.",
    ),
    _spec(
        "sellthrough.too_large",
        "Too large (at most 999,999,999,999.99).",
        "数值过大（最大 999,999,999,999.99）。",
        "Demasiado grande (como máximo 999,999,999,999.99).",
    ),
    _spec(
        "sellthrough.extra",
        "The row has more values than the header.",
        "该行的值多于表头的列数。",
        "La fila tiene más valores que el encabezado.",
    ),
    _spec(
        "sellthrough.foreign_outlet",
        "Outlet %(code)s belongs to another customer.",
        "网点 %(code)s 属于其他客户。",
        "El punto de venta %(code)s pertenece a otro cliente.",
    ),
    _spec(
        "sellthrough.unknown_outlet",
        "Unknown outlet %(code)s.",
        "未知网点 %(code)s。",
        "Punto de venta desconocido: %(code)s.",
    ),
    _spec(
        "sellthrough.unknown_sku",
        "Unknown SKU %(code)s.",
        "未知 SKU %(code)s。",
        "SKU desconocido: %(code)s.",
    ),
    _spec(
        "sellthrough.unknown_category",
        "Unknown category %(code)s.",
        "未知品类 %(code)s。",
        "Categoría desconocida: %(code)s.",
    ),
]


def forwards(apps, schema_editor):
    UploadError = apps.get_model("sellthrough", "UploadError")

    def convert(row):
        if row["message_text"]:
            return None
        found = read(row["message"], ERRORS)
        return {"message_text": found} if found is not None else None

    backfill(UploadError, read_fields=["message", "message_text"], convert=convert)


class Migration(migrations.Migration):
    dependencies = [
        ("sellthrough", "0002_business_date_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="uploaderror",
            name="message_text",
            field=roots.core.i18n_text.GeneratedTextField(
                blank=True, default=dict, editable=False, verbose_name="generated error"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
