"""Migration 0004: the auto-reject minutes move from the environment onto the settings row, the
deployment's current values copied so it keeps its behaviour."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from littlelemon.restaurant.models import RestaurantSettings
from littlelemon.restaurant.selectors import restaurant_settings_get

pytestmark = pytest.mark.django_db

migration = import_module("littlelemon.restaurant.migrations.0004_order_accept_rules")


def test_the_defaults_are_the_environment_defaults():
    row = restaurant_settings_get()

    assert (row.order_accept_timeout_minutes, row.order_scheduled_due_minutes) == (15, 60)
    assert RestaurantSettings._meta.get_field("order_accept_timeout_minutes").default == 15
    assert RestaurantSettings._meta.get_field("order_scheduled_due_minutes").default == 60


def test_the_environment_values_are_copied_into_the_row(settings):
    RestaurantSettings.objects.update_or_create(pk=1, defaults={"name": "Kept"})
    settings.ORDER_ACCEPT_TIMEOUT_MINUTES = 0
    settings.ORDER_SCHEDULED_DUE_MINUTES = 120

    migration.copy_env_values(apps, connection.schema_editor())

    row = restaurant_settings_get()
    assert (row.order_accept_timeout_minutes, row.order_scheduled_due_minutes, row.name) == (0, 120, "Kept")


def test_values_outside_the_range_are_brought_into_it(settings):
    restaurant_settings_get()
    settings.ORDER_ACCEPT_TIMEOUT_MINUTES = 5000
    settings.ORDER_SCHEDULED_DUE_MINUTES = -3

    migration.copy_env_values(apps, connection.schema_editor())

    row = restaurant_settings_get()
    assert (row.order_accept_timeout_minutes, row.order_scheduled_due_minutes) == (1440, 0)


def test_no_row_no_write(settings):
    RestaurantSettings.objects.all().delete()

    migration.copy_env_values(apps, connection.schema_editor())

    assert not RestaurantSettings.objects.exists()


def test_the_columns_were_added_in_place_with_their_defaults():
    with connection.cursor() as cursor:
        columns = {
            column.name: column for column in connection.introspection.get_table_description(cursor, migration.TABLE)
        }
    assert {"order_accept_timeout_minutes", "order_scheduled_due_minutes"} <= set(columns)
