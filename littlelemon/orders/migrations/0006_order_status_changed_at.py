"""`Order.status_changed_at`: when the order entered its current status (the kitchen's recall
window and age timers count from it, with no query of the timeline). Existing orders take the
time of their last status event (placement counts), else their `updated`."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    last_status_event = (
        OrderEvent.objects.filter(order=models.OuterRef("pk"))
        .exclude(kind="assigned")
        .order_by("-id")
        .values("at")[:1]
    )
    Order.objects.update(
        status_changed_at=Coalesce(models.Subquery(last_status_event), models.F("updated"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_delivery_proof"),
    ]

    operations = [
        # Nullable, and the default only in Python: so SQLite adds the column in place
        # (`ALTER TABLE ADD COLUMN`) instead of remaking the table, which the version-stamp
        # triggers on the order items (core migration 0001), reading orders_order, do not allow.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(
                    model_name="order",
                    name="status_changed_at",
                    field=models.DateTimeField(null=True, blank=True),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="order",
                    name="status_changed_at",
                    field=models.DateTimeField(
                        null=True,
                        blank=True,
                        default=django.utils.timezone.now,
                        help_text="When the order entered its current status (placement or the last status "
                        "change): the kitchen's recall window and age timers count from it.",
                    ),
                ),
            ],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
