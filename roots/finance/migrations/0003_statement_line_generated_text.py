"""Statement lines keep their description as a message id with parameters (rendered in the
reader's language) beside the words as first written. Existing lines are read back from
those words (Chinese, English or Spanish): "订单 SO…", "银行转账 HD…", "返利: …"; what
cannot be read stays as written."""

from django.db import migrations

import roots.core.i18n_text
from roots.core.migrations._generated_text_v1 import Spec, backfill, read

ORDER = Spec(
    "finance.line.order",
    [("en", "Order %(number)s"), ("zh-hans", "订单 %(number)s"), ("es", "Pedido %(number)s")],
)
# Labels of PaymentMethod and ExpenseKind in each language, longest first (so that "银行承兑
# 汇票" is not read as "银行…").
METHODS = {
    "银行承兑汇票": "acceptance_bill",
    "银行转账": "bank_transfer",
    "现金": "cash",
    "Bank acceptance bill": "acceptance_bill",
    "Bank transfer": "bank_transfer",
    "Cash": "cash",
    "Transferencia bancaria": "bank_transfer",
    "Aceptación bancaria": "acceptance_bill",
    "Efectivo": "cash",
}
KINDS = {
    "返利": "rebate",
    "市场费用": "marketing_expense",
    "Rebate": "rebate",
    "Marketing expense": "marketing_expense",
    "Bonificación": "rebate",
    "Gasto de marketing": "marketing_expense",
}
METHOD_PATH = "roots.finance.models.PaymentMethod"
KIND_PATH = "roots.finance.models.ExpenseKind"


def read_payment(text):
    for label in sorted(METHODS, key=len, reverse=True):
        if text == label or text.startswith(label + " "):
            piece = {"t": "choice", "e": METHOD_PATH, "v": METHODS[label]}
            reference = text[len(label) :].strip()
            return {"join": [piece, reference] if reference else [piece], "sep": "space"}
    return None


def read_credit(text):
    for label in sorted(KINDS, key=len, reverse=True):
        if text == label or text.startswith(label + ":"):
            piece = {"t": "choice", "e": KIND_PATH, "v": KINDS[label]}
            activity = text[len(label) + 1 :].strip()
            return {"join": [piece, activity] if activity else [piece], "sep": "colon"}
    return None


def read_line(kind, description):
    if not description:
        return None
    if kind == "invoice":
        return read(description, [ORDER])
    if kind == "payment":
        return read_payment(description)
    if kind == "credit":
        return read_credit(description)
    return None


def forwards(apps, schema_editor):
    StatementLine = apps.get_model("finance", "StatementLine")

    def convert(row):
        if row["description_text"]:
            return None
        found = read_line(row["kind"], row["description"])
        return {"description_text": found} if found is not None else None

    backfill(
        StatementLine, read_fields=["kind", "description", "description_text"], convert=convert
    )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0002_business_date_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="statementline",
            name="description_text",
            field=roots.core.i18n_text.GeneratedTextField(
                blank=True, default=dict, editable=False, verbose_name="generated description"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
