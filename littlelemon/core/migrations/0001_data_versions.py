"""Version stamps (core.DataVersion) and the triggers that change them.

Each table below bumps the named stamps on every insert, update and delete of a row, inside
the writing transaction (a rolled-back write leaves them alone). A name that depends on the row
(`cart:<user id>`) is computed from the old row and from the new one, so moving a row from one
user to another changes both users' stamps; a NULL name (an order without a driver) is skipped.
`UPDATE` triggers on users fire only when the listed columns change (a log-in writes
`last_login` and changes nothing a cached response shows). On PostgreSQL a `TRUNCATE` of any of
these tables, which row triggers do not see, changes `epoch`, which every read includes.

The specs are frozen here, as SQL, like any migration: a later change to what a stamp covers is
a new migration.
"""

from django.db import migrations, models

# (table, stamp name expressions over {row}, UPDATE only when these columns change (None: any))
SPECS = (
    ("restaurant_restaurantsettings", ("'restaurant'",), None),
    ("restaurant_openinghours", ("'restaurant'",), None),
    ("restaurant_closure", ("'restaurant'",), None),
    ("bookings_table", ("'bookings'",), None),
    ("bookings_booking", ("'bookings'",), None),
    ("cart_cartline", ("'cart:' || {row}.user_id",), None),
    (
        "orders_order",
        ("'orders'", "'orders:' || {row}.customer_id", "'orders:' || {row}.delivery_crew_id"),
        None,
    ),
    (
        "orders_orderitem",
        (
            "'orders'",
            "'orders:' || (SELECT customer_id FROM orders_order WHERE id = {row}.order_id)",
            "'orders:' || (SELECT delivery_crew_id FROM orders_order WHERE id = {row}.order_id)",
        ),
        None,
    ),
    # Names shown on orders (customer_name, delivery_crew_name).
    ("accounts_user", ("'people'",), ("username", "first_name", "last_name")),
    # What a user may do and whether they may sign in at all.
    ("accounts_user", ("'user:' || {row}.id",), ("is_active", "is_superuser", "is_staff")),
    ("accounts_user_groups", ("'user:' || {row}.user_id",), None),
    ("auth_group", ("'roles'",), ("name",)),
)

SQLITE_BUMP = (
    "INSERT INTO core_dataversion (name, stamp) SELECT {name}, random() WHERE {name} IS NOT NULL "
    "ON CONFLICT (name) DO UPDATE SET stamp = excluded.stamp;"
)

POSTGRESQL_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION core_dataversion_bump(stamp_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF stamp_name IS NOT NULL THEN
        INSERT INTO core_dataversion (name, stamp)
        VALUES (stamp_name, floor(random() * 9.2e18)::bigint)
        ON CONFLICT (name) DO UPDATE SET stamp = EXCLUDED.stamp;
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION core_dataversion_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM core_dataversion_bump('epoch');
    RETURN NULL;
END
$$;
"""

EVENTS = ("INSERT", "UPDATE", "DELETE")


def _rows(event: str) -> tuple[str, ...]:
    return {"INSERT": ("NEW",), "DELETE": ("OLD",), "UPDATE": ("OLD", "NEW")}[event]


def _changed(columns, different: str) -> str:
    return " OR ".join(f"OLD.{column} {different} NEW.{column}" for column in columns)


def _trigger_name(number: int, table: str, event: str) -> str:
    return f"core_dv_{number}_{table}_{event.lower()}"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BUMP_FUNCTION)
    elif vendor != "sqlite":
        return  # no stamps: nothing is cached per user (correct, only slower)
    for number, (table, names, columns) in enumerate(SPECS):
        for event in EVENTS:
            trigger = _trigger_name(number, table, event)
            bumps = [name.format(row=row) for row in _rows(event) for name in names]
            if vendor == "sqlite":
                when = f" WHEN {_changed(columns, 'IS NOT')}" if columns and event == "UPDATE" else ""
                body = " ".join(SQLITE_BUMP.format(name=name) for name in bumps)
                schema_editor.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON {table}{when} BEGIN {body} END;")
            else:
                when = f" WHEN ({_changed(columns, 'IS DISTINCT FROM')})" if columns and event == "UPDATE" else ""
                body = " ".join(f"PERFORM core_dataversion_bump({name});" for name in bumps)
                schema_editor.execute(
                    f"CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    f"BEGIN {body} RETURN NULL; END $$;"
                )
                schema_editor.execute(
                    f"CREATE TRIGGER {trigger} AFTER {event} ON {table} FOR EACH ROW{when} "
                    f"EXECUTE FUNCTION {trigger}();"
                )
    if vendor == "postgresql":
        for table in sorted({table for table, _, _ in SPECS}):
            schema_editor.execute(
                f"CREATE TRIGGER core_dv_{table}_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION core_dataversion_epoch();"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for number, (table, _, _) in enumerate(SPECS):
        for event in EVENTS:
            trigger = _trigger_name(number, table, event)
            if vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            elif vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
    if vendor == "postgresql":
        for table in sorted({table for table, _, _ in SPECS}):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS core_dv_{table}_truncate ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_dataversion_epoch()")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_dataversion_bump(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("accounts", "0002_roles"),
        ("restaurant", "0002_settings_row"),
        ("bookings", "0002_no_double_booking"),
        ("cart", "0001_initial"),
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("name", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("stamp", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
