"""Guest carts: a cart line belongs to a user or to a guest cart (exactly one).

SQLite remakes cart_cartline to make `user` nullable: its version-stamp trigger is dropped before and
made again after (PostgreSQL alters the column in place and keeps it)."""

import importlib

import django.db.models.deletion
import django.utils.timezone
import littlelemon.cart.models
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


TABLES = {"cart_cartline"}


class Migration(migrations.Migration):
    dependencies = [
        ("cart", "0001_initial"),
        ("menu", "0005_remove_menuversion"),
        ("core", "0003_menu_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_stamp_triggers, create_stamp_triggers),
        migrations.CreateModel(
            name="GuestCart",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "token",
                    models.CharField(
                        default=littlelemon.cart.models.new_cart_token, editable=False, max_length=64, unique=True
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("last_seen", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
        ),
        migrations.AlterField(
            model_name="cartline",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="cart_lines",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="cartline",
            name="guest_cart",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lines",
                to="cart.guestcart",
            ),
        ),
        migrations.AddConstraint(
            model_name="cartline",
            constraint=models.UniqueConstraint(
                condition=models.Q(("guest_cart__isnull", False)),
                fields=("guest_cart", "menuitem"),
                name="cart_line_unique_guest_dish",
            ),
        ),
        migrations.AddConstraint(
            model_name="cartline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("guest_cart__isnull", True), ("user__isnull", False)),
                    models.Q(("guest_cart__isnull", False), ("user__isnull", True)),
                    _connector="OR",
                ),
                name="cart_line_one_owner",
            ),
        ),
        migrations.RunPython(create_stamp_triggers, drop_stamp_triggers),
    ]
