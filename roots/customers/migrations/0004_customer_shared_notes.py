"""A note shared with the customer's own staff; `notes` stays internal (ux review D26)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_search_trigram_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="shared_notes",
            field=models.TextField(
                blank=True,
                help_text="Seen and edited by the customer's own staff as well as ours.",
                max_length=5000,
                verbose_name="shared notes",
            ),
        ),
        migrations.AddField(
            model_name="historicalcustomer",
            name="shared_notes",
            field=models.TextField(
                blank=True,
                help_text="Seen and edited by the customer's own staff as well as ours.",
                max_length=5000,
                verbose_name="shared notes",
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="notes",
            field=models.TextField(blank=True, max_length=5000, verbose_name="notes (internal)"),
        ),
        migrations.AlterField(
            model_name="historicalcustomer",
            name="notes",
            field=models.TextField(blank=True, max_length=5000, verbose_name="notes (internal)"),
        ),
    ]
