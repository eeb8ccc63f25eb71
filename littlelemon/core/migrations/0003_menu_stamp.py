"""The menu's stamp joins the others: `menu`, bumped by triggers on categories and dishes; and
an order's timeline (orders_orderevent) bumps its order's stamps, as its items do.

Until now the menu had a table of its own (menu.MenuVersion, menu migration 0003). One registry
of stamps (core.DataVersion) means one read for a response that depends on the menu and on
something else (a cart), and one list of which tables bump what (the SPECS of the core
migrations). The triggers are made exactly as migration 0001 makes its own (SQLite: per row;
PostgreSQL: per statement, a TRUNCATE changing `epoch`); menu migration 0005 then drops the old
triggers and table.
"""

import importlib

from django.db import migrations

data_versions = importlib.import_module("littlelemon.core.migrations.0001_data_versions")
stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")

# Numbered after 0001's, so that trigger names stay unique.
FIRST = len(data_versions.SPECS)
SPECS = (
    ("menu_category", ("'menu'",), None),
    ("menu_menuitem", ("'menu'",), None),
    (
        "orders_orderevent",
        (
            "'orders'",
            "'orders:' || (SELECT customer_id FROM orders_order WHERE id = {row}.order_id)",
            "'orders:' || (SELECT delivery_crew_id FROM orders_order WHERE id = {row}.order_id)",
        ),
        None,
    ),
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_restaurant_stamp"),
        ("menu", "0004_search_and_category_order_indexes"),
    ]

    operations = [stamp_triggers.triggers_operation(SPECS, FIRST, stamp="menu")]
