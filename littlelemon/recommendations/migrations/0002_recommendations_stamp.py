"""The `recommendations` stamp: bumped by triggers on the two score tables (made exactly as core
migration 0001 makes its own), so that the answers showing recommendations change their ETags
when the scores are recomputed."""

import importlib
import secrets

from django.db import migrations

data_versions = importlib.import_module("littlelemon.core.migrations.0001_data_versions")
windows_stamp = importlib.import_module("littlelemon.menu.migrations.0007_portions_and_windows")

# Numbered after the last stamp triggers before them (menu 0007's), so that trigger names stay unique.
FIRST = windows_stamp.FIRST + len(windows_stamp.SPECS)
SPECS = (
    ("recommendations_itempair", ("'recommendations'",), None),
    ("recommendations_itempopularity", ("'recommendations'",), None),
)


def create_triggers(apps, schema_editor):
    data_versions.install(schema_editor, SPECS, FIRST)
    DataVersion = apps.get_model("core", "DataVersion")
    DataVersion.objects.get_or_create(name="recommendations", defaults={"stamp": secrets.randbits(62)})


def drop_triggers(apps, schema_editor):
    data_versions.uninstall(schema_editor, SPECS, FIRST, epoch_function=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_periodicjob"),
        ("menu", "0007_portions_and_windows"),
        ("recommendations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
