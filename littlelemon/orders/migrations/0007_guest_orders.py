"""Guest orders: no customer but a guest's name, e-mail and phone; idempotency keys unique per guest cart.

SQLite remakes orders_order to make `customer` nullable: the version-stamp triggers on it and on the
tables whose triggers read it (items, timeline) are dropped before and made again after."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


stamp_triggers = importlib.import_module("littlelemon.core.migrations._stamp_triggers")
stamp_triggers_off, stamp_triggers_on = stamp_triggers.rebuild_guard({"orders_order"})


class Migration(migrations.Migration):
    dependencies = [
        ("cart", "0002_guest_cart"),
        ("orders", "0006_order_status_changed_at"),
        ("core", "0003_menu_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        stamp_triggers_off,
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
        stamp_triggers_on,
    ]
