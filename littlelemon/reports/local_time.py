"""A timestamp's local day, hour and weekday in the restaurant's zone, computed by the database.

On PostgreSQL (and any database with time zones of its own) these are Django's
`TruncDate`/`ExtractHour`/`ExtractIsoWeekDay` with `tzinfo=`: `AT TIME ZONE`, native and exact.
On SQLite Django computes them with functions written in Python, called once per row, which
make a year's report take seconds; there the range is cut where the zone's UTC offset changes
(DST: two or three pieces a year) and each piece uses SQLite's own `date()`/`strftime()` with
that piece's fixed offset, in one `CASE`: the same answers, native speed.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Case, DateField, F, FloatField, Func, IntegerField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, ExtractHour, ExtractIsoWeekDay, Mod, TruncDate

# Offsets change on a quarter-hour in every zone in use.
_STEP = timedelta(minutes=15)


def offset_changes(first: datetime, after: datetime, tz: ZoneInfo) -> list[tuple[datetime, int]]:
    """The pieces of [first, after) with a constant UTC offset: (where the piece starts, its
    offset in seconds), in order; the first starts at `first`."""

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(tz).utcoffset().total_seconds())

    pieces = [(first, offset(first))]
    day = first
    while day < after:
        next_day = min(day + timedelta(days=1), after)
        if offset(next_day) != pieces[-1][1] or offset(day) != pieces[-1][1]:
            moment = day
            while moment < next_day:  # find where, in quarter-hours
                if offset(moment) != pieces[-1][1]:
                    pieces.append((moment, offset(moment)))
                moment += _STEP
        day = next_day
    return pieces


def _by_offset(
    field: str, first: datetime, after: datetime, tz: ZoneInfo, shifted: Callable[[int], Combinable], output
) -> Combinable:
    pieces = offset_changes(first, after, tz)
    if len(pieces) == 1:
        return shifted(pieces[0][1])
    whens = [
        When(**{f"{field}__lt": start}, then=shifted(offset))
        for (_, offset), (start, _) in zip(pieces, pieces[1:], strict=False)
    ]
    return Case(*whens, default=shifted(pieces[-1][1]), output_field=output)


def _native() -> bool:
    return connection.vendor != "sqlite"


def _sqlite_strftime(field: str, pattern: str, seconds: int) -> Combinable:
    return Cast(
        Func(Value(pattern), F(field), Value(f"{seconds:+d} seconds"), function="strftime"),
        output_field=IntegerField(),
    )


def local_date(field: str, first: datetime, after: datetime, tz: ZoneInfo) -> Combinable:
    """The local day of `field` for rows with `first <= field < after`."""
    if _native():
        return TruncDate(field, tzinfo=tz)
    return _by_offset(
        field,
        first,
        after,
        tz,
        lambda seconds: Func(F(field), Value(f"{seconds:+d} seconds"), function="date", output_field=DateField()),
        DateField(),
    )


def local_hour(field: str, first: datetime, after: datetime, tz: ZoneInfo) -> Combinable:
    """The local hour (0 to 23) of `field` for rows with `first <= field < after`."""
    if _native():
        return ExtractHour(field, tzinfo=tz)
    return _by_offset(field, first, after, tz, lambda seconds: _sqlite_strftime(field, "%H", seconds), IntegerField())


def local_iso_weekday(field: str, first: datetime, after: datetime, tz: ZoneInfo) -> Combinable:
    """The local ISO weekday (1 Monday to 7 Sunday) of `field` for rows with `first <= field < after`."""
    if _native():
        return ExtractIsoWeekDay(field, tzinfo=tz)
    # strftime('%w') counts from Sunday = 0; SQLite's MOD (Django's, in Python) answers a float.
    return _by_offset(
        field,
        first,
        after,
        tz,
        lambda seconds: Cast(Mod(_sqlite_strftime(field, "%w", seconds) + 6, 7) + 1, output_field=IntegerField()),
        IntegerField(),
    )


class SecondsBetween(Func):
    """`end - start` in seconds (a float), computed by the database natively: SQLite's
    `julianday()` (Django's own datetime subtraction there is a function written in Python)."""

    output_field = FloatField()

    def __init__(self, end: Combinable, start: Combinable):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL and the others
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
