"""The auto-reject rules on the settings row: `order_accept_timeout_minutes` and
`order_scheduled_due_minutes`, until now the environment's ORDER_ACCEPT_TIMEOUT_MINUTES and
ORDER_SCHEDULED_DUE_MINUTES (read by orders/housekeeping.py).

The columns are added in place with `ALTER TABLE ... ADD COLUMN` as in 0003 (Django's AddField of
a NOT NULL column rebuilds the table on SQLite and so drops the version-stamp triggers of core
migration 0001). Then the deployment's current environment values are copied into the existing
row, so an installation keeps its behaviour; from then on a manager edits them on /staff/settings/.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import migrations, models

TABLE = "restaurant_restaurantsettings"
COLUMNS = (("order_accept_timeout_minutes", 15), ("order_scheduled_due_minutes", 60))
LIMIT = 24 * 60


def _clamped(value, default: int) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(value, 0), LIMIT)


def copy_env_values(apps, schema_editor):
    """The environment's values (or the defaults when unset) into the settings row, if any."""
    RestaurantSettings = apps.get_model("restaurant", "RestaurantSettings")
    RestaurantSettings.objects.filter(pk=1).update(
        order_accept_timeout_minutes=_clamped(getattr(settings, "ORDER_ACCEPT_TIMEOUT_MINUTES", 15), 15),
        order_scheduled_due_minutes=_clamped(getattr(settings, "ORDER_SCHEDULED_DUE_MINUTES", 60), 60),
    )


class Migration(migrations.Migration):
    dependencies = [("restaurant", "0003_orders_paused")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} ADD COLUMN {name} integer NOT NULL DEFAULT {default} CHECK ({name} >= 0)",
                    f"ALTER TABLE {TABLE} DROP COLUMN {name}",
                )
                for name, default in COLUMNS
            ],
            state_operations=[
                migrations.AddField(
                    model_name="restaurantsettings",
                    name="order_accept_timeout_minutes",
                    field=models.PositiveIntegerField(
                        default=15,
                        help_text="An order nobody accepts this long after it becomes due is rejected automatically; 0 = never.",
                        validators=[MaxValueValidator(LIMIT)],
                    ),
                ),
                migrations.AddField(
                    model_name="restaurantsettings",
                    name="order_scheduled_due_minutes",
                    field=models.PositiveIntegerField(
                        default=60,
                        help_text="A scheduled order becomes due (and must be accepted) this long before its time.",
                        validators=[MaxValueValidator(LIMIT)],
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_env_values, migrations.RunPython.noop),
    ]
