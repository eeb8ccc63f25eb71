"""The `menu` stamp covers the dishes' options and combos too: every write to option groups,
their choices, the dish↔group links, combo slots and the dishes they offer changes it, so the
menu's ETags (a dish's detail shows its groups and slots) change with them. Made exactly as
migrations 0001 and 0003 make theirs, numbered after recommendations migration 0002's (the
last stamp triggers made before)."""

import importlib

from django.db import migrations

data_versions = importlib.import_module("littlelemon.core.migrations.0001_data_versions")
recommendations_stamp = importlib.import_module("littlelemon.recommendations.migrations.0002_recommendations_stamp")

# Numbered after the last triggers made before (recommendations migration 0002's), without a gap.
FIRST = recommendations_stamp.FIRST + len(recommendations_stamp.SPECS)
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
        ("menu", "0008_options_and_combos"),
        ("bookings", "0005_combination_stamps"),
        ("recommendations", "0002_recommendations_stamp"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
