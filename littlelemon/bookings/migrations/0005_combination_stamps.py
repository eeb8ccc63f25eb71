"""Writes to table combinations, their tables and the tables bookings hold bump the `bookings`
version stamp, as writes to tables and bookings do (core migration 0001): the availability reads
them, so its ETag must change with them.

The triggers are made by core's `install` (SQLite: per row; PostgreSQL: per statement). Their
numbers follow core migration 0003's, so that trigger names stay unique (and numbered without a
gap, as core/tests/test_dependency_registry.py checks).
Like migration 0004's guard, a later migration that rebuilds one of these tables on SQLite must
install them again.
"""

import importlib

from django.db import migrations

menu_stamp = importlib.import_module("littlelemon.core.migrations.0003_menu_stamp")
stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")

FIRST = menu_stamp.FIRST + len(menu_stamp.SPECS)
SPECS = (
    ("bookings_tablecombination", ("'bookings'",), None),
    ("bookings_tablecombination_tables", ("'bookings'",), None),
    ("bookings_bookingtable", ("'bookings'",), None),
)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0004_combinations_and_occupancy"),
        ("core", "0003_menu_stamp"),
    ]

    operations = [stamp_triggers.triggers_operation(SPECS, FIRST)]
