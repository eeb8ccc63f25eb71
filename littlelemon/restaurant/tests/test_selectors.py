"""The opening schedule: weekly ranges, closures, midnight, time zones and daylight saving."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from littlelemon.restaurant.selectors import restaurant_settings_get, schedule_load

from .factories import ClosureFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 6, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def test_with_no_hours_configured_the_restaurant_is_always_open_except_closures():
    ClosureFactory(date=MONDAY)
    schedule = schedule_load()

    assert schedule.always_open
    assert schedule.is_open_at(at(MONDAY + timedelta(days=1), 3))
    assert not schedule.is_open_at(at(MONDAY, 12))
    assert schedule.ranges_on(MONDAY + timedelta(days=1)) == [
        (at(MONDAY + timedelta(days=1), 0), at(MONDAY + timedelta(days=2), 0))
    ]


def test_lunch_and_dinner_ranges():
    OpeningHoursFactory(weekday=0, opens=time(11), closes=time(14, 30))
    OpeningHoursFactory(weekday=0, opens=time(17), closes=time(22))
    schedule = schedule_load()

    assert schedule.ranges_on(MONDAY) == [(at(MONDAY, 11), at(MONDAY, 14, 30)), (at(MONDAY, 17), at(MONDAY, 22))]
    assert [
        schedule.is_open_at(at(MONDAY, h, m)) for h, m in [(10, 59), (11, 0), (14, 29), (14, 30), (18, 0), (22, 0)]
    ] == [
        False,
        True,
        True,
        False,
        True,
        False,
    ]
    assert schedule.ranges_on(MONDAY + timedelta(days=1)) == []  # no Tuesday hours: closed


def test_closing_at_midnight_runs_to_the_end_of_the_day():
    OpeningHoursFactory(weekday=4, opens=time(18), closes=time(0))
    friday = MONDAY + timedelta(days=4)

    schedule = schedule_load()

    assert schedule.ranges_on(friday) == [(at(friday, 18), at(friday + timedelta(days=1), 0))]
    assert schedule.is_open_at(at(friday, 23, 59))


def test_order_cutoff_before_closing():
    OpeningHoursFactory(weekday=0, opens=time(11), closes=time(22))
    schedule = schedule_load()

    assert schedule.accepts_orders_at(at(MONDAY, 21, 45), cutoff_minutes=15)
    assert not schedule.accepts_orders_at(at(MONDAY, 21, 46), cutoff_minutes=15)
    assert not schedule.accepts_orders_at(at(MONDAY, 10), cutoff_minutes=0)


def test_no_cut_off_at_midnight_when_the_restaurant_stays_open_past_it():
    # Friday 18:00-24:00 and Saturday 00:00-02:00: one evening, closing at 02:00 on Saturday.
    friday = MONDAY + timedelta(days=4)
    OpeningHoursFactory(weekday=4, opens=time(18), closes=time(0))
    OpeningHoursFactory(weekday=5, opens=time(0), closes=time(2))
    schedule = schedule_load()

    assert schedule.range_at(at(friday, 23, 50)) == (at(friday, 18), at(friday + timedelta(days=1), 2))
    assert schedule.accepts_orders_at(at(friday, 23, 50), cutoff_minutes=15)
    assert schedule.accepts_orders_at(at(friday + timedelta(days=1), 1, 45), cutoff_minutes=15)
    assert not schedule.accepts_orders_at(at(friday + timedelta(days=1), 1, 46), cutoff_minutes=15)


def test_closing_at_midnight_with_nothing_after_it_keeps_the_cut_off():
    OpeningHoursFactory(weekday=4, opens=time(18), closes=time(0))
    friday = MONDAY + timedelta(days=4)
    schedule = schedule_load()

    assert schedule.accepts_orders_at(at(friday, 23, 45), cutoff_minutes=15)
    assert not schedule.accepts_orders_at(at(friday, 23, 50), cutoff_minutes=15)


def test_with_no_hours_configured_orders_are_taken_at_any_minute_of_the_day():
    schedule = schedule_load()

    for minute in (at(MONDAY, 23, 50), at(MONDAY, 23, 59), at(MONDAY, 0, 0), at(MONDAY, 12)):
        assert schedule.accepts_orders_at(minute, cutoff_minutes=15), minute


def test_a_moment_given_in_utc_is_judged_in_the_restaurant_time_zone():
    OpeningHoursFactory(weekday=0, opens=time(11), closes=time(22))
    schedule = schedule_load()

    # 03:30 UTC on Tuesday is 22:30 Monday in Chicago (CDT, UTC-5): closed; 16:30 UTC is 11:30: open.
    assert not schedule.is_open_at(datetime(2026, 6, 2, 3, 30, tzinfo=ZoneInfo("UTC")))
    assert schedule.is_open_at(datetime(2026, 6, 1, 16, 30, tzinfo=ZoneInfo("UTC")))


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 8), 10), (date(2026, 11, 1), 12)])
def test_daylight_saving_days_have_the_right_length(day, hours):
    """01:00-12:00 on the wall lasts 10 real hours when clocks spring forward and 12 when they fall back."""
    OpeningHoursFactory(weekday=6, opens=time(1), closes=time(12))
    schedule = schedule_load()

    ((start, end),) = schedule.ranges_on(day)

    assert (start.utcoffset(), end.utcoffset()) != (None, None)
    assert (end - start) == timedelta(hours=hours)


def test_next_opening_skips_closures():
    OpeningHoursFactory(weekday=0, opens=time(11), closes=time(22))
    OpeningHoursFactory(weekday=1, opens=time(11), closes=time(22))
    ClosureFactory(date=MONDAY + timedelta(days=1))
    schedule = schedule_load()

    assert schedule.next_opening(at(MONDAY, 23)) == at(MONDAY + timedelta(days=7), 11)


def test_closures_outside_the_loaded_window_are_not_read():
    ClosureFactory(date=MONDAY)

    assert schedule_load(start=MONDAY + timedelta(days=1)).closed == {}


def test_schedule_loads_in_two_queries(django_assert_num_queries):
    OpeningHoursFactory(weekday=0)
    ClosureFactory(date=MONDAY)

    with django_assert_num_queries(2):
        schedule_load(start=MONDAY, end=MONDAY + timedelta(days=7))


def test_settings_row_exists_with_sensible_defaults():
    settings = restaurant_settings_get()

    assert settings.pk == 1
    assert (settings.booking_slot_minutes, settings.booking_duration_minutes, settings.booking_lead_minutes) == (
        15,
        90,
        60,
    )
    assert settings.booking_horizon_days == 60
