"""Indexes for the menu's filter + ordering and, on PostgreSQL, for `search`.

`search` is `UPPER(title) LIKE UPPER('%word%') OR UPPER(description) LIKE ...` (icontains): a
B-tree cannot help, a trigram GIN index on each expression can (EXPLAIN ANALYZE over thousands
of dishes: a rare word turns the sequential scan into a bitmap scan; a word in a third of the
dishes rightly keeps the sequential scan). pg_trgm ships with PostgreSQL and is a
trusted extension (a database owner may create it); where it cannot be created the migration
goes on without these two indexes and search stays correct, only slower. SQLite cannot index
a LIKE with a leading wildcard and does not need to at a restaurant's size.
"""

import logging

from django.db import DatabaseError, migrations, models, transaction

logger = logging.getLogger(__name__)

TRIGRAM_INDEXES = {
    "menu_item_title_trgm": "UPPER(title)",
    "menu_item_description_trgm": "UPPER(description)",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("pg_trgm is not available (%s): menu search runs without trigram indexes", error)
        return
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON menu_menuitem USING gin ({expression} gin_trgm_ops)")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("menu", "0003_menu_version")]

    operations = [
        migrations.AddIndex(
            model_name="menuitem",
            index=models.Index(fields=["category", "price", "id"], name="menu_item_category_price_idx"),
        ),
        migrations.AddIndex(
            model_name="menuitem",
            index=models.Index(fields=["category", "title", "id"], name="menu_item_category_title_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
