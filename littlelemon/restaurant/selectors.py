"""Reading the restaurant's settings and its opening schedule, in the restaurant's time zone."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from .models import Closure, OpeningHours, RestaurantSettings

MIDNIGHT = time(0)


def restaurant_tz() -> ZoneInfo:
    """The restaurant's time zone (settings.TIME_ZONE): opening hours and dates mean local time."""
    return timezone.get_default_timezone()


def restaurant_today() -> date:
    return timezone.localdate(timezone=restaurant_tz())


def restaurant_settings_get() -> RestaurantSettings:
    """The settings row (created by migration; recreated with defaults if someone deleted it)."""
    settings, _ = RestaurantSettings.objects.get_or_create(pk=1)
    return settings


def opening_hours_list() -> QuerySet[OpeningHours]:
    return OpeningHours.objects.order_by("weekday", "opens")


def closure_list() -> QuerySet[Closure]:
    return Closure.objects.order_by("date")


@dataclass(frozen=True)
class Schedule:
    """Opening hours and closures loaded once (two queries) and answered from memory.

    With no opening hours configured the restaurant is always open (except on closures), so a
    fresh install takes orders before anyone has set the hours.

    Local wall times are turned into UTC datetimes: Python subtracts and adds datetimes that
    share a zone by wall clock, which is wrong on daylight-saving days; UTC arithmetic is exact.
    Convert with `.astimezone(schedule.tz)` to show them.
    """

    hours: dict[int, list[tuple[time, time]]]
    closed: dict[date, str]
    tz: ZoneInfo
    always_open: bool = field(default=False)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)

    def ranges_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening ranges of a local date as UTC datetimes, earliest first ([] if closed)."""
        if day in self.closed:
            return []
        if self.always_open:
            return [(self._at(day, MIDNIGHT), self._at(day + timedelta(days=1), MIDNIGHT))]
        return [
            (
                self._at(day, opens),
                self._at(day + timedelta(days=1), MIDNIGHT) if closes == MIDNIGHT else self._at(day, closes),
            )
            for opens, closes in self.hours.get(day.weekday(), [])
        ]

    def range_at(self, moment: datetime) -> tuple[datetime, datetime] | None:
        """The opening range containing `moment` (aware), or None when closed then.

        A range that ends at midnight where the next day's begins goes on into it (open all
        day, or 18:00-24:00 then 00:00-02:00): the restaurant does not close at midnight, so
        the order cut-off and "closes at" look past it, up to a week ahead."""
        day = moment.astimezone(self.tz).date()
        opening = next(((start, end) for start, end in self.ranges_on(day) if start <= moment < end), None)
        if opening is None:
            return None
        start, end = opening
        for _ in range(7):
            following = next((r for r in self.ranges_on(end.astimezone(self.tz).date()) if r[0] == end), None)
            if following is None:
                break
            end = following[1]
        return start, end

    def is_open_at(self, moment: datetime) -> bool:
        return self.range_at(moment) is not None

    def accepts_orders_at(self, moment: datetime, *, cutoff_minutes: int) -> bool:
        """Open at `moment` and not within the order cut-off before closing."""
        opening = self.range_at(moment)
        return opening is not None and moment <= opening[1] - timedelta(minutes=cutoff_minutes)

    def next_opening(self, after: datetime, *, days: int = 14) -> datetime | None:
        """When the restaurant next opens after `after` (within `days`), for "opens at ..." messages."""
        day = after.astimezone(self.tz).date()
        for offset in range(days + 1):
            for start, _end in self.ranges_on(day + timedelta(days=offset)):
                if start > after:
                    return start
        return None


def schedule_load(*, start: date | None = None, end: date | None = None) -> Schedule:
    """Load the weekly hours and the closures between `start` and `end` (inclusive; all if None)."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for opening in opening_hours_list():
        hours.setdefault(opening.weekday, []).append((opening.opens, opening.closes))
    closures = closure_list()
    if start is not None:
        closures = closures.filter(date__gte=start)
    if end is not None:
        closures = closures.filter(date__lte=end)
    closed = dict(closures.values_list("date", "reason"))
    return Schedule(hours=hours, closed=closed, tz=restaurant_tz(), always_open=not hours)
