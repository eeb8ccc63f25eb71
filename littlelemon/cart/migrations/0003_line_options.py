"""A cart line's identity becomes (owner, dish, chosen options): `selection` and `options_key`."""

import importlib

from django.conf import settings
from django.db import migrations, models

stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")


def cartline_triggers_reinstall(apps, schema_editor):
    """The column additions rebuild cart_cartline on SQLite, which drops its version-stamp triggers."""
    stamp_triggers.reinstall_on_sqlite(schema_editor, {"cart_cartline"})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_data_versions"),
        ('cart', '0002_guest_cart'),
        ('menu', '0008_options_and_combos'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='cartline',
            name='cart_line_unique_dish',
        ),
        migrations.RemoveConstraint(
            model_name='cartline',
            name='cart_line_unique_guest_dish',
        ),
        migrations.AddField(
            model_name='cartline',
            name='options_key',
            field=models.CharField(blank=True, default='', help_text="The selection as a canonical string: part of the line's identity.", max_length=500),
        ),
        migrations.AddField(
            model_name='cartline',
            name='selection',
            field=models.JSONField(blank=True, default=dict, help_text='The chosen options (menu/options.py).'),
        ),
        migrations.AddConstraint(
            model_name='cartline',
            constraint=models.UniqueConstraint(fields=('user', 'menuitem', 'options_key'), name='cart_line_unique_dish_options'),
        ),
        migrations.AddConstraint(
            model_name='cartline',
            constraint=models.UniqueConstraint(condition=models.Q(('guest_cart__isnull', False)), fields=('guest_cart', 'menuitem', 'options_key'), name='cart_line_unique_guest_dish_options'),
        ),
        migrations.RunPython(cartline_triggers_reinstall, migrations.RunPython.noop),
    ]
