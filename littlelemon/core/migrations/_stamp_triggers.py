"""For migrations that make SQLite rebuild a stamped table (adding a NOT NULL column, swapping a
unique constraint): the rebuild drops the table's version-stamp triggers, and this puts them back,
exactly as the core migrations made them (same names, same numbers, same bodies).

Not a migration itself: the loader skips modules whose name starts with an underscore. Import it
with `importlib.import_module("littlelemon.core.migrations._stamp_triggers")`.
"""

import importlib

_MODULES = (
    "littlelemon.core.migrations.0001_data_versions",
    "littlelemon.core.migrations.0003_menu_stamp",
    "littlelemon.bookings.migrations.0005_combination_stamps",
    "littlelemon.menu.migrations.0007_portions_and_windows",
    "littlelemon.recommendations.migrations.0002_recommendations_stamp",
    "littlelemon.core.migrations.0006_menu_options_stamp",
)


def _numbered_specs():
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:  # pragma: no cover (a branch without it)
            continue
        first = getattr(module, "FIRST", 0)
        for number, spec in enumerate(module.SPECS, start=first):
            yield number, spec


def reinstall_on_sqlite(schema_editor, tables: set[str]) -> None:
    """Recreate the stamp triggers of `tables` on SQLite (a rebuilt table lost them). PostgreSQL
    alters tables in place and keeps its triggers: nothing to do there."""
    if schema_editor.connection.vendor != "sqlite":
        return
    data_versions = importlib.import_module("littlelemon.core.migrations.0001_data_versions")
    for number, spec in _numbered_specs():
        if spec[0] in tables:
            data_versions.uninstall(schema_editor, [spec], number)
            data_versions.install(schema_editor, [spec], number)
