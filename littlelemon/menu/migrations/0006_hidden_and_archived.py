"""The back office's menu editor: `Category.hidden` and `MenuItem.archived` (indexed).

The columns are added with a plain `ALTER TABLE ... ADD COLUMN` (the database keeps a constant
default): on SQLite, Django's own AddField of a NOT NULL column rebuilds the table, which drops
the version-stamp triggers of core migration 0003 (`menu`). The model state is Django's usual
one, so `makemigrations --check` stays clean. The index is Django's own (CREATE INDEX only).
"""

from django.db import migrations, models

HIDDEN_HELP = "Hidden categories and their dishes leave the customer menu and the API's lists."
ARCHIVED_HELP = "Off the menu for good (a dish once ordered is archived, never deleted): not listed, not orderable."


class Migration(migrations.Migration):
    dependencies = [("menu", "0005_remove_menuversion")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE menu_category ADD COLUMN hidden boolean NOT NULL DEFAULT false",
                    "ALTER TABLE menu_category DROP COLUMN hidden",
                ),
                migrations.RunSQL(
                    "ALTER TABLE menu_menuitem ADD COLUMN archived boolean NOT NULL DEFAULT false",
                    "ALTER TABLE menu_menuitem DROP COLUMN archived",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="category",
                    name="hidden",
                    field=models.BooleanField(default=False, help_text=HIDDEN_HELP),
                ),
                migrations.AddField(
                    model_name="menuitem",
                    name="archived",
                    field=models.BooleanField(default=False, help_text=ARCHIVED_HELP),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="menuitem",
            index=models.Index(fields=["archived", "category", "position"], name="menu_item_archived_idx"),
        ),
    ]
