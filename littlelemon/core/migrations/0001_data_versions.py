"""Version stamps (core.DataVersion) and the triggers that change them.

Each table below bumps the named stamps on every insert, update and delete of a row, inside
the writing transaction (a rolled-back write leaves them alone). A name that depends on the row
(`cart:<user id>`) is computed from the old row and from the new one, so moving a row from one
user to another changes both users' stamps; a NULL name (an order without a driver) is skipped.
`UPDATE` triggers on users fire only when the listed columns change (a log-in writes
`last_login` and changes nothing a cached response shows).

SQLite runs a trigger per row. PostgreSQL runs one per statement, over its transition tables,
bumping each distinct name once: updating one row many times in one transaction (a bulk insert
of 70,000 order items bumping `orders` per row) leaves a chain of versions each update must
walk, quadratic, while one upsert per statement is constant. There a `TRUNCATE` of any of these
tables, which the transition tables do not see, changes `epoch`, which every read includes.

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

# Names in a fixed order: concurrent writers lock the stamp rows in the same order.
POSTGRESQL_BUMP = """
INSERT INTO core_dataversion (name, stamp)
SELECT name, floor(random() * 9.2e18)::bigint
FROM (SELECT DISTINCT name FROM ({names}) AS names (name) WHERE name IS NOT NULL) AS distinct_names
ORDER BY name
ON CONFLICT (name) DO UPDATE SET stamp = EXCLUDED.stamp;
"""

POSTGRESQL_EPOCH_FUNCTION = """
CREATE OR REPLACE FUNCTION core_dataversion_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_dataversion (name, stamp) VALUES ('epoch', floor(random() * 9.2e18)::bigint)
    ON CONFLICT (name) DO UPDATE SET stamp = EXCLUDED.stamp;
    RETURN NULL;
END
$$;
"""

# The transition tables each event has (REFERENCING ... TABLE AS ...).
TRANSITION_TABLES = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}

EVENTS = ("INSERT", "UPDATE", "DELETE")


def _rows(event: str) -> tuple[str, ...]:
    return {"INSERT": ("NEW",), "DELETE": ("OLD",), "UPDATE": ("OLD", "NEW")}[event]


def _changed(columns, different: str, old: str = "OLD", new: str = "NEW") -> str:
    return " OR ".join(f"{old}.{column} {different} {new}.{column}" for column in columns)


def _trigger_name(number: int, table: str, event: str) -> str:
    return f"core_dv_{number}_{table}_{event.lower()}"


def _postgresql_names(event: str, names, columns) -> str:
    """A query of every stamp name the statement's rows give (the old rows' and the new ones').
    The rows are `o` and `n`: in PL/pgSQL, OLD and NEW are the (here empty) row variables."""
    alias = {"OLD": "o", "NEW": "n"}
    if event == "UPDATE" and columns:
        changed = _changed(columns, "IS DISTINCT FROM", old="o", new="n")
        sources = dict.fromkeys(alias, f"old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE {changed}")
    else:
        sources = {"OLD": "old_rows AS o", "NEW": "new_rows AS n"}
    return " UNION ALL ".join(
        f"SELECT {name.format(row=alias[row])} FROM {sources[row]}" for row in _rows(event) for name in names
    )


def install(schema_editor, specs, first: int = 0) -> None:
    """Create the triggers of `specs`, numbered from `first` (later migrations add theirs)."""
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return  # no stamps: no ETags (correct, only slower)
    for number, (table, names, columns) in enumerate(specs, start=first):
        for event in EVENTS:
            trigger = _trigger_name(number, table, event)
            if vendor == "sqlite":
                bumps = [name.format(row=row) for row in _rows(event) for name in names]
                when = f" WHEN {_changed(columns, 'IS NOT')}" if columns and event == "UPDATE" else ""
                body = " ".join(SQLITE_BUMP.format(name=name) for name in bumps)
                schema_editor.execute(f"CREATE TRIGGER {trigger} AFTER {event} ON {table}{when} BEGIN {body} END;")
            else:
                bump = POSTGRESQL_BUMP.format(names=_postgresql_names(event, names, columns))
                schema_editor.execute(
                    f"CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    f"BEGIN {bump} RETURN NULL; END $$;"
                )
                schema_editor.execute(
                    f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {TRANSITION_TABLES[event]} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {trigger}();"
                )
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_EPOCH_FUNCTION)
        for table in sorted({table for table, _, _ in specs}):
            schema_editor.execute(
                f"CREATE TRIGGER core_dv_{table}_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION core_dataversion_epoch();"
            )


def uninstall(schema_editor, specs, first: int = 0, *, epoch_function: bool = True) -> None:
    vendor = schema_editor.connection.vendor
    for number, (table, _, _) in enumerate(specs, start=first):
        for event in EVENTS:
            trigger = _trigger_name(number, table, event)
            if vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            elif vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
    if vendor == "postgresql":
        for table in sorted({table for table, _, _ in specs}):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS core_dv_{table}_truncate ON {table}")
        if epoch_function:
            schema_editor.execute("DROP FUNCTION IF EXISTS core_dataversion_epoch()")


def create_triggers(apps, schema_editor):
    install(schema_editor, SPECS)


def drop_triggers(apps, schema_editor):
    uninstall(schema_editor, SPECS)


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
