"""The database refuses two overlapping active bookings on one table.

PostgreSQL: an exclusion constraint over (table WITH =, tstzrange(start, end) WITH &&) for
confirmed and seated bookings, with the btree_gist extension (for `=` on a bigint in a GiST
index). SQLite: triggers that abort such an INSERT or UPDATE. Both report the name
`bookings_booking_no_overlap`, which the services turn into a 409 `table_unavailable`.

The guard lives here only, not in `Booking.Meta.constraints`: an ExclusionConstraint in the model
state would break SQLite and every other database, and the autodetector cannot describe a
trigger. The model state is the same on every database, so `makemigrations --check` stays clean.

Note for later migrations of this table on SQLite: Django rebuilds a table (and so drops its
triggers) to alter a column. Such a migration must run `SQLITE_TRIGGERS` again;
`tests/test_constraints.py` fails until it does.
"""

from django.db import migrations

NAME = "bookings_booking_no_overlap"
ACTIVE = "('confirmed', 'seated')"

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER {NAME}_insert BEFORE INSERT ON bookings_booking
    WHEN NEW.status IN {ACTIVE}
    BEGIN
        SELECT RAISE(ABORT, '{NAME}: the table already has a booking then')
        FROM bookings_booking AS other
        WHERE other.table_id = NEW.table_id AND other.status IN {ACTIVE}
          AND other."start" < NEW."end" AND NEW."start" < other."end";
    END
    """,
    f"""
    CREATE TRIGGER {NAME}_update BEFORE UPDATE ON bookings_booking
    WHEN NEW.status IN {ACTIVE}
    BEGIN
        SELECT RAISE(ABORT, '{NAME}: the table already has a booking then')
        FROM bookings_booking AS other
        WHERE other.id != NEW.id AND other.table_id = NEW.table_id AND other.status IN {ACTIVE}
          AND other."start" < NEW."end" AND NEW."start" < other."end";
    END
    """,
]


def exclusion_constraint():
    # Imported here: django.contrib.postgres is only needed on PostgreSQL.
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
    from django.db.models import Func, Q

    class TsTzRange(Func):
        function = "TSTZRANGE"
        output_field = DateTimeRangeField()

    return ExclusionConstraint(
        name=NAME,
        expressions=[
            ("table", RangeOperators.EQUAL),
            (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),  # [start, end)
        ],
        condition=Q(status__in=["confirmed", "seated"]),
    )


def add_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.add_constraint(apps.get_model("bookings", "Booking"), exclusion_constraint())
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def remove_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_constraint(apps.get_model("bookings", "Booking"), exclusion_constraint())
    elif vendor == "sqlite":
        for suffix in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}_{suffix}")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(add_guard, remove_guard)]
