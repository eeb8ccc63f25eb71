"""The `menu` stamp covers the dishes' options and combos too: every write to option groups,
their choices, the dish↔group links, combo slots and the dishes they offer changes it, so the
menu's ETags (a dish's detail shows its groups and slots) change with them. Made exactly as
migrations 0001 and 0003 make theirs, numbered after recommendations migration 0002's (the
last stamp triggers made before)."""

import importlib

from django.db import migrations

recommendations_stamp = importlib.import_module("littlelemon.recommendations.migrations.0002_recommendations_stamp")
stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")

# Numbered after the last triggers made before (recommendations migration 0002's), without a gap.
FIRST = recommendations_stamp.FIRST + len(recommendations_stamp.SPECS)
SPECS = (
    ("menu_optiongroup", ("'menu'",), None),
    ("menu_optionchoice", ("'menu'",), None),
    ("menu_menuitemoptiongroup", ("'menu'",), None),
    ("menu_comboslot", ("'menu'",), None),
    ("menu_comboslotoption", ("'menu'",), None),
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_periodicjob"),
        ("menu", "0008_options_and_combos"),
        ("bookings", "0005_combination_stamps"),
        ("recommendations", "0002_recommendations_stamp"),
    ]

    operations = [stamp_triggers.triggers_operation(SPECS, FIRST)]
