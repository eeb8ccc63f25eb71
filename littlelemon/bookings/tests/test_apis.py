"""The bookings and tables API: bodies, statuses, what a hostile client can send, query counts."""

from datetime import UTC, datetime, timedelta

import pytest

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking, Table
from littlelemon.events.models import OutboxEvent

from .clock import NOW, TODAY, TOMORROW, iso, local
from .factories import BookingFactory, TableFactory

pytestmark = pytest.mark.django_db

AVAILABILITY = "/api/v1/bookings/availability/"
BOOKINGS = "/api/v1/bookings/"


def nothing_written():
    return Booking.objects.count() == 0 and not OutboxEvent.objects.exists()


class TestAvailability:
    def test_anyone_sees_the_free_start_times_with_the_restaurants_offset(self, api_client, now, lunch_and_dinner):
        TableFactory(seats=2)
        TableFactory(seats=4)
        BookingFactory(table=Table.objects.get(seats=2), start=local(TOMORROW, 13))

        response = api_client.get(AVAILABILITY, {"date": "2026-06-02", "party_size": 2})

        assert response.status_code == 200
        body = response.json()
        assert (body["date"], body["party_size"]) == ("2026-06-02", 2)
        assert body["slots"][:3] == [
            {"start": "2026-06-02T11:30:00-05:00", "tables_free": 2},
            {"start": "2026-06-02T11:45:00-05:00", "tables_free": 1},
            {"start": "2026-06-02T12:00:00-05:00", "tables_free": 1},
        ]
        assert body["slots"][-1] == {"start": "2026-06-02T20:30:00-05:00", "tables_free": 2}
        assert len(body["slots"]) == 7 + 15

    @pytest.mark.parametrize(
        ("day", "frozen", "before", "after"),
        [
            ("2026-03-08", datetime(2026, 3, 1, tzinfo=UTC), "2026-03-08T01:45:00-06:00", "2026-03-08T03:00:00-05:00"),
            (
                "2026-11-01",
                datetime(2026, 10, 25, tzinfo=UTC),
                "2026-11-01T01:45:00-05:00",
                "2026-11-01T01:00:00-06:00",
            ),
        ],
    )
    def test_offsets_change_across_daylight_saving(self, api_client, freeze, day, frozen, before, after):
        freeze(frozen)
        TableFactory()

        starts = [
            slot["start"] for slot in api_client.get(AVAILABILITY, {"date": day, "party_size": 2}).json()["slots"]
        ]

        assert starts[starts.index(before) + 1] == after
        assert starts[0] == f"{day}T00:00:00{before[-6:] if day.endswith('08') else '-05:00'}"

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"party_size": 2}, "date"),
            ({"date": "2026-06-02"}, "party_size"),
            ({"date": "2026-02-30", "party_size": 2}, "date"),
            ({"date": "tomorrow", "party_size": 2}, "date"),
            ({"date": "2026-06-02T19:00", "party_size": 2}, "date"),
            ({"date": "", "party_size": 2}, "date"),
            ({"date": "99999-01-01", "party_size": 2}, "date"),
            ({"date": "2026-06-02", "party_size": "two"}, "party_size"),
            ({"date": "2026-06-02", "party_size": 0}, "party_size"),
            ({"date": "2026-06-02", "party_size": -1}, "party_size"),
            ({"date": "2026-06-02", "party_size": "1.5"}, "party_size"),
            ({"date": "2026-06-02", "party_size": "9" * 2000}, "party_size"),
        ],
    )
    def test_bad_queries_are_400s_naming_the_field(self, api_client, now, query, field):
        response = api_client.get(AVAILABILITY, query)

        assert response.status_code == 400
        assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])

    @pytest.mark.parametrize("party_size", [13, 10**9, 10**30])
    def test_a_party_above_the_maximum_is_a_400_naming_it(self, api_client, now, party_size):
        response = api_client.get(AVAILABILITY, {"date": "2026-06-02", "party_size": party_size})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "We take bookings for up to 12 people online; please call us for a larger party.",
            "code": "party_too_large",
            "fields": {
                "party_size": ["We take bookings for up to 12 people online; please call us for a larger party."]
            },
            "max_party_size": 12,
            "request_id": response["X-Request-ID"],
        }

    @pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-05-31", "2026-08-01"])
    def test_dates_outside_the_booking_window_have_no_slots(self, api_client, now, day):
        TableFactory()

        response = api_client.get(AVAILABILITY, {"date": day, "party_size": 2})

        assert (response.status_code, response.json()["slots"]) == (200, [])

    @pytest.mark.parametrize("size", [2, 40])
    def test_query_count_is_fixed(self, api_client, now, lunch_and_dinner, django_assert_num_queries, size):
        for n in range(size):
            BookingFactory(table=TableFactory(seats=2 + n % 5), start=local(TOMORROW, 17 + n % 4))

        with django_assert_num_queries(6):  # the version stamps; settings, hours, closures, tables, bookings
            response = api_client.get(AVAILABILITY, {"date": "2026-06-02", "party_size": 2})
        with django_assert_num_queries(1):  # the same minute, nothing changed: the stamps; a 304
            again = api_client.get(
                AVAILABILITY, {"date": "2026-06-02", "party_size": 2}, HTTP_IF_NONE_MATCH=response["ETag"]
            )

        assert response.status_code == 200
        assert response.json()["slots"]
        assert (again.status_code, again.content) == (304, b"")


