"""Core migration 0002 gives the `restaurant` version stamp a value on a database whose settings,
hours and closures were never written since the triggers came (a fresh install), and keeps an
existing one."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from littlelemon.core.models import DataVersion

pytestmark = pytest.mark.django_db


def test_migration_0002_gives_the_stamp_a_value_and_keeps_an_existing_one():
    migration = importlib.import_module("littlelemon.core.migrations.0002_restaurant_stamp")
    DataVersion.objects.filter(name="restaurant").delete()

    migration.stamp_restaurant(django_apps, None)
    stamp = DataVersion.objects.get(name="restaurant").stamp
    migration.stamp_restaurant(django_apps, None)

    assert 0 <= stamp < 2**62
    assert DataVersion.objects.get(name="restaurant").stamp == stamp
    assert ("core", "0002_restaurant_stamp") in MigrationRecorder(connection).applied_migrations()
