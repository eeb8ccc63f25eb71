"""Busy mode: `orders_paused` and `orders_paused_message` on the settings row.

The columns are added with a plain `ALTER TABLE ... ADD COLUMN` (the database keeps a constant
default): on SQLite, Django's own AddField of a NOT NULL column rebuilds the table, which drops
the version-stamp triggers of core migration 0001 (`restaurant`). The model state is Django's
usual one, so `makemigrations --check` stays clean.
"""

from django.db import migrations, models

MESSAGE = "We are very busy right now and are not taking online orders. Please try again a little later."
TABLE = "restaurant_restaurantsettings"


class Migration(migrations.Migration):
    dependencies = [("restaurant", "0002_settings_row")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} ADD COLUMN orders_paused boolean NOT NULL DEFAULT false",
                    f"ALTER TABLE {TABLE} DROP COLUMN orders_paused",
                ),
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} ADD COLUMN orders_paused_message varchar(300) NOT NULL DEFAULT '{MESSAGE}'",
                    f"ALTER TABLE {TABLE} DROP COLUMN orders_paused_message",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="restaurantsettings",
                    name="orders_paused",
                    field=models.BooleanField(default=False, help_text="Online orders are paused (busy mode)."),
                ),
                migrations.AddField(
                    model_name="restaurantsettings",
                    name="orders_paused_message",
                    field=models.CharField(
                        default=MESSAGE, help_text="What customers read while orders are paused.", max_length=300
                    ),
                ),
            ],
        ),
    ]