class TestCreate:
    def test_a_customer_books_and_gets_the_booking_back(self, client_as, customer, now, lunch_and_dinner):
        TableFactory(label="Six", seats=6)
        four = TableFactory(label="Four", seats=4)

        response = client_as(customer).post(
            BOOKINGS, {"start": "2026-06-02T19:00:00-05:00", "party_size": 3, "notes": "By the window"}
        )

        assert response.status_code == 201, response.json()
        booking = Booking.objects.get()
        assert response.json() == {
            "id": booking.pk,
            "status": "confirmed",
            "start": "2026-06-02T19:00:00-05:00",
            "end": "2026-06-02T20:30:00-05:00",
            "party_size": 3,
            "table": {"id": four.pk, "label": "Four", "seats": 4},
            "notes": "By the window",
            "customer": customer.pk,
            "name": customer.get_full_name(),
            "guest_name": "",
            "guest_phone": "",
            "created": NOW.isoformat(),
            "updated": NOW.isoformat(),
        }

    def test_a_start_in_another_offset_means_the_same_instant(self, client_as, customer, now, lunch_and_dinner):
        TableFactory()

        response = client_as(customer).post(BOOKINGS, {"start": "2026-06-03T00:00:00Z", "party_size": 2})

        assert response.status_code == 201, response.json()
        assert response.json()["start"] == "2026-06-02T19:00:00-05:00"

    def test_a_booking_across_the_autumn_change_ends_in_standard_time(self, client_as, customer, freeze):
        freeze(datetime(2026, 10, 25, tzinfo=UTC))
        TableFactory()

        response = client_as(customer).post(BOOKINGS, {"start": "2026-11-01T01:00:00-05:00", "party_size": 2})

        assert response.status_code == 201, response.json()
        assert (response.json()["start"], response.json()["end"]) == (
            "2026-11-01T01:00:00-05:00",
            "2026-11-01T01:30:00-06:00",
        )

    @pytest.mark.parametrize(
        ("payload", "field", "code"),
        [
            ({"start": "2026-06-02T19:00:00", "party_size": 2}, "start", "invalid"),
            ({"start": "2026-06-02 19:00", "party_size": 2}, "start", "invalid"),
            ({"start": "tomorrow at 7", "party_size": 2}, "start", "invalid"),
            ({"start": "2026-06-02T19:00:00+25:00", "party_size": 2}, "start", "invalid"),
            ({"start": "9999-12-31T23:59:59-12:00", "party_size": 2}, "start", "invalid"),
            ({"start": "0001-01-01T00:00:00+14:00", "party_size": 2}, "start", "invalid"),
            ({"start": 1780444800, "party_size": 2}, "start", "invalid"),
            ({"start": None, "party_size": 2}, "start", "invalid"),
            ({"party_size": 2}, "start", "invalid"),
            ({"start": "2026-06-02T19:05:00-05:00", "party_size": 2}, "start", "off_grid"),
            ({"start": "2026-06-02T21:00:00-05:00", "party_size": 2}, "start", "outside_opening_hours"),
            ({"start": "2026-06-01T09:30:00-05:00", "party_size": 2}, "start", "too_soon"),
            ({"start": "2026-09-01T19:00:00-05:00", "party_size": 2}, "start", "too_far_ahead"),
            ({"start": "9999-12-31T12:00:00-05:00", "party_size": 2}, "start", "too_far_ahead"),
            ({"start": "2026-06-02T19:00:00-05:00"}, "party_size", "invalid"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": 0}, "party_size", "invalid"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": -1}, "party_size", "invalid"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": "two"}, "party_size", "invalid"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": 2.5}, "party_size", "invalid"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": True}, "party_size", "invalid"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": 13}, "party_size", "party_too_large"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": 10**9}, "party_size", "party_too_large"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": 2, "notes": "x" * 501}, "notes", "invalid"),
            ({"start": "2026-06-02T19:00:00-05:00", "party_size": 2, "notes": ["x"]}, "notes", "invalid"),
        ],
    )
    def test_bad_requests_are_400s_that_write_nothing(
        self, client_as, customer, now, lunch_and_dinner, payload, field, code
    ):
        TableFactory()

        response = client_as(customer).post(BOOKINGS, payload)

        assert response.status_code == 400, response.json()
        assert (response.json()["code"], list(response.json()["fields"])) == (code, [field])
        assert nothing_written()

    def test_a_body_that_is_not_an_object_is_a_400(self, client_as, customer, now):
        response = client_as(customer).post(BOOKINGS, [1, 2], format="json")

        assert response.status_code == 400
        assert nothing_written()

    @pytest.mark.parametrize("field", ["table", "guest_name", "guest_phone"])
    def test_a_customer_choosing_a_table_or_naming_a_guest_is_refused(
        self, client_as, customer, now, lunch_and_dinner, field
    ):
        table = TableFactory()
        value = {"table": table.pk, "guest_name": "Somebody", "guest_phone": "555 0100"}[field]

        response = client_as(customer).post(BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": 2, field: value})

        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert nothing_written()

    def test_a_customer_cannot_book_for_someone_else_or_preset_the_status(
        self, client_as, customer, other_customer, now, lunch_and_dinner
    ):
        TableFactory()

        response = client_as(customer).post(
            BOOKINGS,
            {"start": iso(TOMORROW, 19), "party_size": 2, "customer": other_customer.pk, "status": "seated", "id": 999},
        )

        assert response.status_code == 201
        booking = Booking.objects.get()
        assert (booking.customer, booking.status, response.json()["customer"]) == (
            customer,
            BookingStatus.CONFIRMED,
            customer.pk,
        )
        assert booking.pk != 999 or response.json()["id"] == booking.pk

    def test_a_manager_books_a_guest_at_a_chosen_table(self, client_as, manager, now, lunch_and_dinner):
        TableFactory(seats=2)
        six = TableFactory(seats=6, label="T6")

        response = client_as(manager).post(
            BOOKINGS,
            {
                "start": iso(TODAY, 12),
                "party_size": 2,
                "guest_name": "Maria Lopez",
                "guest_phone": "+1 (312) 555-0142",
                "table": six.pk,
            },
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["customer"], body["name"], body["guest_phone"], body["table"]) == (
            None,
            "Maria Lopez",
            "+1 (312) 555-0142",
            {"id": six.pk, "label": "T6", "seats": 6},
        )

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"table": 10**6}, "table"),
            ({"table": 10**30}, "table"),
            ({"table": "abc"}, "table"),
            ({"table": [1]}, "table"),
            ({"guest_phone": "call me"}, "guest_phone"),
            ({"guest_name": "x" * 121}, "guest_name"),
        ],
    )
    def test_a_managers_bad_table_or_guest_details_are_400s(
        self, client_as, manager, now, lunch_and_dinner, extra, field
    ):
        TableFactory()

        response = client_as(manager).post(
            BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": 2, "guest_name": "G", **extra}
        )

        assert response.status_code == 400, response.json()
        assert list(response.json()["fields"]) == [field]
        assert nothing_written()

    @pytest.mark.parametrize("party_size", [51, 10**30])
    def test_a_party_no_table_can_seat_is_a_400_even_for_a_manager(
        self, client_as, manager, now, lunch_and_dinner, party_size
    ):
        """Regression (attack inputs): a manager's party of 10**30 was a 409 naming the number."""
        TableFactory(seats=50)

        response = client_as(manager).post(BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": party_size})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "No table seats more than 50: a larger party cannot be booked at one table.",
            "code": "party_too_large",
            "fields": {"party_size": ["No table seats more than 50: a larger party cannot be booked at one table."]},
            "max_party_size": 50,
            "request_id": response["X-Request-ID"],
        }
        assert nothing_written()

    def test_a_managers_change_to_a_party_no_table_can_seat_is_a_400(self, client_as, manager, now, lunch_and_dinner):
        booking = BookingFactory(table=TableFactory(seats=50), start=local(TOMORROW, 19))

        response = client_as(manager).patch(f"{BOOKINGS}{booking.pk}/", {"party_size": 10**30})

        assert (response.status_code, response.json()["code"]) == (400, "party_too_large")
        booking.refresh_from_db()
        assert booking.party_size == 2

    @pytest.mark.parametrize("offset", [0.5, "0.5"])
    def test_a_fractional_table_id_is_refused_not_rounded(self, client_as, manager, now, lunch_and_dinner, offset):
        """Regression (attack inputs): 1.5 was read as table 1."""
        table = TableFactory()
        value = table.pk + 0.5 if offset == 0.5 else f"{table.pk}.5"

        response = client_as(manager).post(
            BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": 2, "guest_name": "G", "table": value}, format="json"
        )

        assert response.status_code == 400
        assert response.json()["fields"] == {"table": ["A table id (integer) is required."]}
        assert nothing_written()

    def test_no_free_table_is_a_409_that_writes_nothing(self, client_as, customer, now, lunch_and_dinner):
        BookingFactory(table=TableFactory(), start=local(TOMORROW, 18, 30))
        before = Booking.objects.count()

        response = client_as(customer).post(BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": 2})

        assert response.status_code == 409
        assert response.json() == {
            "detail": "No table for 2 is free at 19:00 on 2026-06-02; the availability lists the free times.",
            "code": "table_unavailable",
            "fields": {
                "start": ["No table for 2 is free at 19:00 on 2026-06-02; the availability lists the free times."]
            },
            "request_id": response["X-Request-ID"],
        }
        assert Booking.objects.count() == before
        assert not OutboxEvent.objects.exists()


class TestList:
    def test_customers_see_their_own_bookings_in_time_order(self, client_as, customer, other_customer, now):
        later = BookingFactory(customer=customer, start=local(TOMORROW, 20))
        sooner = BookingFactory(customer=customer, start=local(TOMORROW, 12))
        BookingFactory(customer=other_customer)

        body = client_as(customer).get(BOOKINGS).json()

        assert body["count"] == 2
        assert [b["id"] for b in body["results"]] == [sooner.pk, later.pk]

    def test_managers_list_a_day_by_table(self, client_as, manager, now):
        a, b = TableFactory(label="A"), TableFactory(label="B")
        b_early = BookingFactory(table=b, start=local(TOMORROW, 12))
        a_late = BookingFactory(table=a, start=local(TOMORROW, 20))
        a_early = BookingFactory(table=a, start=local(TOMORROW, 11, 30), status=BookingStatus.SEATED)
        BookingFactory(table=a, start=local(TOMORROW + timedelta(days=1), 12))  # another day
        BookingFactory(table=a, start=local(TOMORROW, 0) - timedelta(minutes=30))  # 23:30 the day before

        response = client_as(manager).get(BOOKINGS, {"date": "2026-06-02", "ordering": "table"})

        assert [b["id"] for b in response.json()["results"]] == [a_early.pk, a_late.pk, b_early.pk]
        seated = client_as(manager).get(BOOKINGS, {"date": "2026-06-02", "status": "seated"}).json()["results"]
        assert [b["id"] for b in seated] == [a_early.pk]
        on_b = client_as(manager).get(BOOKINGS, {"table": b.pk}).json()["results"]
        assert [b["id"] for b in on_b] == [b_early.pk]

    @pytest.mark.parametrize(
        "query",
        [
            {"date": "June"},
            {"date": "2026-13-01"},
            {"status": "lost"},
            {"table": "abc"},
            {"table": 0},
            {"table": 10**30},
            {"ordering": "x"},
        ],
    )
    def test_bad_filters_are_400s(self, client_as, manager, query):
        response = client_as(manager).get(BOOKINGS, query)

        assert response.status_code == 400
        assert response.json()["code"] == "invalid"

    @pytest.mark.parametrize("query", [{"table": 2**63 - 1}, {"date": "9999-12-31"}, {"date": "0001-01-01"}])
    def test_extreme_filters_find_nothing(self, client_as, manager, query):
        BookingFactory()

        response = client_as(manager).get(BOOKINGS, query)

        assert (response.status_code, response.json()["count"]) == (200, 0)

    @pytest.mark.parametrize("role", ["customer", "manager"])
    @pytest.mark.parametrize("size", [2, 40])
    def test_query_count_is_fixed(self, client_as, request, django_assert_num_queries, role, size):
        user = request.getfixturevalue(role)
        for n in range(size):
            BookingFactory(customer=user, start=local(TOMORROW, 11) + timedelta(minutes=15 * n))

        client = client_as(user)
        # the user, their roles, the stamps, the count, the page (tables and customers joined)
        with django_assert_num_queries(5):
            response = client.get(BOOKINGS, {"page_size": 100})
        with django_assert_num_queries(2):  # the user and the stamps: unchanged, a 304
            again = client.get(BOOKINGS, {"page_size": 100}, HTTP_IF_NONE_MATCH=response["ETag"])

        assert response.json()["count"] == size
        assert (again.status_code, again.content) == (304, b"")


class TestOneBooking:
    def test_another_customers_booking_is_a_404_whatever_the_method(self, client_as, customer, other_customer, now):
        booking = BookingFactory(customer=other_customer)
        client = client_as(customer)
        path = f"{BOOKINGS}{booking.pk}/"

        responses = [client.get(path), client.patch(path, {"notes": "mine"}), client.delete(path)]

        assert [r.status_code for r in responses] == [404, 404, 404]
        booking.refresh_from_db()
        assert (booking.notes, booking.status) == ("", BookingStatus.CONFIRMED)

    @pytest.mark.parametrize("pk", ["999999", "abc", str(10**30), "-1"])
    def test_unknown_ids_are_404s(self, client_as, manager, pk):
        response = client_as(manager).get(f"{BOOKINGS}{pk}/")

        assert (response.status_code, response.json()["code"]) == (404, "not_found")

    def test_a_customer_changes_their_booking(self, client_as, customer, now, lunch_and_dinner):
        TableFactory()
        booking = BookingFactory(customer=customer, table=Table.objects.get())

        response = client_as(customer).patch(
            f"{BOOKINGS}{booking.pk}/", {"start": iso(TOMORROW, 12), "party_size": 3, "notes": "Lunch instead"}
        )

        assert response.status_code == 200, response.json()
        assert (response.json()["start"], response.json()["end"], response.json()["party_size"]) == (
            "2026-06-02T12:00:00-05:00",
            "2026-06-02T13:30:00-05:00",
            3,
        )
        booking.refresh_from_db()
        assert (booking.start, booking.party_size, booking.notes) == (local(TOMORROW, 12), 3, "Lunch instead")

    def test_changes_after_the_cut_off_or_to_a_cancelled_booking_are_409s(self, client_as, customer, freeze):
        soon = BookingFactory(customer=customer, start=NOW + timedelta(hours=1))
        cancelled = BookingFactory(customer=customer, status=BookingStatus.CANCELLED)
        freeze(NOW)
        client = client_as(customer)

        late = client.patch(f"{BOOKINGS}{soon.pk}/", {"notes": "x"})
        gone = client.patch(f"{BOOKINGS}{cancelled.pk}/", {"notes": "x"})
        late_cancel = client.delete(f"{BOOKINGS}{soon.pk}/")

        assert [(r.status_code, r.json()["code"]) for r in (late, gone, late_cancel)] == [
            (409, "too_late"),
            (409, "booking_not_editable"),
            (409, "too_late"),
        ]
        assert set(Booking.objects.values_list("notes", "status")) == {("", "confirmed"), ("", "cancelled")}

    def test_put_is_not_offered(self, client_as, customer):
        booking = BookingFactory(customer=customer)

        assert client_as(customer).put(f"{BOOKINGS}{booking.pk}/", {"notes": "x"}).status_code == 405

    def test_cancel_keeps_the_booking(self, client_as, customer, now):
        booking = BookingFactory(customer=customer)
        client = client_as(customer)

        response = client.delete(f"{BOOKINGS}{booking.pk}/")

        assert (response.status_code, response.content) == (204, b"")
        assert client.get(f"{BOOKINGS}{booking.pk}/").json()["status"] == "cancelled"
        again = client.delete(f"{BOOKINGS}{booking.pk}/")
        assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
        assert OutboxEvent.objects.filter(type="booking.cancelled").count() == 1


class TestStatus:
    def test_a_manager_seats_then_completes(self, client_as, manager, now):
        booking = BookingFactory(start=NOW + timedelta(minutes=30))  # seating opens 30 minutes early
        client = client_as(manager)
        path = f"{BOOKINGS}{booking.pk}/status/"

        seated = client.post(path, {"status": "seated"})
        completed = client.post(path, {"status": "completed"})

        assert (seated.status_code, seated.json()["status"]) == (200, "seated")
        assert (completed.status_code, completed.json()["status"]) == (200, "completed")
        assert list(OutboxEvent.objects.values_list("type", flat=True)) == ["booking.seated", "booking.completed"]

    def test_an_illegal_transition_is_a_409_naming_the_statuses(self, client_as, manager, now):
        booking = BookingFactory(status=BookingStatus.SEATED)

        response = client_as(manager).post(f"{BOOKINGS}{booking.pk}/status/", {"status": "no_show"})

        assert response.status_code == 409
        assert response.json() == {
            "detail": "This booking is seated: it can only become completed.",
            "code": "invalid_transition",
            "fields": {"status": ["This booking is seated: it can only become completed."]},
            "current_status": "seated",
            "allowed_statuses": ["completed"],
            "request_id": response["X-Request-ID"],
        }

    @pytest.mark.parametrize("payload", [{"status": "confirmed"}, {"status": "lost"}, {}, {"status": ["seated"]}])
    def test_bad_statuses_are_400s(self, client_as, manager, payload):
        booking = BookingFactory()

        response = client_as(manager).post(f"{BOOKINGS}{booking.pk}/status/", payload)

        assert (response.status_code, list(response.json()["fields"])) == (400, ["status"])
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED

    def test_a_no_show_before_the_start_is_a_409(self, client_as, manager, now):
        booking = BookingFactory()

        response = client_as(manager).post(f"{BOOKINGS}{booking.pk}/status/", {"status": "no_show"})

        assert (response.status_code, response.json()["code"]) == (409, "too_early")


class TestTables:
    def test_a_manager_creates_a_table(self, client_as, manager):
        response = client_as(manager).post("/api/v1/tables/", {"label": " W9 ", "seats": 2, "area": "Window"})

        assert response.status_code == 201
        table = Table.objects.get()
        assert response.json() == {"id": table.pk, "label": "W9", "seats": 2, "area": "Window", "active": True}

    @pytest.mark.parametrize(
        ("payload", "field", "code"),
        [
            ({"label": "w1", "seats": 2}, "label", "label_taken"),
            ({"label": "", "seats": 2}, "label", "invalid"),
            ({"label": "X" * 21, "seats": 2}, "label", "invalid"),
            ({"label": "N", "seats": 0}, "seats", "invalid"),
            ({"label": "N", "seats": 51}, "seats", "invalid"),
            ({"label": "N", "seats": "many"}, "seats", "invalid"),
            ({"label": "N"}, "seats", "invalid"),
        ],
    )
    def test_invalid_tables_are_400s(self, client_as, manager, payload, field, code):
        TableFactory(label="W1")

        response = client_as(manager).post("/api/v1/tables/", payload)

        assert response.status_code == 400
        assert (response.json()["code"], list(response.json()["fields"])) == (code, [field])
        assert Table.objects.count() == 1

    def test_a_table_with_upcoming_bookings_cannot_be_taken_out_of_service(self, client_as, manager, now):
        booking = BookingFactory()

        response = client_as(manager).patch(f"/api/v1/tables/{booking.table_id}/", {"active": False})

        assert (response.status_code, response.json()["code"], response.json()["bookings"]) == (
            409,
            "table_in_use",
            [booking.pk],
        )
        assert Table.objects.get().active

    def test_fewer_seats_than_an_upcoming_party_is_a_409_naming_the_booking(self, client_as, manager, now):
        booking = BookingFactory(party_size=4, customer=None, guest_name="Ana Lima", table=TableFactory(label="M4"))

        response = client_as(manager).patch(f"/api/v1/tables/{booking.table_id}/", {"seats": 3, "area": "Patio"})

        body = response.json()
        assert (response.status_code, body["code"], body["bookings"]) == (409, "table_in_use", [booking.pk])
        assert body["fields"] == {
            "seats": [
                f"Table M4 has upcoming booking(s) that would lose their table: #{booking.pk} Ana Lima, 4 at 19:00 "
                "on 2026-06-02. Move or cancel them before you reduce it to 3 seats."
            ]
        }
        assert Table.objects.values_list("seats", "area").get() == (4, "Main room")

    def test_an_area_name_too_long_is_a_400(self, client_as, manager):
        table = TableFactory(area="Main room")

        response = client_as(manager).patch(f"/api/v1/tables/{table.pk}/", {"area": "x" * 61})

        assert (response.status_code, list(response.json()["fields"])) == (400, ["area"])
        assert Table.objects.get().area == "Main room"

    def test_a_table_with_history_is_not_deleted(self, client_as, manager):
        booking = BookingFactory(status=BookingStatus.COMPLETED)

        response = client_as(manager).delete(f"/api/v1/tables/{booking.table_id}/")

        assert (response.status_code, response.json()["code"]) == (409, "table_in_use")
        assert Table.objects.filter(pk=booking.table_id).exists()
