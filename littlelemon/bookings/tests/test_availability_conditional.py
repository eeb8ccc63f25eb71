"""The public availability is a public conditional GET computed for a whole minute: its ETag is
built from the `bookings` and `restaurant` stamps and that minute, its bytes may be kept in
Django's cache under that ETag, and it is never stale: every write that changes the answer (a
booking, the hours, a closure, the settings, a table) and the clock's next whole minute give a
new ETag and a new answer. Managers (who also see the slot under way) get a private answer."""

from datetime import timedelta

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.api.tests.conditional import PRIVATE, PUBLIC, assert_not_modified
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking, Table
from littlelemon.restaurant.models import Closure, OpeningHours, RestaurantSettings

from .clock import TODAY, TOMORROW, iso, local
from .factories import TableFactory

pytestmark = pytest.mark.django_db

AVAILABILITY = "/api/v1/bookings/availability/"
BOOKINGS = "/api/v1/bookings/"
TUESDAY = {"date": "2026-06-02", "party_size": 2}
MONDAY = {"date": "2026-06-01", "party_size": 2}


def slots(response) -> dict[str, int]:
    assert response.status_code == 200, response.content
    return {slot["start"]: slot["tables_free"] for slot in response.json()["slots"]}


def starts(day, times) -> list[str]:
    return [iso(day, hour, minute) for hour, minute in times]


def grid(day, first: tuple[int, int], last: tuple[int, int], step: int = 15) -> list[str]:
    moment, end = local(day, *first), local(day, *last)
    out = []
    while moment <= end:
        out.append(moment.isoformat())
        moment += timedelta(minutes=step)
    return out


def rules() -> tuple:
    """Tuesday's opening ranges, its closures' reasons, the slot grid and the duration, as stored."""
    settings = RestaurantSettings.objects.get()
    return (
        [
            (f"{o:%H:%M}", f"{c:%H:%M}")
            for o, c in OpeningHours.objects.filter(weekday=1).values_list("opens", "closes")
        ],
        list(Closure.objects.filter(date=TOMORROW).values_list("reason", flat=True)),
        settings.booking_slot_minutes,
        settings.booking_duration_minutes,
    )


@pytest.fixture
def cached(api_client, django_assert_num_queries):
    """`cached(query)`: an anonymous GET, then the same again, which reads only the stamps (its
    bytes come from Django's cache), then the same with its ETag: a 304 for the same one query.
    Returns the first response."""

    def get(query):
        first = api_client.get(AVAILABILITY, query)
        with django_assert_num_queries(1):
            again = api_client.get(AVAILABILITY, query)
        with django_assert_num_queries(1):
            not_modified = api_client.get(AVAILABILITY, query, HTTP_IF_NONE_MATCH=first["ETag"])
        assert first.status_code == again.status_code == 200
        assert (again.content, again["ETag"]) == (first.content, first["ETag"])
        assert_not_modified(not_modified, first["ETag"], PUBLIC)
        return first

    return get


