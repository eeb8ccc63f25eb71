"""Reading bookings and tables, and computing availability.

`BookingRules` is the one place that decides whether a start time is bookable (opening hours,
closures, the slot grid, the duration, lead time and horizon). The availability endpoint lists
what it allows and the services check a requested start against it, so the two never disagree.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from littlelemon.accounts.permissions import is_manager
from littlelemon.restaurant.models import BOOKING_DURATION_MAX_MINUTES, RestaurantSettings
from littlelemon.restaurant.selectors import Schedule, restaurant_settings_get, restaurant_tz, schedule_load

from .enums import ACTIVE_STATUSES
from .exceptions import OffGrid, OutsideOpeningHours, PartyTooLarge, TooFarAhead, TooSoon
from .models import Booking, Table


def _hhmm(moment: datetime, tz) -> str:
    return f"{moment.astimezone(tz):%H:%M}"


@dataclass(frozen=True)
class BookingRules:
    """The booking rules at one moment: the settings, the opening schedule and `now`.

    `staff` relaxes what is a customer policy only: a manager books from the current slot on
    (a walk-in) instead of `now + lead time`, and for parties above the online maximum. Hours,
    closures, the grid, the duration and the horizon hold for everyone.
    """

    settings: RestaurantSettings
    schedule: Schedule
    now: datetime
    staff: bool = False

    @property
    def tz(self):
        return self.schedule.tz

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.settings.booking_slot_minutes)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.settings.booking_duration_minutes)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def last_day(self) -> date:
        return self.today + timedelta(days=self.settings.booking_horizon_days)

    def bookable_day(self, day: date) -> bool:
        return self.today <= day <= self.last_day

    def _early_enough(self, start: datetime) -> bool:
        if self.staff:
            return start + self.slot > self.now  # the slot under way still takes a walk-in
        return start >= self.now + timedelta(minutes=self.settings.booking_lead_minutes)

    def check_party_size(self, party_size: int) -> None:
        """Raises PartyTooLarge above the online maximum (managers are exempt)."""
        maximum = self.settings.booking_max_party_size
        if party_size > maximum and not self.staff:
            raise PartyTooLarge(
                f"We take bookings for up to {maximum} people online; please call us for a larger party.",
                field="party_size",
                extra={"max_party_size": maximum},
            )

    def starts_on(self, day: date) -> list[datetime]:
        """Every bookable start on a local date, earliest first (UTC datetimes)."""
        if not self.bookable_day(day):
            return []
        starts = []
        for opens, closes in self.schedule.ranges_on(day):
            start = opens
            while start + self.duration <= closes:
                if self._early_enough(start):
                    starts.append(start)
                start += self.slot
        return starts

    def check_start(self, start: datetime) -> None:
        """Raises TooSoon, TooFarAhead, OutsideOpeningHours or OffGrid, with a message that says
        what would work. `start` must be aware."""
        day = start.astimezone(self.tz).date()  # compared as a date first: no overflow near year 9999
        if day > self.last_day:
            raise TooFarAhead(
                f"Bookings open {self.settings.booking_horizon_days} days ahead: "
                f"choose a date up to {self.last_day:%Y-%m-%d}.",
                field="start",
            )
        start = start.astimezone(UTC)  # exact arithmetic across daylight-saving changes
        if not self._early_enough(start):
            if start <= self.now:
                raise TooSoon("That time has already passed.", field="start")
            raise TooSoon(
                f"Book at least {self.settings.booking_lead_minutes} minutes ahead.",
                field="start",
            )
        if day in self.schedule.closed:
            reason = self.schedule.closed[day]
            raise OutsideOpeningHours(
                f"The restaurant is closed on {day:%Y-%m-%d}" + (f" ({reason})." if reason else "."), field="start"
            )
        ranges = self.schedule.ranges_on(day)
        opening = next(((opens, closes) for opens, closes in ranges if opens <= start < closes), None)
        if opening is None:
            hours = ", ".join(f"{_hhmm(opens, self.tz)}-{_hhmm(closes, self.tz)}" for opens, closes in ranges)
            raise OutsideOpeningHours(
                f"The restaurant is not open at {_hhmm(start, self.tz)} on {day:%Y-%m-%d}"
                + (f"; opening hours that day: {hours}." if hours else "; it is closed that day."),
                field="start",
            )
        opens, closes = opening
        if (start - opens) % self.slot:
            earlier = start - (start - opens) % self.slot
            raise OffGrid(
                f"Bookings start every {self.settings.booking_slot_minutes} minutes from {_hhmm(opens, self.tz)}: "
                f"try {_hhmm(earlier, self.tz)} or {_hhmm(earlier + self.slot, self.tz)}.",
                field="start",
            )
        if start + self.duration > closes:
            last = opens + (closes - opens - self.duration) // self.slot * self.slot
            latest = f"; the last start is {_hhmm(last, self.tz)}" if last >= opens else ""
            raise OutsideOpeningHours(
                f"A booking lasts {self.settings.booking_duration_minutes} minutes and must end by closing time "
                f"({_hhmm(closes, self.tz)}){latest}.",
                field="start",
            )


def booking_rules_load(*, day: date, staff: bool = False, now: datetime | None = None) -> BookingRules:
    """The settings (1 query) and the opening schedule of a local date (2 queries)."""
    schedule = schedule_load(start=day, end=day)
    return BookingRules(settings=restaurant_settings_get(), schedule=schedule, now=now or timezone.now(), staff=staff)


def best_fit_order(table: Table) -> tuple[Any, ...]:
    """The smallest table that fits comes first; ties by label, then id, so choices are repeatable."""
    return (table.seats, table.label, table.pk)


def free_tables(
    tables: Sequence[Table], busy: dict[int, list[tuple[datetime, datetime]]], start: datetime, end: datetime
) -> list[Table]:
    """The tables (kept in the given order) with no busy interval overlapping [start, end)."""
    return [
        table
        for table in tables
        if not any(busy_start < end and start < busy_end for busy_start, busy_end in busy.get(table.pk, ()))
    ]


def busy_intervals(bookings: Iterable[tuple[int, datetime, datetime]]) -> dict[int, list[tuple[datetime, datetime]]]:
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for table_id, start, end in bookings:
        busy.setdefault(table_id, []).append((start, end))
    return busy


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
    if not tables:
        return Availability(date=day, party_size=party_size, slots=[])
    window_start, window_end = starts[0], starts[-1] + rules.duration
    busy = busy_intervals(
        Booking.objects.filter(
            table__active=True,
            table__seats__gte=party_size,
            status__in=ACTIVE_STATUSES,
            # No booking is longer than the longest duration the settings allow: this lower
            # bound lets the index on start read the day's bookings only, not all history.
            start__gt=window_start - timedelta(minutes=BOOKING_DURATION_MAX_MINUTES),
            start__lt=window_end,
            end__gt=window_start,
        )
        .exclude(pk=exclude)
        .values_list("table_id", "start", "end")
    )
    # Tables with nothing booked that day are free at every start; check only the others.
    always_free = sum(1 for table in tables if table not in busy)
    slots = []
    for start in starts:
        end = start + rules.duration
        count = always_free + sum(
            1
            for intervals in busy.values()
            if not any(busy_start < end and start < busy_end for busy_start, busy_end in intervals)
        )
        if count:
            slots.append(Slot(start=start, tables_free=count))
    return Availability(date=day, party_size=party_size, slots=slots)


def booking_change_deadline(*, booking: Booking, settings: RestaurantSettings) -> datetime:
    """Until when a customer may change or cancel their booking online (the cancellation cut-off)."""
    return booking.start - timedelta(minutes=settings.booking_cancellation_cutoff_minutes)


def table_list() -> QuerySet[Table]:
    return Table.objects.order_by("label", "id")


def table_bookings_blocking(*, table: Table, seats: int, active: bool, now: datetime | None = None) -> list[int]:
    """Ids of the upcoming active bookings on `table` that would lose it if it had `seats` seats
    and `active` (all of them when it is taken out of service)."""
    if active and seats >= table.seats:
        return []
    upcoming = Booking.objects.filter(table=table, status__in=ACTIVE_STATUSES, end__gt=now or timezone.now())
    if active:
        upcoming = upcoming.filter(party_size__gt=seats)
    return list(upcoming.order_by("start", "id").values_list("pk", flat=True)[:20])


def booking_list_visible_to(*, user: Any) -> QuerySet[Booking]:
    """Managers and admins see every booking; anyone else only their own. Table and customer joined."""
    bookings = Booking.objects.select_related("table", "customer").order_by("start", "id")
    if is_manager(user):
        return bookings
    if not (user and user.is_authenticated):
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
    """Active bookings on these tables overlapping [start, end): (table id, start, end)."""
    return list(
        Booking.objects.filter(table__in=list(tables), status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start)
        .exclude(pk=exclude)
        .values_list("table_id", "start", "end")
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
