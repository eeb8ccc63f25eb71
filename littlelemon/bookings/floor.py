"""The bookings floor of one day, as the manager's screen shows it (read model).

`floor_day` reads the day's schedule, the tables and the bookings starting that day, and lays
them out on a timeline of FLOOR_STEP columns from the first opening to the last closing: tables
as rows grouped by area, bookings as blocks placed by column. Six queries whatever the number
of tables and bookings (settings, opening hours, closures, tables, bookings with their customer,
the combinations with their tables).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from .enums import BookingStatus
from .models import Booking, Table, TableCombination
from .rules import BookingRules, booking_next_statuses, booking_rules_load
from .selectors import booking_list_on

FLOOR_STEP = timedelta(minutes=15)
MAX_COLUMNS = 96  # a whole day of FLOOR_STEP columns; the stylesheet places up to this many
# Statuses that bring guests to the restaurant (covers): not cancelled, not a no-show.
COVER_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.SEATED, BookingStatus.COMPLETED)


@dataclass(frozen=True)
class Block:
    """A booking on a table's row: from column `column` (1-based) for `span` columns."""

    booking: Booking
    column: int
    span: int
    next_statuses: list[str]
    combination: str = ""  # the combination's name, when the booking holds several tables


@dataclass
class Row:
    table: Table
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Area:
    name: str
    rows: list[Row]


@dataclass(frozen=True)
class Tick:
    """A column heading: the local time at which column `column` starts (every hour labelled)."""

    column: int
    at: datetime
    hour: bool


@dataclass(frozen=True)
class HourCovers:
    hour: datetime
    bookings: int
    covers: int


@dataclass(frozen=True)
class Combination:
    pk: int
    name: str
    active: bool
    tables: list[int]
    labels: list[str]


@dataclass(frozen=True)
class Floor:
    day: date
    opens: datetime | None  # None: closed that day (no columns)
    columns: int
    ticks: list[Tick]
    areas: list[Area]
    bookings: list[Booking]  # the day's, by start: the list alternative to the grid
    covers_by_hour: list[HourCovers]
    covers: int
    rules: BookingRules
    next_statuses: dict[int, list[str]]
    combinations: list[Combination]
    combination_names: dict[int, str]


def _window(rules: BookingRules, day: date, bookings: list[Booking]) -> tuple[datetime | None, int]:
    """The timeline's start and number of columns: the day's opening hours, widened to show
    every booking starting that day, at most MAX_COLUMNS from the start."""
    ranges = rules.schedule.ranges_on(day)
    starts = [opens for opens, _ in ranges] + [booking.start for booking in bookings]
    ends = [closes for _, closes in ranges] + [booking.end for booking in bookings]
    if not starts:
        return None, 0
    local_first = min(starts).astimezone(rules.tz)
    # Columns begin on the hour before the first opening, so the headings read 17:00, 17:15...
    opens = local_first.replace(minute=0, second=0, microsecond=0).astimezone(UTC)  # UTC: exact arithmetic
    columns = -(-(max(ends) - opens) // FLOOR_STEP)
    return opens, max(1, min(columns, MAX_COLUMNS))


def _place(booking: Booking, opens: datetime, columns: int) -> tuple[int, int] | None:
    first = int((booking.start - opens) // FLOOR_STEP)
    last = -(-(booking.end - opens) // FLOOR_STEP)  # the column after the block, rounded up
    first, last = max(first, 0), min(last, columns)
    if last <= first:
        return None
    return first + 1, last - first


def _covers_by_hour(bookings: list[Booking], tz) -> list[HourCovers]:
    hours: dict[datetime, list[int]] = {}
    for booking in bookings:
        if booking.status not in COVER_STATUSES:
            continue
        hour = booking.start.astimezone(tz).replace(minute=0, second=0, microsecond=0)
        counts = hours.setdefault(hour, [0, 0])
        counts[0] += 1
        counts[1] += booking.party_size
    return [HourCovers(hour, count, covers) for hour, (count, covers) in sorted(hours.items())]


def _combinations() -> list[Combination]:
    """Every combination with its tables (few: the manager's own list), in one query."""
    found: dict[int, Combination] = {}
    rows = TableCombination.tables.through.objects.order_by("tablecombination__name", "table__label").values_list(
        "tablecombination_id", "tablecombination__name", "tablecombination__active", "table_id", "table__label"
    )
    for pk, name, active, table, label in rows:
        combination = found.setdefault(pk, Combination(pk, name, active, [], []))
        combination.tables.append(table)
        combination.labels.append(label)
    return list(found.values())


def floor_day(*, day: date, now: datetime | None = None) -> Floor:
    """The floor of a local date (see the module). Inactive tables show only when they hold a
    booking that day."""
    rules = booking_rules_load(day=day, staff=True, now=now)
    bookings = list(booking_list_on(day=day).select_related("customer").order_by("start", "id"))
    opens, columns = _window(rules, day, bookings)
    booked_tables = {booking.table_id for booking in bookings}
    tables = [
        table for table in Table.objects.order_by("area", "label", "id") if table.active or table.pk in booked_tables
    ]
    rows = {table.pk: Row(table) for table in tables}
    combinations = _combinations()
    members = {combination.pk: combination.tables for combination in combinations}
    next_statuses = {booking.pk: booking_next_statuses(booking=booking, now=rules.now) for booking in bookings}
    for booking in bookings:
        booking.table = rows[booking.table_id].table  # no query per booking
        placed = _place(booking, opens, columns) if opens else None
        if not placed:
            continue
        # A booking on a combination shows on each of its tables' rows.
        for table in [booking.table_id, *members.get(booking.combination_id, ())]:
            if table in rows and not any(block.booking is booking for block in rows[table].blocks):
                name = next((c.name for c in combinations if c.pk == booking.combination_id), "")
                rows[table].blocks.append(Block(booking, *placed, next_statuses[booking.pk], name))
    areas: dict[str, list[Row]] = {}
    for row in rows.values():
        areas.setdefault(row.table.area or "Tables", []).append(row)
    ticks = []
    for column in range(1, columns + 1):
        at = (opens + (column - 1) * FLOOR_STEP).astimezone(rules.tz)
        ticks.append(Tick(column, at, at.minute == 0))
    by_hour = _covers_by_hour(bookings, rules.tz)
    return Floor(
        day=day,
        opens=opens,
        columns=columns,
        ticks=ticks,
        areas=[Area(name, area_rows) for name, area_rows in areas.items()],
        bookings=bookings,
        covers_by_hour=by_hour,
        covers=sum(hour.covers for hour in by_hour),
        rules=rules,
        next_statuses=next_statuses,
        combinations=combinations,
        combination_names={combination.pk: combination.name for combination in combinations},
    )
