"""Availability windows: the pure evaluation (menu.windows), the model's rules, and the load."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from littlelemon.menu.models import AvailabilityWindow
from littlelemon.menu.selectors import menu_items_timed, windows_load
from littlelemon.menu.windows import Window, Windows, from_label, is_within, next_start, served_until, until_label

from .factories import CategoryFactory, MenuItemFactory

CHICAGO = ZoneInfo("America/Chicago")
MONDAY, TUESDAY, SUNDAY = 0, 1, 6
BREAKFAST = (Window(MONDAY, time(7), time(11)),)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


# 2026-06-01 is a Monday.
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 6, 1, 6, 59), False),
        (local(2026, 6, 1, 7, 0), True),  # the start is included
        (local(2026, 6, 1, 10, 59, 59), True),
        (local(2026, 6, 1, 11, 0), False),  # the end is not
        (local(2026, 6, 2, 8, 0), False),  # Tuesday: not a Monday window
        (local(2026, 6, 8, 8, 0), True),  # next Monday
    ],
)
def test_a_window_is_its_weekday_from_its_start_to_before_its_end(moment, expected):
    assert is_within(BREAKFAST, moment, CHICAGO) is expected


def test_the_moment_is_judged_in_the_restaurants_time_zone():
    # 12:30 UTC on Monday is 07:30 in Chicago (CDT, UTC-5): breakfast.
    assert is_within(BREAKFAST, datetime(2026, 6, 1, 12, 30, tzinfo=UTC), CHICAGO)
    # 04:00 UTC on Tuesday is still Monday 23:00 in Chicago: not breakfast, and not Tuesday.
    assert not is_within((Window(TUESDAY, time(0), time(1)),), datetime(2026, 6, 2, 4, 0, tzinfo=UTC), CHICAGO)


def test_no_window_means_always():
    assert is_within((), local(2026, 6, 1, 3, 0), CHICAGO)
    assert next_start((), local(2026, 6, 1, 3, 0), CHICAGO) == local(2026, 6, 1, 3, 0)


def test_next_start_is_now_when_within_else_the_next_window_across_the_week():
    assert next_start(BREAKFAST, local(2026, 6, 1, 8, 0), CHICAGO) == local(2026, 6, 1, 8, 0)
    assert next_start(BREAKFAST, local(2026, 6, 1, 6, 0), CHICAGO) == local(2026, 6, 1, 7, 0)
    # Monday after breakfast: the next is a week later.
    assert next_start(BREAKFAST, local(2026, 6, 1, 11, 0), CHICAGO) == local(2026, 6, 8, 7, 0)
    # Sunday night: tomorrow morning.
    assert next_start(BREAKFAST, local(2026, 6, 7, 23, 30), CHICAGO) == local(2026, 6, 8, 7, 0)


def test_two_windows_make_an_evening_into_the_night():
    late = (Window(SUNDAY, time(22), time(23, 59)), Window(MONDAY, time(0), time(2)))
    assert is_within(late, local(2026, 6, 7, 23, 0), CHICAGO)  # Sunday 23:00
    assert is_within(late, local(2026, 6, 8, 1, 30), CHICAGO)  # Monday 01:30
    assert not is_within(late, local(2026, 6, 8, 2, 0), CHICAGO)


def test_served_until_is_the_end_of_the_window_now_carried_on_by_one_starting_then():
    assert served_until(BREAKFAST, local(2026, 6, 1, 8, 0), CHICAGO) == local(2026, 6, 1, 11, 0)
    assert served_until(BREAKFAST, local(2026, 6, 1, 11, 0), CHICAGO) is None  # over
    assert served_until(BREAKFAST, local(2026, 6, 2, 8, 0), CHICAGO) is None  # not a Tuesday window
    assert served_until((), local(2026, 6, 1, 8, 0), CHICAGO) is None  # always served: no end to say
    brunch_after_breakfast = (*BREAKFAST, Window(MONDAY, time(11), time(14)), Window(MONDAY, time(18), time(20)))
    assert served_until(brunch_after_breakfast, local(2026, 6, 1, 8, 0), CHICAGO) == local(2026, 6, 1, 14, 0)
    assert until_label(local(2026, 6, 1, 14, 0), tz=CHICAGO) == "until 14:00"


def test_labels_say_when_in_the_customers_words():
    now = local(2026, 6, 1, 6, 0)
    assert from_label(local(2026, 6, 1, 11, 30), now=now, tz=CHICAGO) == "from 11:30"
    assert from_label(local(2026, 6, 2, 7, 0), now=now, tz=CHICAGO) == "tomorrow from 07:00"
    assert from_label(local(2026, 6, 5, 7, 0), now=now, tz=CHICAGO) == "Friday from 07:00"


class _Dish:
    def __init__(self, pk, category_id):
        self.pk, self.category_id = pk, category_id


def test_a_dishs_own_windows_come_before_its_categorys():
    windows = Windows(by_item={1: (Window(MONDAY, time(12), time(14)),)}, by_category={10: BREAKFAST}, tz=CHICAGO)
    own, follows_category, free = _Dish(1, 10), _Dish(2, 10), _Dish(3, 20)
    at_eight = local(2026, 6, 1, 8, 0)
    assert not windows.orderable_at(own, at_eight)
    assert windows.orderable_at(follows_category, at_eight)
    assert windows.orderable_at(free, local(2026, 6, 1, 3, 0))
    assert windows.next_orderable(own, at_eight) == local(2026, 6, 1, 12, 0)


@pytest.mark.django_db
class TestModel:
    def test_a_window_ending_at_or_before_its_start_is_refused(self):
        window = AvailabilityWindow(category=CategoryFactory(), weekday=MONDAY, starts=time(22), ends=time(2))
        with pytest.raises(ValidationError, match="split one that runs past midnight"):
            window.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            window.save()
        assert not AvailabilityWindow.objects.exists()

    @pytest.mark.parametrize("owners", ["both", "neither"])
    def test_a_window_belongs_to_exactly_one_dish_or_category(self, owners):
        dish = MenuItemFactory()
        fields = {"menuitem": dish, "category": dish.category} if owners == "both" else {}
        window = AvailabilityWindow(weekday=MONDAY, starts=time(7), ends=time(11), **fields)
        with pytest.raises(ValidationError, match="exactly one"):
            window.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            window.save()
        assert not AvailabilityWindow.objects.exists()

    def test_load_is_one_query_and_marks_dishes(self, django_assert_num_queries):
        breakfast = CategoryFactory(slug="breakfast")
        AvailabilityWindow.objects.create(category=breakfast, weekday=MONDAY, starts=time(7), ends=time(11))
        eggs, soup = MenuItemFactory(category=breakfast), MenuItemFactory()
        AvailabilityWindow.objects.create(menuitem=soup, weekday=MONDAY, starts=time(11, 30), ends=time(15))

        with django_assert_num_queries(1):
            windows = windows_load()
        timed = menu_items_timed([eggs, soup], windows=windows, now=local(2026, 6, 1, 8, 0))

        assert [(d.orderable_now, d.orderable_from_label, d.orderable_until_label) for d in timed] == [
            (True, "", "until 11:00"),
            (False, "from 11:30", ""),
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 40])
def test_the_menu_api_reads_the_windows_once_whatever_the_menu(api_client, django_assert_num_queries, freeze, count):
    """Windows on every dish and category, portions on every dish: the same queries at both sizes."""
    freeze(local(2026, 6, 1, 8, 0))
    for _ in range(count):
        dish = MenuItemFactory(daily_portions=5)
        AvailabilityWindow.objects.create(menuitem=dish, weekday=MONDAY, starts=time(11, 30), ends=time(15))
        AvailabilityWindow.objects.create(category=dish.category, weekday=MONDAY, starts=time(7), ends=time(11))

    with django_assert_num_queries(4):  # the menu stamp, COUNT(*), the dishes, the windows
        response = api_client.get("/api/v1/menu-items/?page_size=100")

    results = response.json()["results"]
    assert len(results) == count
    assert {(r["orderable_now"], r["orderable_from"], r["portions_left"]) for r in results} == {
        (False, "2026-06-01T11:30:00-05:00", 5)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 30])
def test_the_menu_page_reads_the_windows_once_whatever_the_menu(client, django_assert_num_queries, freeze, count):
    freeze(local(2026, 6, 1, 8, 0))
    for _ in range(count):
        dish = MenuItemFactory(daily_portions=5)
        AvailabilityWindow.objects.create(menuitem=dish, weekday=MONDAY, starts=time(11, 30), ends=time(15))

    with django_assert_num_queries(6):  # settings, hours, closures, categories, the dishes, the windows
        page = client.get("/menu/").content.decode()

    assert page.count("Served from 11:30") == count
