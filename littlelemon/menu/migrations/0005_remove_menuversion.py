"""The menu's stamp lives in core.DataVersion now (`menu`, core migration 0003): drop the old
triggers of migration 0003 and their table. Reversing recreates both."""

import importlib

from django.db import migrations, models

menu_version = importlib.import_module("littlelemon.menu.migrations.0003_menu_version")


def drop_old_triggers(apps, schema_editor):
    menu_version.drop_triggers(apps, schema_editor)


def create_old_triggers(apps, schema_editor):
    menu_version.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("menu", "0004_search_and_category_order_indexes"),
        ("core", "0003_menu_stamp"),
    ]

    operations = [
        # Reversed, DeleteModel makes the table again before the old triggers are made.
        migrations.RunPython(drop_old_triggers, create_old_triggers),
        migrations.DeleteModel(name="MenuVersion"),
    ]
