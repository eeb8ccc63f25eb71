"""The booking rules: when a table can be booked, and until when a customer may change it.

`BookingRules` is the one place that decides whether a start time is bookable (opening hours,
closures, the slot grid, the duration, lead time and horizon). The availability endpoint and
page list what it allows and the services check a requested start against it, so the two never
disagree. `booking_customer_change_check` is the one place that decides whether a customer may
still change or cancel their booking online: the services enforce it for the API and the pages,
and the pages ask it (`booking_changeable_by_customer`) which buttons to show.

Pure rules over what the caller read: no query, except `booking_rules_load`, which reads them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings as django_settings
from django.utils import timezone

from littlelemon.restaurant.models import RestaurantSettings
from littlelemon.restaurant.selectors import Schedule, restaurant_settings_get, restaurant_tz, schedule_load

from .enums import TRANSITIONS, BookingStatus
from .exceptions import (
    BookingNotEditable,
    BookingOver,
    OffGrid,
    OutsideOpeningHours,
    PartyTooLarge,
    SeatingTooEarly,
    TooEarly,
    TooFarAhead,
    TooLate,
    TooSoon,
)
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


def booking_change_deadline(*, booking: Booking, settings: RestaurantSettings) -> datetime:
    """Until when a customer may change or cancel their booking online (the cancellation cut-off)."""
    return booking.start - timedelta(minutes=settings.booking_cancellation_cutoff_minutes)


def booking_customer_change_check(*, booking: Booking, settings: RestaurantSettings, now: datetime) -> None:
    """Whether the customer may still change or cancel `booking` online: only a confirmed booking,
    and only until the cancellation cut-off (`booking_change_deadline`). Managers are not held to
    it. Raises BookingNotEditable or TooLate (which says to call the restaurant). No query."""
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingNotEditable(f"This booking is {booking.status}; only a confirmed booking can be changed.")
    if now > booking_change_deadline(booking=booking, settings=settings):
        raise TooLate(
            f"Bookings can be changed or cancelled online until {settings.booking_cancellation_cutoff_minutes} "
            "minutes before they start; please call the restaurant.",
        )


def booking_changeable_by_customer(*, booking: Booking, settings: RestaurantSettings, now: datetime) -> bool:
    """`booking_customer_change_check` as a yes or no, for a page deciding which buttons to show."""
    try:
        booking_customer_change_check(booking=booking, settings=settings, now=now)
    except (BookingNotEditable, TooLate):
        return False
    return True


# --- the clock of a booking's status -----------------------------------------------------


def seat_from(booking: Booking) -> datetime:
    """The earliest a party is seated: BOOKING_SEAT_EARLY_MINUTES before its booking starts."""
    return booking.start - timedelta(minutes=django_settings.BOOKING_SEAT_EARLY_MINUTES)


def no_show_from(booking: Booking) -> datetime:
    """The earliest a party is a no-show: BOOKING_NO_SHOW_GRACE_MINUTES after its booking started."""
    return booking.start + timedelta(minutes=django_settings.BOOKING_NO_SHOW_GRACE_MINUTES)


def booking_status_clock_check(*, booking: Booking, status: str, now: datetime) -> None:
    """Whether the clock allows `booking` to become `status` now (the transitions table is
    checked apart): a party is seated from `seat_from` until the booking ends, a no-show from
    `no_show_from` on. Completion follows seating, and cancelling a confirmed booking is always
    allowed. Raises SeatingTooEarly, BookingOver or TooEarly. No query."""
    tz = restaurant_tz()
    if status == BookingStatus.SEATED:
        if now < seat_from(booking):
            raise SeatingTooEarly(
                f"A party is seated from {django_settings.BOOKING_SEAT_EARLY_MINUTES} minutes before its booking: "
                f"this one from {_hhmm(seat_from(booking), tz)} on {seat_from(booking).astimezone(tz):%Y-%m-%d}.",
                field="status",
                extra={"seat_from": seat_from(booking).isoformat()},
            )
        if now >= booking.end:
            raise BookingOver(
                f"This booking ended at {_hhmm(booking.end, tz)}: it can no longer be seated; "
                "mark it a no-show, or take the party as a walk-in.",
                field="status",
            )
    elif status == BookingStatus.NO_SHOW and now < no_show_from(booking):
        raise TooEarly(
            f"A party is a no-show only {django_settings.BOOKING_NO_SHOW_GRACE_MINUTES} minutes after its booking "
            f"started: from {_hhmm(no_show_from(booking), tz)} on {no_show_from(booking).astimezone(tz):%Y-%m-%d}.",
            field="status",
            extra={"no_show_from": no_show_from(booking).isoformat()},
        )


def booking_next_statuses(*, booking: Booking, now: datetime) -> list[str]:
    """The statuses `booking` may move to now (transitions and clock): which buttons a page shows."""
    allowed = []
    for status in TRANSITIONS[booking.status]:
        try:
            booking_status_clock_check(booking=booking, status=status, now=now)
        except (SeatingTooEarly, BookingOver, TooEarly):
            continue
        allowed.append(status)
    return allowed
