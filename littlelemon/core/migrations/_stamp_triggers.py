"""The version-stamp triggers' helpers for migrations:

- `triggers_operation`: the operation of a migration that makes its own stamp triggers (numbered
  from its FIRST, after the migration before it in `_MODULES`);
- `rebuild_guard` and `reinstall_on_sqlite`, for migrations that make SQLite rebuild a stamped
  table (adding a NOT NULL column, swapping a unique constraint): the rebuild drops the table's
  triggers, and these put them back exactly as they were made (same names, numbers, bodies).

Not a migration itself: the loader skips modules whose name starts with an underscore. Import it
with `importlib.import_module("littlelemon.core.migrations._stamp_triggers")`.
"""

import importlib
import secrets

from django.db import migrations

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


def _data_versions():
    return importlib.import_module("littlelemon.core.migrations.0001_data_versions")


def triggers_operation(specs, first: int, *, stamp: str | None = None) -> migrations.RunPython:
    """Make the triggers of `specs`, numbered from `first` (and drop them when unapplied); with
    `stamp`, also the DataVersion row they bump."""

    def create(apps, schema_editor):
        _data_versions().install(schema_editor, specs, first)
        if stamp is not None:
            DataVersion = apps.get_model("core", "DataVersion")
            DataVersion.objects.get_or_create(name=stamp, defaults={"stamp": secrets.randbits(62)})

    def drop(apps, schema_editor):
        _data_versions().uninstall(schema_editor, specs, first, epoch_function=False)

    return migrations.RunPython(create, drop)


def rebuild_guard(tables: set[str]) -> tuple[migrations.RunPython, migrations.RunPython]:
    """Two operations to put around the ones that make SQLite rebuild `tables`: the first drops
    the triggers of core migrations 0001 and 0003 on those tables or reading them (SQLite would
    refuse the rebuild, or lose them), the second makes them again. Nothing on PostgreSQL."""
    data_versions = _data_versions()
    menu_stamp = importlib.import_module("littlelemon.core.migrations.0003_menu_stamp")
    numbered = [*enumerate(data_versions.SPECS), *enumerate(menu_stamp.SPECS, start=menu_stamp.FIRST)]
    affected = [
        (number, spec)
        for number, spec in numbered
        if spec[0] in tables or any(table in name for name in spec[1] for table in tables)
    ]

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for number, spec in affected:
                data_versions.uninstall(schema_editor, (spec,), number, epoch_function=False)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for number, spec in affected:
                data_versions.install(schema_editor, (spec,), number)

    return migrations.RunPython(drop, create), migrations.RunPython(create, drop)
