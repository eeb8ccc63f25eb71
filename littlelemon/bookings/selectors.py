"""Reading bookings and tables, and computing availability.

Availability lists the starts the booking rules (`rules.BookingRules`) allow at which a table
is free; the services check a requested start against the same rules, so the two never disagree.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from littlelemon.accounts.permissions import is_integration, is_manager_for
from littlelemon.apikeys.scopes import BOOKINGS_READ
from littlelemon.restaurant.models import BOOKING_DURATION_MAX_MINUTES
from littlelemon.restaurant.selectors import restaurant_tz

from .enums import ACTIVE_STATUSES
from .models import Booking, Table, TableCombination
from .rules import booking_rules_load, busy_intervals


@dataclass(frozen=True)
class Slot:
    start: datetime
    tables_free: int


@dataclass(frozen=True)
class Availability:
    date: date
    party_size: int
    slots: list[Slot]


def availability_clock(now: datetime | None = None) -> datetime:
    """The moment the API's availability is computed at: now, rounded up to the whole minute.

    So that an answer is the same for a whole minute (its ETag names that minute). Rounding up
    only ever hides a slot (for under a minute) that the lead time is about to close; it never
    offers one a booking would be refused."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    return minute if minute == now else minute + timedelta(minutes=1)


def availability_for(
    *, day: date, party_size: int, staff: bool = False, now: datetime | None = None, exclude: int | None = None
) -> Availability:
    """The start times on a local date at which a table for `party_size` is free for the whole
    booking, with how many suitable tables are free. `exclude` leaves one booking out, as if
    cancelled: the times it could move to.

    Five queries whatever the number of tables and bookings (settings, hours, closures, the
    suitable tables, the day's active bookings on them); the rest is computed in memory.
    Raises PartyTooLarge above the online maximum (not for staff).
    """
    rules = booking_rules_load(day=day, staff=staff, now=now)
    rules.check_party_size(party_size)
    starts = rules.starts_on(day)
    if not starts:
        return Availability(date=day, party_size=party_size, slots=[])

    tables = list(
        Table.objects.filter(active=True, seats__gte=party_size)
        .order_by("seats", "label", "id")
        .values_list("pk", flat=True)
    )
    combinations = [] if tables else combinations_seating(party_size)
    if not tables and not combinations:
        return Availability(date=day, party_size=party_size, slots=[])
    window_start, window_end = starts[0], starts[-1] + rules.duration
    busy = busy_intervals(
        _held_tables(
            Booking.objects.filter(
                status__in=ACTIVE_STATUSES,
                # No booking is longer than the longest duration the settings allow: this lower
                # bound lets the index on start read the day's bookings only, not all history.
                start__gt=window_start - timedelta(minutes=BOOKING_DURATION_MAX_MINUTES),
                start__lt=window_end,
                end__gt=window_start,
            ).exclude(pk=exclude)
        )
    )
    if combinations:  # a party no single table seats: the combinations whose every table is free
        slots = [
            Slot(start=start, tables_free=count)
            for start in starts
            if (count := len(free_combinations(combinations, busy, start, start + rules.duration)))
        ]
        return Availability(date=day, party_size=party_size, slots=slots)
    suitable = set(tables)
    busy = {table: intervals for table, intervals in busy.items() if table in suitable}
    # Tables with nothing booked that day are free at every start; count the others per start.
    always_free = sum(1 for table in tables if table not in busy)
    taken = _tables_taken(starts, busy, rules.duration)
    slots = [
        Slot(start=start, tables_free=count)
        for start, taken_then in zip(starts, taken, strict=True)
        if (count := always_free + len(busy) - taken_then)
    ]
    return Availability(date=day, party_size=party_size, slots=slots)


@dataclass(frozen=True)
class Seating:
    """A combination a party may sit at: its tables (ids, by pk) and their seats together."""

    combination: int
    tables: tuple[int, ...]
    seats: int


def combinations_seating(party_size: int) -> list[Seating]:
    """The active combinations of active tables seating `party_size`, smallest first (one query)."""
    members: dict[int, list[tuple[int, int, bool]]] = {}
    rows = TableCombination.tables.through.objects.filter(tablecombination__active=True).values_list(
        "tablecombination_id", "table_id", "table__seats", "table__active"
    )
    for combination, table, seats, active in rows:
        members.setdefault(combination, []).append((table, seats, active))
    seatings = [
        Seating(combination, tuple(sorted(t for t, _, _ in tables)), sum(seats for _, seats, _ in tables))
        for combination, tables in members.items()
        if all(active for _, _, active in tables)
    ]
    return sorted((s for s in seatings if s.seats >= party_size), key=lambda s: (s.seats, s.combination))


def free_combinations(
    combinations: list[Seating], busy: dict[int, list[tuple[datetime, datetime]]], start: datetime, end: datetime
) -> list[Seating]:
    """The combinations (kept in order) none of whose tables is busy during [start, end)."""
    return [
        seating
        for seating in combinations
        if not any(
            b_start < end and start < b_end for table in seating.tables for b_start, b_end in busy.get(table, ())
        )
    ]


def _held_tables(bookings: QuerySet[Booking]) -> list[tuple[int, datetime, datetime]]:
    """(table id, start, end) for every physical table the bookings hold: their own table and,
    on a combination, each of its tables. One query (the combination's tables joined)."""
    held = set()
    for pk, table, member, start, end in bookings.values_list("pk", "table_id", "combination__tables", "start", "end"):
        held.add((pk, table, start, end))
        if member is not None:
            held.add((pk, member, start, end))
    return [(table, start, end) for _pk, table, start, end in held]


