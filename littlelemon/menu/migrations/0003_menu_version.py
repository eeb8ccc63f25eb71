"""The menu version stamp and the triggers that change it on every write to the menu.

Triggers, not signals or service calls, because cached menu responses must never outlive a
change made by any path: the services, the admin, `QuerySet.update()`, `bulk_create()`, a
data migration or raw SQL. The stamp changes inside the writing transaction, so it becomes
visible exactly when the change does (on commit) and a rolled-back change leaves it alone.
"""

from django.db import migrations, models

TABLES = ("menu_category", "menu_menuitem")

SQLITE_BUMP = (
    "INSERT INTO menu_menuversion (id, stamp) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp;"
)

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION menu_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO menu_menuversion (id, stamp)
    VALUES (1, floor(random() * 9.2e18)::bigint)
    ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp;
    RETURN NULL;
END
$$;
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # SQLite triggers run for each row; its DELETE without WHERE then deletes row by row.
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {SQLITE_BUMP} END;"
                )
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION menu_version_bump();"
            )
    # Other databases get no trigger: the stamp row is never written, menu_version() reads
    # None and menu responses are simply not cached (correct, only slower).
    apps.get_model("menu", "MenuVersion").objects.update_or_create(pk=1, defaults={"stamp": 1})


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS menu_version_bump()")


class Migration(migrations.Migration):
    dependencies = [("menu", "0002_description_max_length")]

    operations = [
        migrations.CreateModel(
            name="MenuVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stamp", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
