"""Guest carts: a cart line belongs to a user or to a guest cart (exactly one).

SQLite remakes cart_cartline to make `user` nullable: its version-stamp trigger is dropped before and
made again after (PostgreSQL alters the column in place and keeps it)."""

import importlib

import django.db.models.deletion
import django.utils.timezone
import littlelemon.cart.models
from django.conf import settings
from django.db import migrations, models


stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")
stamp_triggers_off, stamp_triggers_on = stamp_triggers.rebuild_guard({"cart_cartline"})


class Migration(migrations.Migration):
    dependencies = [
        ("cart", "0001_initial"),
        ("menu", "0005_remove_menuversion"),
        ("core", "0003_menu_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        stamp_triggers_off,
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
        stamp_triggers_on,
    ]
