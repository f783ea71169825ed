"""Contacts are found by landline too (`search_fields` gained `phone`): add the compacted
landline to the search column of existing contacts, in batches."""

import re

from django.db import migrations

BATCH = 2000
_PUNCT = re.compile(r"[\s\-_·.,，。()（）/\\'\"]+")


def add_phone(apps, schema_editor):
    Contact = apps.get_model("customers", "Contact")
    rows = Contact.objects.exclude(phone="").order_by("pk").values_list("pk", "phone", "search_text")
    batch = []
    for pk, phone, text in rows.iterator(chunk_size=BATCH):
        key = _PUNCT.sub("", phone).lower()
        if key and key not in text.split("|"):
            batch.append(Contact(pk=pk, search_text=(f"{text}|{key}" if text else key)[:500]))
        if len(batch) >= BATCH:
            Contact.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Contact.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_customer_payment_terms_text")]

    operations = [migrations.RunPython(add_phone, migrations.RunPython.noop)]