class TestWritesAreSeenAtOnce:
    def test_a_booking_lowers_the_count_then_the_last_table_taken_removes_the_slot(
        self, api_client, client_as, cached, now, lunch_and_dinner
    ):
        TableFactory(seats=2)
        TableFactory(seats=4)
        first = slots(cached(TUESDAY))
        assert first[iso(TOMORROW, 19)] == 2
        assert set(first.values()) == {2}

        one = client_as(UserFactory()).post(BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": 2})
        assert one.status_code == 201, one.json()
        second = slots(api_client.get(AVAILABILITY, TUESDAY))

        assert second[iso(TOMORROW, 19)] == 1
        assert {start for start, free in second.items() if free == 1} == set(grid(TOMORROW, (17, 45), (20, 15)))
        two = client_as(UserFactory()).post(BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": 2})
        assert two.status_code == 201, two.json()
        third = slots(api_client.get(AVAILABILITY, TUESDAY))

        assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2
        assert set(Booking.objects.values_list("table__seats", flat=True)) == {2, 4}
        assert iso(TOMORROW, 19) not in third
        assert not set(grid(TOMORROW, (17, 45), (20, 15))) & set(third)
        assert third[iso(TOMORROW, 17, 30)] == third[iso(TOMORROW, 20, 30)] == 2

        cancelled = client_as(Booking.objects.get(pk=one.json()["id"]).customer).delete(
            f"{BOOKINGS}{one.json()['id']}/"
        )
        assert cancelled.status_code == 204
        assert Booking.objects.get(pk=one.json()["id"]).status == BookingStatus.CANCELLED
        assert slots(api_client.get(AVAILABILITY, TUESDAY))[iso(TOMORROW, 19)] == 1

    @pytest.mark.parametrize(
        ("change", "expected", "stored"),
        [
            (
                lambda client: client.patch(
                    f"/api/v1/opening-hours/{OpeningHours.objects.get(weekday=1, opens='17:00').pk}/",
                    {"closes": "21:00"},
                ),
                grid(TOMORROW, (11, 30), (13, 0)) + grid(TOMORROW, (17, 0), (19, 30)),
                ([("11:30", "14:30"), ("17:00", "21:00")], [], 15, 90),
            ),
            (
                lambda client: client.delete(
                    f"/api/v1/opening-hours/{OpeningHours.objects.get(weekday=1, opens='11:30').pk}/"
                ),
                grid(TOMORROW, (17, 0), (20, 30)),
                ([("17:00", "22:00")], [], 15, 90),
            ),
            (
                lambda client: client.post("/api/v1/closures/", {"date": "2026-06-02", "reason": "Private party"}),
                [],
                ([("11:30", "14:30"), ("17:00", "22:00")], ["Private party"], 15, 90),
            ),
            (
                lambda client: client.patch("/api/v1/settings/", {"booking_slot_minutes": 30}),
                grid(TOMORROW, (11, 30), (13, 0), 30) + grid(TOMORROW, (17, 0), (20, 30), 30),
                ([("11:30", "14:30"), ("17:00", "22:00")], [], 30, 90),
            ),
            (
                lambda client: client.patch("/api/v1/settings/", {"booking_duration_minutes": 120}),
                grid(TOMORROW, (11, 30), (12, 30)) + grid(TOMORROW, (17, 0), (20, 0)),
                ([("11:30", "14:30"), ("17:00", "22:00")], [], 15, 120),
            ),
        ],
        ids=["hours-shortened", "hours-removed", "closure", "slot-grid", "duration"],
    )
    def test_a_change_to_the_restaurants_rules_changes_the_answer(
        self, api_client, client_as, manager, cached, now, lunch_and_dinner, change, expected, stored
    ):
        TableFactory()
        assert rules() == ([("11:30", "14:30"), ("17:00", "22:00")], [], 15, 90)
        before = cached(TUESDAY)
        assert list(slots(before)) == grid(TOMORROW, (11, 30), (13, 0)) + grid(TOMORROW, (17, 0), (20, 30))

        response = change(client_as(manager))
        assert response.status_code in (200, 201, 204), response.content
        after = api_client.get(AVAILABILITY, TUESDAY)

        assert list(slots(after)) == expected
        assert set(slots(after).values()) <= {1}
        assert after["ETag"] != before["ETag"]
        assert rules() == stored  # the change is in the database

    def test_a_closure_written_outside_the_api_is_seen_too(self, api_client, cached, now, lunch_and_dinner):
        TableFactory()
        assert slots(cached(TUESDAY))

        Closure.objects.create(date=TOMORROW, reason="Flood")

        assert slots(api_client.get(AVAILABILITY, TUESDAY)) == {}

    def test_a_table_taken_out_of_service_is_no_longer_counted(
        self, api_client, client_as, manager, cached, now, lunch_and_dinner
    ):
        TableFactory(seats=2)
        four = TableFactory(seats=4)
        assert set(slots(cached(TUESDAY)).values()) == {2}

        response = client_as(manager).patch(f"/api/v1/tables/{four.pk}/", {"active": False})
        assert response.status_code == 200, response.json()
        after = slots(api_client.get(AVAILABILITY, TUESDAY))

        assert Table.objects.get(pk=four.pk).active is False
        assert list(after) == grid(TOMORROW, (11, 30), (13, 0)) + grid(TOMORROW, (17, 0), (20, 30))
        assert set(after.values()) == {1}
        assert slots(api_client.get(AVAILABILITY, {"date": "2026-06-02", "party_size": 3})) == {}


class TestTheClock:
    def test_the_answer_holds_for_its_minute_and_the_next_minute_closes_the_earliest_slot(
        self, api_client, freeze, lunch_and_dinner, django_assert_num_queries
    ):
        TableFactory()
        freeze(local(TODAY, 10, 29) + timedelta(microseconds=1))  # rounded up to 10:30: 11:30 is an hour away
        with django_assert_num_queries(6):
            first = api_client.get(AVAILABILITY, MONDAY)
        assert list(slots(first)) == grid(TODAY, (11, 30), (13, 0)) + grid(TODAY, (17, 0), (20, 30))

        freeze(local(TODAY, 10, 30))  # the same minute, to the microsecond
        with django_assert_num_queries(1):
            same = api_client.get(AVAILABILITY, MONDAY)
        assert same.content == first.content
        assert same["ETag"] == first["ETag"]

        freeze(local(TODAY, 10, 30) + timedelta(microseconds=1))  # 10:31: 11:30 is now under the lead time
        with django_assert_num_queries(6):  # the stamps; a new minute, a new ETag: the five reads
            later = api_client.get(AVAILABILITY, MONDAY)
        assert list(slots(later)) == grid(TODAY, (11, 45), (13, 0)) + grid(TODAY, (17, 0), (20, 30))

        freeze(
            local(
                TODAY,
                10,
                30,
            )
            + timedelta(seconds=59)
        )
        with django_assert_num_queries(1):
            assert api_client.get(AVAILABILITY, MONDAY).content == later.content
        assert not Booking.objects.exists()

    def test_a_slot_offered_is_one_a_booking_is_accepted_for(self, api_client, client_as, freeze, lunch_and_dinner):
        TableFactory()
        freeze(local(TODAY, 10, 29) + timedelta(seconds=59))
        offered = list(slots(api_client.get(AVAILABILITY, MONDAY)))
        assert offered[0] == iso(TODAY, 11, 30)

        freeze(local(TODAY, 10, 30))
        response = client_as(UserFactory()).post(BOOKINGS, {"start": offered[0], "party_size": 2})

        assert response.status_code == 201, response.json()
        assert Booking.objects.get().start == local(TODAY, 11, 30)


class TestManagers:
    @pytest.mark.parametrize("manager_first", [False, True], ids=["visitor-first", "manager-first"])
    def test_a_manager_gets_their_own_answer_and_the_public_keeps_the_public_one(
        self,
        api_client,
        client_as,
        manager,
        customer,
        freeze,
        lunch_and_dinner,
        django_assert_num_queries,
        manager_first,
    ):
        TableFactory()
        freeze(local(TODAY, 12, 5))
        public = grid(TODAY, (17, 0), (20, 30))  # 13:00 is within the hour's lead time
        walk_in = grid(TODAY, (12, 0), (13, 0)) + public  # 12:00 is under way: a walk-in still gets it

        if manager_first:
            assert list(slots(client_as(manager).get(AVAILABILITY, MONDAY))) == walk_in
        visitor = api_client.get(AVAILABILITY, MONDAY)
        assert list(slots(visitor)) == public
        staff = client_as(manager).get(AVAILABILITY, MONDAY)
        again = client_as(manager).get(AVAILABILITY, MONDAY)
        with django_assert_num_queries(1):
            visitor_again = api_client.get(AVAILABILITY, MONDAY)
        signed_in = client_as(customer).get(AVAILABILITY, MONDAY)

        assert list(slots(staff)) == list(slots(again)) == walk_in
        assert staff["Cache-Control"] == PRIVATE
        assert staff["ETag"] == again["ETag"] != visitor["ETag"] == signed_in["ETag"]
        assert client_as(manager).get(AVAILABILITY, MONDAY, HTTP_IF_NONE_MATCH=visitor["ETag"]).status_code == 200
        assert visitor_again.content == visitor.content
        assert signed_in.content == visitor.content
        assert visitor_again["Cache-Control"] == PUBLIC


class TestConditionalRequests:
    def test_public_with_an_etag_and_a_304_for_it_until_the_answer_changes(
        self, api_client, client_as, customer, now, lunch_and_dinner
    ):
        TableFactory()
        first = api_client.get(AVAILABILITY, TUESDAY)
        etag = first["ETag"]

        assert first["Cache-Control"] == PUBLIC
        assert etag.startswith('"') and etag.endswith('"') and len(etag) == 34
        assert slots(first)

        for client in (api_client, client_as(customer)):
            not_modified = client.get(AVAILABILITY, TUESDAY, HTTP_IF_NONE_MATCH=etag)
            assert not_modified.status_code == 304
            assert not_modified.content == b""
            assert not_modified["ETag"] == etag
            assert not_modified["Cache-Control"] == PUBLIC
        weak = api_client.get(AVAILABILITY, TUESDAY, HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
        assert (weak.status_code, weak.content) == (304, b"")

        TableFactory()
        changed = api_client.get(AVAILABILITY, TUESDAY, HTTP_IF_NONE_MATCH=etag)

        assert changed.status_code == 200
        assert changed["ETag"] != etag
        assert set(slots(changed).values()) == {2}
        assert Table.objects.count() == 2
        assert api_client.get(AVAILABILITY, TUESDAY, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304
