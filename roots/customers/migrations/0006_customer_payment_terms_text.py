"""Standard payment terms are kept as a message id with their days (rendered in the
reader's language) beside the terms as typed. Existing terms are read from what was typed
(the demo data's Chinese wordings and the English ones); other terms stay free text."""

import re

from django.db import migrations

import roots.core.i18n_text
from roots.core.migrations._generated_text_v1 import backfill

DAYS = r"\s*(?P<days>\d{1,3})\s*"
PERCENT = r"\s*(?P<percent>\d{1,3})\s*"
COMMA = r"\s*[，,]\s*"
TERMS = [
    ("customers.terms.net", [rf"票到{DAYS}天付款", rf"net{DAYS}(?:days)?", rf"neto{DAYS}días"]),
    ("customers.terms.monthly", [rf"月结{DAYS}天", rf"monthly statement{COMMA}net{DAYS}days"]),
    ("customers.terms.bill", [rf"承兑汇票{DAYS}天", rf"bank acceptance bill at{DAYS}days"]),
    ("customers.terms.prepaid_rebate", [rf"款到发货{COMMA}年底返利"]),
    ("customers.terms.prepaid", [r"款到发货", r"payment before delivery"]),
    ("customers.terms.cash", [r"现款现货", r"cash on delivery"]),
    ("customers.terms.deposit", [rf"预付{PERCENT}%{COMMA}余款{DAYS}天"]),
    ("customers.terms.deposit_monthly", [rf"预付{PERCENT}%{COMMA}余款月结"]),
    ("customers.terms.commission_monthly", [rf"扣点结算{COMMA}月结"]),
]
PATTERNS = [(id, [re.compile(p, re.IGNORECASE) for p in ps]) for id, ps in TERMS]


def read_terms(text):
    text = (text or "").strip()
    if not text:
        return None
    for id, patterns in PATTERNS:
        for pattern in patterns:
            match = pattern.fullmatch(text)
            if match is not None:
                params = {k: int(v) for k, v in match.groupdict().items()}
                return {"id": id, "params": params}
    return None


def forwards(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")

    def convert(row):
        if row["payment_terms_text"]:
            return None
        found = read_terms(row["payment_terms"])
        return {"payment_terms_text": found} if found is not None else None

    backfill(Customer, read_fields=["payment_terms", "payment_terms_text"], convert=convert)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_business_date_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="payment_terms_text",
            field=roots.core.i18n_text.GeneratedTextField(
                blank=True, default=dict, editable=False, verbose_name="standard payment terms"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
