"""When an order can be placed for: as soon as possible while the restaurant takes orders, or a
scheduled time within its opening hours, not in the past and at most `SCHEDULE_HORIZON` ahead.

The opening schedule is read once per placement (`order_schedule_load`); the checks answer from
it in memory and say, in the customer's words, when the restaurant opens again.
"""

from datetime import datetime, timedelta

from littlelemon.restaurant.models import RestaurantSettings
from littlelemon.restaurant.selectors import Schedule, restaurant_tz, schedule_load

from .exceptions import InvalidSchedule, RestaurantClosed

SCHEDULE_GRACE = timedelta(minutes=1)  # a time picked a moment ago still counts as "not in the past"
SCHEDULE_HORIZON = timedelta(days=7)  # orders are scheduled at most this far ahead
NEXT_OPENING_DAYS = 14  # how far ahead "we open again ..." looks: two weeks


def order_schedule_load(*, now: datetime) -> Schedule:
    """The opening hours, and the closures `order_time_check` may look at from `now`: from
    yesterday (local) to past the horizon and the next opening it may name. Two queries."""
    today = now.astimezone(restaurant_tz()).date()
    return schedule_load(
        start=today - timedelta(days=1), end=today + SCHEDULE_HORIZON + timedelta(days=NEXT_OPENING_DAYS + 1)
    )


def _when_label(moment: datetime, schedule: Schedule, *, now: datetime) -> str:
    """When, for a person: today at 11:00, tomorrow at 11:00, Tuesday 2 June at 11:00 (local time)."""
    local, today = moment.astimezone(schedule.tz), now.astimezone(schedule.tz).date()
    day = {today: "today", today + timedelta(days=1): "tomorrow"}.get(
        local.date(), f"{local:%A} {local.day} {local:%B}"
    )
    return f"{day} at {local:%H:%M}"


def scheduled_time_bounds_check(*, scheduled_for: datetime | None, now: datetime) -> None:
    """Raises InvalidSchedule for a time in the past or beyond the horizon. Checked first: nothing
    after it does arithmetic on a date far in the past or future. No query."""
    if scheduled_for is None:
        return
    if scheduled_for < now - SCHEDULE_GRACE:
        raise InvalidSchedule("The scheduled time is in the past.", field="scheduled_for")
    if scheduled_for > now + SCHEDULE_HORIZON:
        raise InvalidSchedule(
            f"Orders can be scheduled at most {SCHEDULE_HORIZON.days} days ahead.", field="scheduled_for"
        )


def order_time_check(
    *, scheduled_for: datetime | None, now: datetime, settings: RestaurantSettings, schedule: Schedule
) -> None:
    """ASAP orders need the restaurant taking orders now; scheduled ones a time it will be.

    Raises RestaurantClosed (ASAP while not taking orders) or InvalidSchedule, each saying when
    the restaurant opens again (`opens_at`)."""
    scheduled_time_bounds_check(scheduled_for=scheduled_for, now=now)
    if schedule.accepts_orders_at(scheduled_for or now, cutoff_minutes=settings.order_cutoff_minutes):
        return
    next_opening = schedule.next_opening(now, days=NEXT_OPENING_DAYS)
    extra = {"opens_at": next_opening.astimezone(schedule.tz).isoformat() if next_opening else None}
    if scheduled_for is None:
        raise RestaurantClosed(_closed_now_message(now, next_opening, settings, schedule), extra=extra)
    raise InvalidSchedule(
        f"We cannot prepare an order for {_when_label(scheduled_for, schedule, now=now)}: "
        f"{_why_not_then(scheduled_for, settings, schedule)}.",
        field="scheduled_for",
        extra=extra,
    )


def _closed_now_message(
    now: datetime, next_opening: datetime | None, settings: RestaurantSettings, schedule: Schedule
) -> str:
    opens = (
        f"we open again {_when_label(next_opening, schedule, now=now)}"
        if next_opening
        else "no opening in the next two weeks"
    )
    why = (
        f"we stop taking orders {settings.order_cutoff_minutes} minutes before closing"
        if schedule.is_open_at(now)
        else "the restaurant is closed"
    )
    return f"We are not taking orders right now ({why}); {opens}. You can also schedule the order."


def _why_not_then(scheduled_for: datetime, settings: RestaurantSettings, schedule: Schedule) -> str:
    """Why the kitchen cannot take an order for `scheduled_for`: a closure, the cut-off, or the hours."""
    local_day = scheduled_for.astimezone(schedule.tz).date()
    if local_day in schedule.closed:
        reason = schedule.closed[local_day]
        return "we are closed that day" + (f" ({reason})" if reason else "")
    if schedule.is_open_at(scheduled_for):
        return f"that is within {settings.order_cutoff_minutes} minutes of closing"
    ranges = ", ".join(
        f"{start.astimezone(schedule.tz):%H:%M}-{end.astimezone(schedule.tz):%H:%M}"
        for start, end in schedule.ranges_on(local_day)
    )
    return f"we are open {ranges} that day" if ranges else f"we are closed on {local_day:%A}s"
