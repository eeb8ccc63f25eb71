"""When a dish can be ordered in the week: its availability windows, answered in memory.

A dish with windows of its own follows them; otherwise its category's; with neither it is served
whenever the restaurant takes orders (the opening hours are checked elsewhere: orders.scheduling).
Windows are local wall times in the restaurant's time zone (settings.TIME_ZONE), a weekday and
[starts, ends) on that day; a window never runs past midnight (the model refuses ends <= starts).

`windows_load` (menu.selectors) reads every window in one query; `Windows` then answers for any
number of dishes with no further query. The functions below are pure.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LOOK_AHEAD_DAYS = 7  # a weekly pattern: the next start is at most a week away


@dataclass(frozen=True)
class Window:
    weekday: int  # Monday 0 .. Sunday 6
    starts: time
    ends: time


class _Dish(Protocol):
    pk: int
    category_id: int


def is_within(windows: Iterable[Window], moment: datetime, tz: ZoneInfo) -> bool:
    """Whether the aware `moment` falls in one of `windows` (local time in `tz`). No windows: True."""
    windows = tuple(windows)
    if not windows:
        return True
    local = moment.astimezone(tz)
    wall = local.time().replace(tzinfo=None)
    return any(w.weekday == local.weekday() and w.starts <= wall < w.ends for w in windows)


def next_start(windows: Iterable[Window], moment: datetime, tz: ZoneInfo) -> datetime | None:
    """The first moment at or after `moment` that falls in one of `windows` (itself when it does),
    in UTC; None when there are windows but none in the coming week (cannot happen with any)."""
    windows = tuple(windows)
    if is_within(windows, moment, tz):
        return moment
    local = moment.astimezone(tz)
    candidates = []
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for w in windows:
            if w.weekday != day.weekday():
                continue
            # Wall time to UTC; a start skipped by a daylight-saving jump lands just after it.
            start = datetime.combine(day, w.starts, tzinfo=tz).astimezone(UTC)
            if start > moment:
                candidates.append(start)
        if candidates:
            return min(candidates)
    return None


def served_until(windows: Iterable[Window], moment: datetime, tz: ZoneInfo) -> datetime | None:
    """When the window `moment` falls in ends (a window starting as one ends carries it on), in
    UTC; None when there are no windows (always served) or `moment` is in none."""
    windows = tuple(windows)
    local = moment.astimezone(tz)
    wall = local.time().replace(tzinfo=None)
    today = [w for w in windows if w.weekday == local.weekday()]
    current = next((w for w in today if w.starts <= wall < w.ends), None)
    if current is None:
        return None
    ends = current.ends
    while (following := next((w for w in today if w.starts <= ends < w.ends), None)) is not None:
        ends = following.ends
    return datetime.combine(local.date(), ends, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Windows:
    """Every window, by dish and by category, loaded once (menu.selectors.windows_load)."""

    by_item: Mapping[int, tuple[Window, ...]] = field(default_factory=dict)
    by_category: Mapping[int, tuple[Window, ...]] = field(default_factory=dict)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def for_dish(self, dish: _Dish) -> tuple[Window, ...]:
        """The windows a dish follows: its own, else its category's, else none (always)."""
        return self.by_item.get(dish.pk) or self.by_category.get(dish.category_id) or ()

    def orderable_at(self, dish: _Dish, moment: datetime) -> bool:
        return is_within(self.for_dish(dish), moment, self.tz)

    def next_orderable(self, dish: _Dish, moment: datetime) -> datetime | None:
        """When the dish can next be ordered: `moment` itself if it can be then."""
        return next_start(self.for_dish(dish), moment, self.tz)

    def served_until(self, dish: _Dish, moment: datetime) -> datetime | None:
        """When the dish stops being served, if it is served now in one of its windows."""
        return served_until(self.for_dish(dish), moment, self.tz)

    def clock_bucket(self, moment: datetime) -> tuple[str, str | None]:
        """What of the clock the menu's answers depend on at `moment`: the local day (the day's
        portions, "tomorrow from 07:00") and the last window edge (a start or an end) passed
        today. Between two edges every answer is the same, so its ETag is too; with no windows
        only the day changes it."""
        local = moment.astimezone(self.tz)
        windows = [w for group in (*self.by_item.values(), *self.by_category.values()) for w in group]
        passed = [
            edge for w in windows if w.weekday == local.weekday() for edge in (w.starts, w.ends) if edge <= local.time()
        ]
        return local.date().isoformat(), max(passed).isoformat() if passed else None


def from_label(start: datetime, *, now: datetime, tz: ZoneInfo) -> str:
    """ "from 11:30" (today), "tomorrow from 07:00", "Monday from 07:00": when a dish is next served."""
    local, today = start.astimezone(tz), now.astimezone(tz).date()
    if local.date() == today:
        return f"from {local:%H:%M}"
    if local.date() == today + timedelta(days=1):
        return f"tomorrow from {local:%H:%M}"
    return f"{local:%A} from {local:%H:%M}"


def until_label(end: datetime, *, tz: ZoneInfo) -> str:
    """ "until 11:00": when a dish served now stops being served (today, local time)."""
    return f"until {end.astimezone(tz):%H:%M}"
