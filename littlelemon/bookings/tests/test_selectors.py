"""Availability: the slot grid, opening hours, closures, lead time, horizon, the duration against
closing time, time zones and daylight saving, and what a table's bookings leave free."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.exceptions import PartyTooLarge
from littlelemon.bookings.selectors import (
    availability_for,
    booking_list_on,
    booking_list_visible_to,
)
from littlelemon.restaurant.selectors import restaurant_settings_get
from littlelemon.restaurant.tests.factories import ClosureFactory, OpeningHoursFactory

from .clock import NOW, TODAY, TOMORROW, local
from .factories import BookingFactory, TableFactory

pytestmark = pytest.mark.django_db


def starts(availability) -> list[str]:
    return [f"{slot.start.astimezone(local(TODAY, 0).tzinfo):%H:%M}" for slot in availability.slots]


def every(first: str, last: str, minutes: int = 15) -> list[str]:
    moment = datetime.combine(TODAY, time.fromisoformat(first))
    end = datetime.combine(TODAY, time.fromisoformat(last))
    out = []
    while moment <= end:
        out.append(f"{moment:%H:%M}")
        moment += timedelta(minutes=minutes)
    return out


class TestTheGrid:
    def test_slots_start_every_slot_length_from_each_opening_and_end_by_closing(self, lunch_and_dinner):
        TableFactory(seats=4)

        availability = availability_for(day=TOMORROW, party_size=2, now=NOW)

        # 90-minute bookings: lunch 11:30-14:30 takes starts up to 13:00, dinner 17:00-22:00 up to 20:30.
        assert starts(availability) == every("11:30", "13:00") + every("17:00", "20:30")
        assert {slot.tables_free for slot in availability.slots} == {1}
        assert all(slot.start.tzinfo is not None for slot in availability.slots)

    def test_the_grid_follows_the_settings(self, lunch_and_dinner):
        TableFactory(seats=4)
        settings = restaurant_settings_get()
        settings.booking_slot_minutes, settings.booking_duration_minutes = 30, 120
        settings.save()

        assert starts(availability_for(day=TOMORROW, party_size=2, now=NOW)) == every("11:30", "12:30", 30) + every(
            "17:00", "20:00", 30
        )

    def test_a_booking_longer_than_an_opening_range_never_fits_in_it(self):
        OpeningHoursFactory(weekday=TOMORROW.weekday(), opens=time(11, 30), closes=time(12, 30))
        OpeningHoursFactory(weekday=TOMORROW.weekday(), opens=time(18), closes=time(21))
        TableFactory()

        assert starts(availability_for(day=TOMORROW, party_size=2, now=NOW)) == every("18:00", "19:30")

    def test_closing_at_midnight_takes_bookings_ending_at_midnight(self):
        OpeningHoursFactory(weekday=TOMORROW.weekday(), opens=time(21), closes=time(0))
        TableFactory()

        assert starts(availability_for(day=TOMORROW, party_size=2, now=NOW)) == every("21:00", "22:30")

    def test_a_day_without_opening_hours_and_a_closure_have_no_slots(self, lunch_and_dinner):
        TableFactory()
        ClosureFactory(date=TOMORROW, reason="Private party")

        assert availability_for(day=TOMORROW, party_size=2, now=NOW).slots == []
        assert availability_for(day=TOMORROW + timedelta(days=1), party_size=2, now=NOW).slots != []

    def test_with_no_opening_hours_configured_the_whole_day_is_bookable(self):
        TableFactory()

        assert starts(availability_for(day=TOMORROW, party_size=2, now=NOW)) == every("00:00", "22:30")


class TestLeadTimeAndHorizon:
    def test_nothing_earlier_than_now_plus_the_lead_time(self, lunch_and_dinner):
        TableFactory()

        # 11:50 plus 60 minutes is 12:50: the first lunch start on the grid after it is 13:00.
        availability = availability_for(day=TODAY, party_size=2, now=local(TODAY, 11, 50))

        assert starts(availability) == ["13:00", *every("17:00", "20:30")]

    def test_the_lead_time_boundary_is_inclusive(self, lunch_and_dinner):
        TableFactory()

        assert starts(availability_for(day=TODAY, party_size=2, now=local(TODAY, 16)))[0] == "17:00"
        assert starts(availability_for(day=TODAY, party_size=2, now=local(TODAY, 16, 1)))[0] == "17:15"

    def test_managers_see_the_slot_under_way_for_a_walk_in(self, lunch_and_dinner):
        TableFactory()

        availability = availability_for(day=TODAY, party_size=2, now=local(TODAY, 19, 5), staff=True)

        assert starts(availability) == ["19:00", "19:15", "19:30", "19:45", "20:00", "20:15", "20:30"]

    def test_past_days_and_days_beyond_the_horizon_have_no_slots(self, lunch_and_dinner):
        TableFactory()
        last_day = TODAY + timedelta(days=60)

        assert availability_for(day=TODAY - timedelta(days=1), party_size=2, now=NOW).slots == []
        assert availability_for(day=last_day, party_size=2, now=NOW).slots != []
        assert availability_for(day=last_day + timedelta(days=1), party_size=2, now=NOW).slots == []
        assert availability_for(day=date.max, party_size=2, now=NOW).slots == []
        assert availability_for(day=date.min, party_size=2, now=NOW).slots == []


class TestDaylightSaving:
    """Chicago springs forward on 2026-03-08 (02:00 CST -> 03:00 CDT) and falls back on 2026-11-01."""

    def test_spring_forward_skips_the_missing_hour_and_the_offset_changes(self):
        TableFactory()

        slots = availability_for(day=date(2026, 3, 8), party_size=2, now=datetime(2026, 3, 1, tzinfo=UTC)).slots
        shown = [slot.start.astimezone(local(TODAY, 0).tzinfo).isoformat() for slot in slots]

        # A 23-hour day: (23 h - 90 min) / 15 min + 1 starts, spaced by 15 real minutes.
        assert len(shown) == 87
        index = shown.index("2026-03-08T01:45:00-06:00")
        assert shown[index + 1] == "2026-03-08T03:00:00-05:00"
        assert shown[-1] == "2026-03-08T22:30:00-05:00"
        assert all(b.start - a.start == timedelta(minutes=15) for a, b in zip(slots, slots[1:], strict=False))

    def test_fall_back_repeats_an_hour_with_a_new_offset(self):
        TableFactory()

        slots = availability_for(day=date(2026, 11, 1), party_size=2, now=datetime(2026, 10, 25, tzinfo=UTC)).slots
        shown = [slot.start.astimezone(local(TODAY, 0).tzinfo).isoformat() for slot in slots]

        assert len(shown) == 95  # a 25-hour day
        index = shown.index("2026-11-01T01:45:00-05:00")
        assert shown[index + 1] == "2026-11-01T01:00:00-06:00"
        assert shown[-1] == "2026-11-01T22:30:00-06:00"

    def test_opening_hours_across_the_change_last_their_real_length(self):
        OpeningHoursFactory(weekday=6, opens=time(1), closes=time(6))
        TableFactory()

        spring = availability_for(day=date(2026, 3, 8), party_size=2, now=datetime(2026, 3, 1, tzinfo=UTC)).slots
        autumn = availability_for(day=date(2026, 11, 1), party_size=2, now=datetime(2026, 10, 25, tzinfo=UTC)).slots

        # 01:00-06:00 on the wall is 4 real hours in spring and 6 in autumn.
        assert (len(spring), len(autumn)) == ((240 - 90) // 15 + 1, (360 - 90) // 15 + 1)


class TestTables:
    def test_tables_free_counts_suitable_tables_free_for_the_whole_duration(self, lunch_and_dinner):
        two, four, six = TableFactory(seats=2), TableFactory(seats=4), TableFactory(seats=6)
        TableFactory(seats=8, active=False)
        BookingFactory(table=four, start=local(TOMORROW, 19), party_size=4)
        BookingFactory(table=six, start=local(TOMORROW, 18), party_size=5, status=BookingStatus.CANCELLED)

        slots = {
            f"{slot.start.astimezone(local(TODAY, 0).tzinfo):%H:%M}": slot.tables_free
            for slot in availability_for(day=TOMORROW, party_size=3, now=NOW).slots
        }

        # Four is busy 19:00-20:30, so any start from 17:45 to 20:15 overlaps it; the cancelled booking frees six.
        assert slots["17:30"] == 2
        assert [slots[t] for t in ("17:45", "19:00", "20:15")] == [1, 1, 1]
        assert slots["20:30"] == 2
        assert max(slots.values()) == 2  # the two-seater and the inactive eight-seater never count for 3
        pairs = availability_for(day=TOMORROW, party_size=2, now=NOW).slots
        assert max(slot.tables_free for slot in pairs) == 3  # for 2, the two-seater counts too
        assert two.seats == 2

    def test_back_to_back_bookings_do_not_overlap(self, lunch_and_dinner):
        table = TableFactory()
        BookingFactory(table=table, start=local(TOMORROW, 17))
        BookingFactory(table=table, start=local(TOMORROW, 20, 30))

        # 17:00-18:30 and 20:30-22:00: a start at 18:30 follows the first, one at 19:00 ends as the second begins.
        assert starts(availability_for(day=TOMORROW, party_size=2, now=NOW)) == every("11:30", "13:00") + every(
            "18:30", "19:00"
        )

    def test_seated_bookings_hold_their_table_and_finished_ones_do_not(self, lunch_and_dinner):
        table = TableFactory()
        BookingFactory(table=table, start=local(TOMORROW, 11, 30), status=BookingStatus.SEATED)
        BookingFactory(table=table, start=local(TOMORROW, 17), status=BookingStatus.COMPLETED)
        BookingFactory(table=table, start=local(TOMORROW, 18), status=BookingStatus.NO_SHOW)

        assert starts(availability_for(day=TOMORROW, party_size=2, now=NOW)) == ["13:00", *every("17:00", "20:30")]

    def test_excluding_a_booking_frees_its_table_for_the_times_it_could_move_to(self, lunch_and_dinner):
        table = TableFactory()
        mine = BookingFactory(table=table, start=local(TOMORROW, 17))
        BookingFactory(table=table, start=local(TOMORROW, 20, 30))

        moves = starts(availability_for(day=TOMORROW, party_size=2, now=NOW, exclude=mine.pk))

        assert moves == every("11:30", "13:00") + every("17:00", "19:00")  # its own 17:00 included

    def test_a_party_larger_than_every_table_gets_no_slots(self, lunch_and_dinner):
        TableFactory(seats=6)

        assert availability_for(day=TOMORROW, party_size=7, now=NOW).slots == []

    def test_a_party_above_the_online_maximum_is_refused_naming_it(self, lunch_and_dinner):
        with pytest.raises(PartyTooLarge, match="up to 12 people") as raised:
            availability_for(day=TOMORROW, party_size=13, now=NOW)

        assert raised.value.extra == {"max_party_size": 12}
        assert availability_for(day=TOMORROW, party_size=13, now=NOW, staff=True).slots == []


@pytest.mark.parametrize("size", [2, 40])
def test_availability_runs_five_queries_whatever_the_floor(size, lunch_and_dinner, django_assert_num_queries):
    for n in range(size):
        table = TableFactory(seats=2 + n % 5)
        BookingFactory(table=table, start=local(TOMORROW, 17 + n % 4))

    with django_assert_num_queries(5):  # settings, hours, closures, tables, bookings
        availability = availability_for(day=TOMORROW, party_size=2, now=NOW)

    assert availability.slots


class TestVisibility:
    def test_customers_see_only_their_own_and_managers_everything(self, customer, other_customer, manager):
        mine = BookingFactory(customer=customer)
        theirs = BookingFactory(customer=other_customer, start=local(TOMORROW, 12))
        guest = BookingFactory(customer=None, guest_name="Walk-in", start=local(TOMORROW, 13))

        assert list(booking_list_visible_to(user=customer)) == [mine]
        assert list(booking_list_visible_to(user=manager)) == [theirs, guest, mine]

    def test_a_local_date_is_the_restaurants_midnight_to_midnight(self):
        late = BookingFactory(start=local(TOMORROW, 23, 30))
        BookingFactory(start=local(TOMORROW + timedelta(days=1), 0, 0))
        BookingFactory(start=local(TOMORROW, 0, 0) - timedelta(minutes=1))

        # 23:30 in Chicago is already the next day in UTC; it still belongs to TOMORROW.
        assert late.start.astimezone(UTC).date() == TOMORROW + timedelta(days=1)
        assert [b.pk for b in booking_list_on(day=TOMORROW)] == [late.pk]
        assert list(booking_list_on(day=date.max)) == []