def _tables_taken(
    starts: list[datetime], busy: dict[int, list[tuple[datetime, datetime]]], duration: timedelta
) -> list[int]:
    """For each of `starts` (earliest first), how many of the `busy` tables a booking from it for
    `duration` would overlap. A booking (busy_start, busy_end) overlaps the starts after
    busy_start - duration and before busy_end: found by bisection, not by trying every start
    against every booking."""
    taken = [0] * len(starts)
    for intervals in busy.values():
        overlapped: set[int] = set()
        for busy_start, busy_end in intervals:
            overlapped.update(range(bisect_right(starts, busy_start - duration), bisect_left(starts, busy_end)))
        for index in overlapped:
            taken[index] += 1
    return taken


def table_list() -> QuerySet[Table]:
    return Table.objects.order_by("label", "id")


def _bookings_holding(table: Any) -> QuerySet[Booking]:
    """Bookings on `table` (a Table, or an OuterRef to one) or on a combination with it."""
    return Booking.objects.filter(Q(table=table) | Q(combination__tables=table))


def table_bookings_on_record(*, table: Table) -> QuerySet[Booking]:
    """Every booking that ever held `table`, whatever its status: such a table is kept, never deleted."""
    return _bookings_holding(table).distinct()


def table_list_by_area() -> QuerySet[Table]:
    """The floor plan as the Tables screen lists it: by area, then label, each table with `booked`
    (a booking on record: it can be taken out of service, never deleted). One query."""
    return Table.objects.annotate(booked=Exists(_bookings_holding(OuterRef("pk")))).order_by("area", "label", "id")


def table_bookings_blocking(*, table: Table, seats: int, active: bool, now: datetime | None = None) -> list[Booking]:
    """The upcoming active bookings (at most 20, by start, customer joined) that would lose
    `table` if it had `seats` seats and `active`: out of service, every one holding it (on it, or
    on a combination with it); with fewer seats, those on it for a larger party and those on a
    combination with it whose tables together would no longer seat theirs."""
    if active and seats >= table.seats:
        return []
    upcoming = (
        _bookings_holding(table)
        .filter(status__in=ACTIVE_STATUSES, end__gt=now or timezone.now())
        .distinct()
        .select_related("customer")
        .order_by("start", "id")
    )
    if not active:
        return list(upcoming[:20])
    # A party the table's new seats still hold fits any combination with it too.
    larger = list(upcoming.filter(party_size__gt=seats))
    combined = {booking.combination_id for booking in larger if booking.combination_id is not None}
    seats_together = {}
    if combined:
        together = TableCombination.objects.filter(pk__in=combined).annotate(seats=Sum("tables__seats"))
        seats_together = dict(together.values_list("pk", "seats"))
    fewer = table.seats - seats
    return [
        booking
        for booking in larger
        if booking.combination_id is None or booking.party_size > seats_together[booking.combination_id] - fewer
    ][:20]


def booking_list_visible_to(*, user: Any) -> QuerySet[Booking]:
    """Managers and admins see every booking, and so do integrations whose API key grants
    bookings:read; anyone else only their own. Table and customer joined."""
    bookings = Booking.objects.select_related("table", "customer").order_by("start", "id")
    if is_manager_for(user, BOOKINGS_READ):
        return bookings
    if not (user and user.is_authenticated) or is_integration(user):
        return bookings.none()
    return bookings.filter(customer=user)


def booking_list_on(*, day: date, bookings: QuerySet[Booking] | None = None) -> QuerySet[Booking]:
    """Bookings starting on a local date (the restaurant's midnight to midnight)."""
    bookings = Booking.objects.all() if bookings is None else bookings
    tz = restaurant_tz()
    try:
        start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    except OverflowError:
        return bookings.none()
    try:
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    except OverflowError:
        return bookings.filter(start__gte=start)
    return bookings.filter(start__gte=start, start__lt=end)


def bookings_overlapping(
    *, tables: Iterable[int], start: datetime, end: datetime, exclude: int | None = None
) -> list[tuple[int, datetime, datetime]]:
    """Active bookings holding any of these tables during [start, end) (on the table itself or
    through a combination): (table id, start, end) per table held."""
    tables = list(tables)
    return _held_tables(
        Booking.objects.filter(
            Q(table__in=tables) | Q(combination__tables__in=tables),
            status__in=ACTIVE_STATUSES,
            start__lt=end,
            end__gt=start,
        ).exclude(pk=exclude)
    )


def customer_booking_overlapping(
    *, customer: Any, start: datetime, end: datetime, exclude: int | None = None
) -> Booking | None:
    """The customer's own active booking overlapping [start, end), if any."""
    return (
        Booking.objects.filter(customer=customer, status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start)
        .exclude(pk=exclude)
        .order_by("start")
        .first()
    )


@dataclass(frozen=True)
class DayBookings:
    count: int
    covers: int  # guests: the party sizes added up


def booking_day_summary(*, day: date) -> dict[str, DayBookings]:
    """The bookings that start on `day` (in the restaurant's time zone) per status, with their
    guests (for the operators' metrics): one aggregate query. Statuses without any are absent."""
    tz = restaurant_tz()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    rows = (
        Booking.objects.filter(start__gte=start, start__lt=end)
        .order_by()
        .values("status")
        .annotate(count=Count("id"), covers=Sum("party_size"))
    )
    return {row["status"]: DayBookings(row["count"], row["covers"] or 0) for row in rows}
