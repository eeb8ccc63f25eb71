"""The `recommendations` stamp: bumped by triggers on the two score tables (made exactly as core
migration 0001 makes its own), so that the answers showing recommendations change their ETags
when the scores are recomputed."""

import importlib

from django.db import migrations

windows_stamp = importlib.import_module("littlelemon.menu.migrations.0007_portions_and_windows")
stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")

# Numbered after the last stamp triggers before them (menu 0007's), so that trigger names stay unique.
FIRST = windows_stamp.FIRST + len(windows_stamp.SPECS)
SPECS = (
    ("recommendations_itempair", ("'recommendations'",), None),
    ("recommendations_itempopularity", ("'recommendations'",), None),
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_periodicjob"),
        ("menu", "0007_portions_and_windows"),
        ("recommendations", "0001_initial"),
    ]

    operations = [stamp_triggers.triggers_operation(SPECS, FIRST, stamp="recommendations")]
