"""What every page shows about the restaurant (header, footer, home page), read lazily and at
most once a request: the settings row (one query) and the schedule (two queries)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.http import HttpRequest
from django.utils import timezone

from littlelemon.restaurant.enums import Weekday
from littlelemon.restaurant.models import RestaurantSettings
from littlelemon.restaurant.selectors import Schedule, restaurant_settings_get, restaurant_tz, schedule_load

# How far ahead "opens ..." looks, and which closures are announced.
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class DayHours:
    """One weekday of the weekly opening hours (local wall times; `closes` 00:00 is midnight)."""

    weekday: int
    name: str
    ranges: tuple[tuple[time, time], ...]
    is_today: bool = False

    @property
    def short_name(self) -> str:
        return self.name[:3]


@dataclass(frozen=True)
class DaysHours:
    """A run of consecutive weekdays with the same hours ("Mon-Thu"), for the footer."""

    first: DayHours
    last: DayHours

    @property
    def ranges(self) -> tuple[tuple[time, time], ...]:
        return self.first.ranges


@dataclass(frozen=True)
class OpenStatus:
    """Open now (until when), or closed (and when it next opens, within LOOKAHEAD_DAYS)."""

    is_open: bool
    always_open: bool = False
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    opens_day: str = ""  # "today", "tomorrow" or a weekday name, for "opens tomorrow at 11 a.m."


class RestaurantInfo:
    def __init__(self, *, now: datetime | None = None):
        self.now = now or timezone.now()
        self.tz = restaurant_tz()
        self.today: date = self.now.astimezone(self.tz).date()

    @cached_property
    def settings(self) -> RestaurantSettings:
        return restaurant_settings_get()

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def currency(self) -> str:
        return self.settings.currency

    @cached_property
    def schedule(self) -> Schedule:
        return schedule_load(start=self.today, end=self.today + timedelta(days=LOOKAHEAD_DAYS))

    @cached_property
    def week(self) -> list[DayHours]:
        """Monday to Sunday, closed days with no ranges. Empty when no hours are configured."""
        if self.schedule.always_open:
            return []
        return [
            DayHours(
                weekday=day.value,
                name=day.label,
                ranges=tuple(self.schedule.hours.get(day.value, ())),
                is_today=day.value == self.today.weekday(),
            )
            for day in Weekday
        ]

    @cached_property
    def week_summary(self) -> list[DaysHours]:
        runs: list[DaysHours] = []
        for day in self.week:
            if runs and runs[-1].ranges == day.ranges:
                runs[-1] = DaysHours(first=runs[-1].first, last=day)
            else:
                runs.append(DaysHours(first=day, last=day))
        return runs

    @cached_property
    def closures(self) -> list[tuple[date, str]]:
        """Whole days closed from today to LOOKAHEAD_DAYS ahead, with their reasons."""
        return sorted(self.schedule.closed.items())

    @cached_property
    def status(self) -> OpenStatus:
        opening = self.schedule.range_at(self.now)
        if opening is not None:
            return OpenStatus(
                is_open=True, always_open=self.schedule.always_open, closes_at=opening[1].astimezone(self.tz)
            )
        opens_at = self.schedule.next_opening(self.now, days=LOOKAHEAD_DAYS)
        if opens_at is None:
            return OpenStatus(is_open=False)
        opens_at = opens_at.astimezone(self.tz)
        days_ahead = (opens_at.date() - self.today).days
        opens_day = {0: "today", 1: "tomorrow"}.get(days_ahead) or (
            Weekday(opens_at.weekday()).label if days_ahead < 7 else f"{opens_at:%B} {opens_at.day}"
        )
        return OpenStatus(is_open=False, opens_at=opens_at, opens_day=opens_day)


def restaurant_info_for(request: HttpRequest) -> RestaurantInfo:
    """The request's RestaurantInfo: views and the context processor share one, so nothing is read twice."""
    info = getattr(request, "_restaurant_info", None)
    if info is None:
        info = request._restaurant_info = RestaurantInfo()  # type: ignore[attr-defined]
    return info
