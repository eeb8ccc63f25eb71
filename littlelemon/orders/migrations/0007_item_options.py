"""`OrderItem.options`: the chosen options' names and prices, as they were when the order was
placed. On SQLite the new column rebuilds orders_orderitem, which drops its version-stamp
triggers (core migration 0001): the last step puts them back."""

import importlib

from django.db import migrations, models

stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")


def orderitem_triggers_reinstall(apps, schema_editor):
    stamp_triggers.reinstall_on_sqlite(schema_editor, {"orders_orderitem"})


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0006_order_status_changed_at'),
        ('core', '0001_data_versions'),
    ]

    operations = [
        migrations.AddField(
            model_name='orderitem',
            name='options',
            field=models.JSONField(blank=True, default=list, help_text='The chosen options as they were: [{"group", "choice", "price_delta"}], and for a combo [{"slot", "dish", "supplement", "options": [...]}]. unit_price includes them.'),
        ),
        migrations.RunPython(orderitem_triggers_reinstall, migrations.RunPython.noop),
    ]
