"""What the header, footer and home page say about the restaurant: open now, hours, closures."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from littlelemon.restaurant.tests.factories import ClosureFactory, OpeningHoursFactory
from littlelemon.web.info import RestaurantInfo

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 6, 1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """June 2026: day 1 is a Monday."""
    return datetime(2026, 6, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def lunch_and_dinner(db):
    for weekday in range(5):  # Monday to Friday, lunch and dinner
        OpeningHoursFactory(weekday=weekday, opens=time(11, 30), closes=time(14, 30))
        OpeningHoursFactory(weekday=weekday, opens=time(17), closes=time(22))
    OpeningHoursFactory(weekday=5, opens=time(11), closes=time(0))  # Saturday until midnight


@pytest.mark.parametrize(
    ("now", "is_open", "until", "opens_day", "opens_at"),
    [
        (at(1, 12), True, at(1, 14, 30), "", None),
        (at(1, 15), False, None, "today", at(1, 17)),
        (at(1, 23), False, None, "tomorrow", at(2, 11, 30)),
        (at(6, 23, 59), True, at(7, 0), "", None),  # Saturday until midnight
        (at(7, 10), False, None, "tomorrow", at(8, 11, 30)),  # closed on Sundays
    ],
)
def test_open_status(lunch_and_dinner, now, is_open, until, opens_day, opens_at):
    status = RestaurantInfo(now=now).status

    assert (status.is_open, status.closes_at) == (is_open, until)
    assert (status.opens_day, status.opens_at) == (opens_day, opens_at)
    assert not status.always_open


def test_a_closure_moves_the_next_opening(lunch_and_dinner):
    ClosureFactory(date=date(2026, 6, 2), reason="Staff party")

    info = RestaurantInfo(now=at(1, 23))

    assert info.status.opens_day == "Wednesday"
    assert info.status.opens_at == at(3, 11, 30)
    assert info.closures == [(date(2026, 6, 2), "Staff party")]


def test_closed_for_weeks_names_no_opening(lunch_and_dinner):
    for day in range(1, 30):
        ClosureFactory(date=date(2026, 6, day))

    status = RestaurantInfo(now=at(1, 12)).status

    assert (status.is_open, status.opens_at) == (False, None)


def test_without_hours_always_open(db):
    info = RestaurantInfo(now=at(1, 3))

    assert info.status.is_open and info.status.always_open
    assert info.week == [] and info.week_summary == []


def test_week_and_its_summary(lunch_and_dinner):
    info = RestaurantInfo(now=at(3, 12))  # a Wednesday

    assert [(day.name, day.is_today) for day in info.week][:3] == [
        ("Monday", False),
        ("Tuesday", False),
        ("Wednesday", True),
    ]
    assert info.week[6].ranges == ()
    assert [(run.first.short_name, run.last.short_name, run.ranges) for run in info.week_summary] == [
        ("Mon", "Fri", ((time(11, 30), time(14, 30)), (time(17), time(22)))),
        ("Sat", "Sat", ((time(11), time(0)),)),
        ("Sun", "Sun", ()),
    ]


def test_reads_each_thing_once(lunch_and_dinner, django_assert_num_queries):
    info = RestaurantInfo(now=at(1, 12))

    with django_assert_num_queries(3):  # settings, hours, closures
        for _ in range(3):
            assert info.name == "Little Lemon"
            assert info.currency == "USD"
            assert info.status.is_open
            assert len(info.week) == 7
            assert info.closures == []
