"""`OrderItem.options`: the chosen options' names and prices, as they were when the order was placed;
`OrderItem.selection`: the same by id, for ordering again."""

import importlib

from django.db import migrations, models

stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")


def orderitem_triggers_reinstall(apps, schema_editor):
    """The column additions rebuild orders_orderitem on SQLite, which drops its version-stamp triggers."""
    stamp_triggers.reinstall_on_sqlite(schema_editor, {"orders_orderitem"})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_data_versions"),
        ('orders', '0008_payment_statuses'),
    ]

    operations = [
        migrations.AddField(
            model_name='orderitem',
            name='options',
            field=models.JSONField(blank=True, default=list, help_text='The chosen options as they were: [{"group", "choice", "price_delta"}], and for a combo [{"slot", "dish", "supplement", "options": [...]}]. unit_price includes them.'),
        ),
        migrations.AddField(
            model_name='orderitem',
            name='selection',
            field=models.JSONField(blank=True, default=dict, help_text="The options as chosen, by id (the cart line's selection, menu/options.py): what ordering again puts back in the cart."),
        ),
        migrations.RunPython(orderitem_triggers_reinstall, migrations.RunPython.noop),
    ]
