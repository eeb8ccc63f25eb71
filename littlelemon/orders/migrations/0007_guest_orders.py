"""Guest orders: no customer but a guest's name, e-mail and phone; idempotency keys unique per guest cart.

SQLite remakes orders_order to make `customer` nullable: the version-stamp triggers on it and on the
tables whose triggers read it (items, timeline) are dropped before and made again after."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


data_versions = importlib.import_module("littlelemon.core.migrations.0001_data_versions")
menu_stamp = importlib.import_module("littlelemon.core.migrations.0003_menu_stamp")


def _stamp_triggers_on(tables: set[str]):
    """(number, spec) of the version-stamp triggers (core migrations 0001 and 0003) on `tables` or
    reading them: SQLite remakes a table to alter it, which they do not survive (or allow)."""
    numbered = [*enumerate(data_versions.SPECS), *enumerate(menu_stamp.SPECS, start=menu_stamp.FIRST)]
    return [
        (number, spec)
        for number, spec in numbered
        if spec[0] in tables or any(table in name for name in spec[1] for table in tables)
    ]


def drop_stamp_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for number, spec in _stamp_triggers_on(TABLES):
            data_versions.uninstall(schema_editor, (spec,), number, epoch_function=False)


def create_stamp_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for number, spec in _stamp_triggers_on(TABLES):
            data_versions.install(schema_editor, (spec,), number)


TABLES = {"orders_order"}


class Migration(migrations.Migration):
    dependencies = [
        ("cart", "0002_guest_cart"),
        ("orders", "0006_order_status_changed_at"),
        ("core", "0003_menu_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_stamp_triggers, create_stamp_triggers),
        migrations.AddField(
            model_name="order",
            name="guest_cart",
            field=models.ForeignKey(
                blank=True,
                help_text="The guest cart it was placed from: its idempotency keys are unique per guest cart.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="cart.guestcart",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="guest_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="order",
            name="guest_name",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="order",
            name="guest_phone",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name="order",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a guest's order (then guest name and e-mail say who) until they claim it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                condition=models.Q(models.Q(("idempotency_key", ""), _negated=True), ("guest_cart__isnull", False)),
                fields=("guest_cart", "idempotency_key"),
                name="order_unique_guest_idempotency_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("customer__isnull", False),
                    models.Q(models.Q(("guest_name", ""), _negated=True), models.Q(("guest_email", ""), _negated=True)),
                    _connector="OR",
                ),
                name="order_customer_or_guest",
            ),
        ),
        migrations.RunPython(create_stamp_triggers, drop_stamp_triggers),
    ]
