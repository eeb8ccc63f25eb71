"""The `menu` stamp covers the dishes' options and combos too: every write to option groups,
their choices, the dish↔group links, combo slots and the dishes they offer changes it, so the
menu's ETags (a dish's detail shows its groups and slots) change with them. Made exactly as
migrations 0001 and 0003 make theirs, numbered after bookings migration 0005's."""

import importlib

from django.db import migrations

data_versions = importlib.import_module("littlelemon.core.migrations.0001_data_versions")
combination_stamps = importlib.import_module("littlelemon.bookings.migrations.0005_combination_stamps")

# Numbered after the last triggers made before (bookings migration 0005's), without a gap.
FIRST = combination_stamps.FIRST + len(combination_stamps.SPECS)
SPECS = (
    ("menu_optiongroup", ("'menu'",), None),
    ("menu_optionchoice", ("'menu'",), None),
    ("menu_menuitemoptiongroup", ("'menu'",), None),
    ("menu_comboslot", ("'menu'",), None),
    ("menu_comboslotoption", ("'menu'",), None),
)


def create_triggers(apps, schema_editor):
    data_versions.install(schema_editor, SPECS, FIRST)


def drop_triggers(apps, schema_editor):
    data_versions.uninstall(schema_editor, SPECS, FIRST, epoch_function=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_periodicjob"),
        ("menu", "0007_options_and_combos"),
        ("bookings", "0005_combination_stamps"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
