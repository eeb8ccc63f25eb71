"""The booking rules, enforced by the services whoever calls them: best fit, every validation,
who may do what, the cut-off, the lifecycle, events, and refusals that leave nothing behind."""

import re
from datetime import datetime, timedelta

import pytest

from littlelemon.bookings import services
from littlelemon.bookings.enums import TRANSITIONS, BookingStatus
from littlelemon.bookings.exceptions import (
    AlreadyBooked,
    BookingNotEditable,
    InvalidTransition,
    LabelTaken,
    OffGrid,
    OutsideOpeningHours,
    PartyTooLarge,
    TableInUse,
    TableNotSuitable,
    TableUnavailable,
    TooEarly,
    TooFarAhead,
    TooLate,
    TooSoon,
)
from littlelemon.bookings.models import Booking, Table
from littlelemon.core.exceptions import InvalidInput, NotFound, PermissionDenied
from littlelemon.events.models import OutboxEvent
from littlelemon.restaurant.tests.factories import ClosureFactory

from .clock import CHICAGO, NOW, TODAY, TOMORROW, local
from .factories import BookingFactory, TableFactory

pytestmark = pytest.mark.django_db


def book(actor, hour=19, minute=0, day=TOMORROW, party_size=2, **kwargs):
    return services.booking_create(
        actor=actor, start=local(day, hour, minute), party_size=party_size, now=kwargs.pop("now", NOW), **kwargs
    )


def events(type_=None):
    found = OutboxEvent.objects.filter(aggregate="booking").order_by("id")
    return list(found.filter(type=type_) if type_ else found)


def snapshot():
    return sorted(Booking.objects.values_list("id", "status", "start", "end", "party_size", "table_id", "notes"))


class TestCreate:
    def test_a_customer_gets_the_smallest_free_table_that_fits_and_an_event(self, customer, lunch_and_dinner):
        TableFactory(label="Big", seats=6)
        four = TableFactory(label="Four", seats=4)
        TableFactory(label="Two", seats=2)

        booking = book(customer, party_size=3, notes="High chair, please")

        booking.refresh_from_db()
        assert (booking.customer, booking.table, booking.party_size, booking.status) == (
            customer,
            four,
            3,
            BookingStatus.CONFIRMED,
        )
        assert (booking.start, booking.end) == (local(TOMORROW, 19), local(TOMORROW, 20, 30))
        assert (booking.guest_name, booking.notes, booking.created_by) == ("", "High chair, please", customer)
        (event,) = events()
        assert (event.type, event.aggregate_id) == ("booking.created", str(booking.pk))
        assert event.payload == {
            "booking": booking.pk,
            "status": "confirmed",
            "customer": customer.pk,
            "guest_name": "",
            "guest_phone": "",
            "table": {"id": four.pk, "label": "Four", "seats": 4, "area": "Main room"},
            "start": "2026-06-02T19:00:00-05:00",
            "end": "2026-06-02T20:30:00-05:00",
            "party_size": 3,
            "notes": "High chair, please",
            "actor": customer.pk,
            "api_key_id": None,
        }

    def test_best_fit_breaks_ties_by_label_and_skips_busy_tables(self, customer, other_customer, lunch_and_dinner):
        b = TableFactory(label="B", seats=4)
        a = TableFactory(label="A", seats=4)
        TableFactory(label="C", seats=2, active=False)

        first = book(customer)
        second = book(other_customer)

        assert (first.table, second.table) == (a, b)

    def test_staff_without_the_manager_role_book_for_themselves(self, kitchen_user, crew_user, lunch_and_dinner):
        TableFactory()
        TableFactory()

        assert book(kitchen_user).customer == kitchen_user
        assert book(crew_user).customer == crew_user

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"party_size": 0}, InvalidInput, "at least 1"),
            ({"party_size": -1}, InvalidInput, "at least 1"),
            ({"party_size": 13}, PartyTooLarge, "up to 12 people"),
            ({"party_size": 10**9}, PartyTooLarge, "up to 12 people"),
            ({"day": TODAY, "hour": 8}, TooSoon, "already passed"),
            ({"day": TODAY, "hour": 9, "minute": 45}, TooSoon, "60 minutes ahead"),
            ({"day": TODAY + timedelta(days=61)}, TooFarAhead, "up to 2026-07-31"),
            ({"hour": 10}, OutsideOpeningHours, "not open at 10:00 on 2026-06-02; opening hours that day: 11:30-14:30"),
            ({"hour": 15}, OutsideOpeningHours, "not open at 15:00"),
            ({"hour": 20, "minute": 45}, OutsideOpeningHours, "closing time (22:00); the last start is 20:30"),
            ({"hour": 13, "minute": 15}, OutsideOpeningHours, "closing time (14:30); the last start is 13:00"),
            ({"hour": 19, "minute": 5}, OffGrid, "every 15 minutes from 17:00: try 19:00 or 19:15"),
            ({"hour": 11, "minute": 40}, OffGrid, "try 11:30 or 11:45"),
        ],
    )
    def test_invalid_requests_are_refused_and_write_nothing(self, customer, lunch_and_dinner, kwargs, error, message):
        TableFactory(seats=4)

        with pytest.raises(error, match=re.escape(message)) as raised:
            book(customer, **kwargs)

        assert raised.value.field in ("start", "party_size")
        assert (Booking.objects.count(), events()) == (0, [])

    def test_a_start_off_the_grid_by_seconds_is_refused(self, customer, lunch_and_dinner):
        TableFactory()

        with pytest.raises(OffGrid):
            services.booking_create(
                actor=customer, start=local(TOMORROW, 19) + timedelta(seconds=30), party_size=2, now=NOW
            )

    def test_a_naive_start_is_refused(self, customer, lunch_and_dinner):
        TableFactory()

        with pytest.raises(InvalidInput, match="UTC offset"):
            services.booking_create(actor=customer, start=datetime(2026, 6, 2, 19), party_size=2, now=NOW)

    def test_a_closed_day_is_refused_with_its_reason(self, customer, lunch_and_dinner):
        TableFactory()
        ClosureFactory(date=TOMORROW, reason="Staff training")

        with pytest.raises(OutsideOpeningHours, match=r"closed on 2026-06-02 \(Staff training\)"):
            book(customer)
        assert Booking.objects.count() == 0

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"table": "table"}, "table"),
            ({"guest_name": "Someone Else"}, "guest_name"),
            ({"guest_phone": "555"}, "guest_name"),
        ],
    )
    def test_a_customer_cannot_choose_a_table_or_book_for_a_guest(self, customer, lunch_and_dinner, kwargs, field):
        table = TableFactory()
        kwargs = {name: table if value == "table" else value for name, value in kwargs.items()}

        with pytest.raises(PermissionDenied) as raised:
            book(customer, **kwargs)

        assert raised.value.field == field
        assert Booking.objects.count() == 0

    def test_a_customer_cannot_hold_two_bookings_at_once(self, customer, lunch_and_dinner):
        TableFactory()
        TableFactory()
        first = book(customer, hour=19)

        with pytest.raises(AlreadyBooked, match=f"#{first.pk}"):
            book(customer, hour=20)
        assert book(customer, hour=20, minute=30).start == local(TOMORROW, 20, 30)  # right after: fine
        assert Booking.objects.count() == 2

    def test_no_free_table_is_a_conflict(self, customer, other_customer, lunch_and_dinner):
        TableFactory(seats=2)
        TableFactory(seats=6)
        BookingFactory(table=Table.objects.get(seats=6), start=local(TOMORROW, 18, 30))

        with pytest.raises(TableUnavailable, match="No table for 3 is free at 19:00 on 2026-06-02"):
            book(customer, party_size=3)
        assert Booking.objects.count() == 1

    def test_a_manager_books_a_guest_at_a_chosen_table(self, manager, lunch_and_dinner):
        TableFactory(seats=2)
        six = TableFactory(seats=6, label="Terrace 6")

        booking = book(manager, party_size=2, guest_name=" Maria Lopez ", guest_phone="+1 312 555 0142", table=six)

        assert (booking.customer, booking.guest_name, booking.guest_phone, booking.table) == (
            None,
            "Maria Lopez",
            "+1 312 555 0142",
            six,
        )
        assert (booking.created_by, booking.name) == (manager, "Maria Lopez")
        assert events()[0].payload["guest_name"] == "Maria Lopez"
        assert events()[0].payload["customer"] is None

    def test_a_managers_table_must_be_in_service_big_enough_and_free(self, manager, lunch_and_dinner):
        inactive = TableFactory(active=False, label="Old")
        small = TableFactory(seats=2, label="Small")
        taken = TableFactory(seats=4, label="Taken")
        BookingFactory(table=taken, start=local(TOMORROW, 18))

        with pytest.raises(TableNotSuitable, match="Old is not in service"):
            book(manager, guest_name="G", table=inactive)
        with pytest.raises(TableNotSuitable, match="Small seats 2; the party is 3"):
            book(manager, guest_name="G", table=small, party_size=3)
        with pytest.raises(TableUnavailable, match="Taken is taken at 19:00"):
            book(manager, guest_name="G", table=taken)
        assert Booking.objects.count() == 1

    def test_a_manager_takes_a_walk_in_now_and_a_party_above_the_online_maximum(self, manager, lunch_and_dinner):
        TableFactory(seats=20)

        walk_in = book(manager, day=TODAY, hour=12, guest_name="Walk-in", now=local(TODAY, 12, 10))
        large = book(manager, party_size=16, guest_name="Office party")

        assert walk_in.start == local(TODAY, 12)
        assert large.party_size == 16
        with pytest.raises(TooSoon):  # the slot before the one under way has gone
            book(manager, day=TODAY, hour=11, minute=45, guest_name="Late", now=local(TODAY, 12, 10))

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2026-03-08T01:00:00-06:00", "2026-03-08T03:30:00-05:00"),  # spring forward: 90 real minutes
            ("2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-06:00"),  # fall back
        ],
    )
    def test_the_duration_is_real_time_across_daylight_saving(self, customer, start, end):
        TableFactory()
        start = datetime.fromisoformat(start)

        booking = services.booking_create(actor=customer, start=start, party_size=2, now=start - timedelta(days=3))

        assert booking.end - booking.start == timedelta(minutes=90)
        assert booking.end.astimezone(CHICAGO).isoformat() == end
        assert events()[0].payload["end"] == end

    def test_a_guest_phone_needs_a_name(self, manager, lunch_and_dinner):
        TableFactory()

        with pytest.raises(InvalidInput, match="guest's name"):
            book(manager, guest_phone="555 0100")


class TestUpdate:
    def test_a_customer_moves_their_booking_and_keeps_the_table(self, customer, lunch_and_dinner):
        TableFactory(label="A")
        booking = book(customer, party_size=2)
        table = booking.table
        TableFactory(label="0-first")  # a better label now exists; the table is kept anyway

        booking = services.booking_update(
            booking=booking, actor=customer, data={"start": local(TOMORROW, 20), "notes": "Late"}, now=NOW
        )

        booking.refresh_from_db()
        assert (booking.start, booking.end, booking.table, booking.notes) == (
            local(TOMORROW, 20),
            local(TOMORROW, 21, 30),
            table,
            "Late",
        )
        event = events("booking.updated")[0]
        assert event.payload["changes"] == {
            "notes": ["", "Late"],
            "start": ["2026-06-02T19:00:00-05:00", "2026-06-02T20:00:00-05:00"],
            "end": ["2026-06-02T20:30:00-05:00", "2026-06-02T21:30:00-05:00"],
        }
        assert event.payload["actor"] == customer.pk

    def test_a_larger_party_moves_to_the_best_fitting_free_table(self, customer, lunch_and_dinner):
        two = TableFactory(seats=2)
        six = TableFactory(seats=6)
        four = TableFactory(seats=4)
        BookingFactory(table=four, start=local(TOMORROW, 18))
        booking = book(customer, party_size=2)
        assert booking.table == two

        booking = services.booking_update(booking=booking, actor=customer, data={"party_size": 4}, now=NOW)

        assert (booking.table, booking.party_size) == (six, 4)
        assert events("booking.updated")[0].payload["changes"]["table"] == [two.label, six.label]

    def test_a_new_time_where_the_table_is_taken_moves_to_another(self, customer, lunch_and_dinner):
        first = TableFactory(label="A")
        second = TableFactory(label="B")
        booking = book(customer)
        assert booking.table == first
        BookingFactory(table=first, start=local(TOMORROW, 12))

        booking = services.booking_update(booking=booking, actor=customer, data={"start": local(TOMORROW, 12)}, now=NOW)

        assert booking.table == second

    def test_a_new_time_is_checked_like_a_new_booking(self, customer, lunch_and_dinner):
        TableFactory()
        booking = book(customer)
        before = snapshot()

        for start, error in [
            (local(TOMORROW, 19, 5), OffGrid),
            (local(TOMORROW, 21), OutsideOpeningHours),
            (local(TODAY, 9, 30), TooSoon),
        ]:
            with pytest.raises(error):
                services.booking_update(booking=booking, actor=customer, data={"start": start}, now=NOW)
        with pytest.raises(PartyTooLarge):
            services.booking_update(booking=booking, actor=customer, data={"party_size": 13}, now=NOW)
        with pytest.raises(TableUnavailable):
            services.booking_update(booking=booking, actor=customer, data={"party_size": 5}, now=NOW)

        assert snapshot() == before
        assert events("booking.updated") == []

    def test_moving_onto_your_other_booking_is_refused(self, customer, lunch_and_dinner):
        TableFactory()
        TableFactory()
        lunch = book(customer, hour=12)
        dinner = book(customer, hour=19)

        with pytest.raises(AlreadyBooked, match=f"#{dinner.pk}"):
            services.booking_update(booking=lunch, actor=customer, data={"start": local(TOMORROW, 18)}, now=NOW)

    def test_the_cut_off_is_inclusive_and_applies_to_every_change(self, customer, lunch_and_dinner):
        TableFactory()
        booking = book(customer)  # 19:00; the cut-off is 120 minutes: changes until 17:00

        services.booking_update(booking=booking, actor=customer, data={"notes": "a"}, now=local(TOMORROW, 17))
        with pytest.raises(TooLate, match="120 minutes before"):
            services.booking_update(
                booking=booking, actor=customer, data={"notes": "b"}, now=local(TOMORROW, 17) + timedelta(seconds=1)
            )
        booking.refresh_from_db()
        assert booking.notes == "a"

    @pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.SEATED, BookingStatus.NO_SHOW])
    def test_a_customer_changes_only_a_confirmed_booking(self, customer, lunch_and_dinner, status):
        booking = BookingFactory(customer=customer, status=status)

        with pytest.raises(BookingNotEditable, match=f"This booking is {status}"):
            services.booking_update(booking=booking, actor=customer, data={"party_size": 3}, now=NOW)
        booking.refresh_from_db()
        assert booking.party_size == 2

    def test_another_customers_booking_is_not_found(self, customer, other_customer, lunch_and_dinner):
        booking = BookingFactory(customer=other_customer)

        with pytest.raises(NotFound):
            services.booking_update(booking=booking, actor=customer, data={"notes": "mine now"}, now=NOW)
        with pytest.raises(NotFound):
            services.booking_cancel(booking=booking, actor=customer, now=NOW)
        booking.refresh_from_db()
        assert (booking.notes, booking.status) == ("", BookingStatus.CONFIRMED)

    @pytest.mark.parametrize("field", ["table", "guest_name", "guest_phone"])
    def test_a_customer_cannot_change_the_table_or_guest_details(self, customer, lunch_and_dinner, field):
        booking = BookingFactory(customer=customer)
        value = TableFactory() if field == "table" else "x"

        with pytest.raises(PermissionDenied):
            services.booking_update(booking=booking, actor=customer, data={field: value}, now=NOW)

    def test_a_manager_moves_any_active_booking_to_a_chosen_table(self, manager, customer, lunch_and_dinner):
        booking = BookingFactory(customer=customer, status=BookingStatus.SEATED, start=local(TODAY, 8, 30))
        bigger = TableFactory(seats=8)

        booking = services.booking_update(
            booking=booking, actor=manager, data={"table": bigger, "party_size": 7}, now=NOW
        )

        assert (booking.table, booking.party_size, booking.status) == (bigger, 7, BookingStatus.SEATED)
        assert events("booking.updated")[0].payload["actor"] == manager.pk

    def test_a_manager_edits_guest_details_of_guest_bookings_only(self, manager, customer, lunch_and_dinner):
        guest = BookingFactory(customer=None, guest_name="Ann")
        registered = BookingFactory(customer=customer, start=local(TOMORROW, 12))

        services.booking_update(booking=guest, actor=manager, data={"guest_phone": "555 0100"}, now=NOW)
        guest.refresh_from_db()
        assert (guest.guest_name, guest.guest_phone) == ("Ann", "555 0100")
        with pytest.raises(InvalidInput, match="guest's name"):
            services.booking_update(booking=guest, actor=manager, data={"guest_name": " "}, now=NOW)
        with pytest.raises(InvalidInput, match="registered customer"):
            services.booking_update(booking=registered, actor=manager, data={"guest_name": "Bob"}, now=NOW)

    @pytest.mark.parametrize("status", [BookingStatus.COMPLETED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW])
    def test_finished_bookings_are_not_editable_even_by_managers(self, manager, status):
        booking = BookingFactory(status=status)

        with pytest.raises(BookingNotEditable):
            services.booking_update(booking=booking, actor=manager, data={"notes": "x"}, now=NOW)

    def test_an_update_that_changes_nothing_records_nothing(self, customer, lunch_and_dinner):
        TableFactory()
        booking = book(customer)

        services.booking_update(
            booking=booking, actor=customer, data={"start": local(TOMORROW, 19), "party_size": 2, "notes": ""}, now=NOW
        )

        assert [e.type for e in events()] == ["booking.created"]


class TestCancel:
    def test_a_customer_cancels_before_the_cut_off_and_the_booking_is_kept(self, customer, lunch_and_dinner):
        TableFactory()
        booking = book(customer)

        services.booking_cancel(booking=booking, actor=customer, now=NOW)

        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        event = events("booking.cancelled")[0]
        assert (event.payload["status"], event.payload["by"], event.payload["actor"]) == (
            "cancelled",
            "customer",
            customer.pk,
        )
        # The table is free again.
        assert book(customer).table == booking.table

    def test_after_the_cut_off_a_customer_must_call(self, customer, manager, lunch_and_dinner):
        TableFactory()
        booking = book(customer)

        with pytest.raises(TooLate):
            services.booking_cancel(booking=booking, actor=customer, now=local(TOMORROW, 17, 1))
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED

        services.booking_cancel(booking=booking, actor=manager, now=local(TOMORROW, 18, 55))
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert events("booking.cancelled")[0].payload["by"] == "restaurant"

    def test_cancelling_twice_names_the_status(self, customer, lunch_and_dinner):
        booking = BookingFactory(customer=customer, status=BookingStatus.CANCELLED)

        with pytest.raises(InvalidTransition, match="This booking is cancelled: that is final") as raised:
            services.booking_cancel(booking=booking, actor=customer, now=NOW)
        assert raised.value.extra == {"current_status": "cancelled", "allowed_statuses": []}
        assert events() == []


TARGETS = [BookingStatus.SEATED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED]


@pytest.mark.parametrize("current", list(BookingStatus))
@pytest.mark.parametrize("target", TARGETS)
def test_the_transitions_table(manager, current, target):
    booking = BookingFactory(status=current, start=NOW - timedelta(minutes=15))

    if target in TRANSITIONS[current]:
        services.booking_status_change(booking=booking, actor=manager, status=target, now=NOW)
        booking.refresh_from_db()
        assert booking.status == target
        (event,) = events()
        assert event.type == f"booking.{target}"
        assert (event.payload["previous_status"], event.payload["status"], event.payload["actor"]) == (
            current,
            target,
            manager.pk,
        )
    else:
        with pytest.raises(InvalidTransition) as raised:
            services.booking_status_change(booking=booking, actor=manager, status=target, now=NOW)
        assert raised.value.extra == {"current_status": current, "allowed_statuses": list(TRANSITIONS[current])}
        assert current in raised.value.message
        booking.refresh_from_db()
        assert (booking.status, events()) == (current, [])


def test_the_allowed_transitions():
    assert {status: set(targets) for status, targets in TRANSITIONS.items() if targets} == {
        "confirmed": {"seated", "cancelled", "no_show"},
        "seated": {"completed"},
    }


def test_a_no_show_only_once_the_booking_has_started(manager):
    booking = BookingFactory(start=NOW + timedelta(minutes=1))

    with pytest.raises(TooEarly):
        services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.NO_SHOW, now=NOW)
    services.booking_status_change(
        booking=booking, actor=manager, status=BookingStatus.SEATED, now=NOW
    )  # an early party is seated
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SEATED


@pytest.mark.parametrize("role", ["customer", "kitchen_user", "crew_user"])
def test_only_managers_change_a_status(request, role):
    user = request.getfixturevalue(role)
    booking = BookingFactory(customer=user)

    with pytest.raises(PermissionDenied):
        services.booking_status_change(booking=booking, actor=user, status=BookingStatus.SEATED, now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_database_guard_turns_into_table_unavailable(customer, lunch_and_dinner, monkeypatch):
    """If the re-check were ever wrong, the database still refuses and the client gets a 409."""
    table = TableFactory()
    existing = BookingFactory(table=table, start=local(TOMORROW, 18, 30))
    monkeypatch.setattr(services, "bookings_overlapping", lambda **kwargs: [])  # the re-check sees nothing

    with pytest.raises(TableUnavailable, match="just taken"):
        book(customer)

    assert list(Booking.objects.values_list("pk", flat=True)) == [existing.pk]
    assert events() == []


class TestTables:
    def test_labels_are_unique_whatever_the_case(self):
        services.table_create(label="T1", seats=4)

        with pytest.raises(LabelTaken, match=re.escape("Another table is labelled 'T1' (labels ignore case).")):
            services.table_create(label=" t1 ", seats=2)
        assert Table.objects.count() == 1

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"label": "  ", "seats": 2}, "label", "A table needs a label."),
            ({"label": "X" * 21, "seats": 2}, "label", "A table's label is at most 20 characters."),
            ({"label": "S0", "seats": 0}, "seats", "A table seats from 1 to 50."),
            ({"label": "S51", "seats": 51}, "seats", "A table seats from 1 to 50."),
            ({"label": "S", "seats": True}, "seats", "A table seats from 1 to 50."),
            ({"label": "A", "seats": 2, "area": "x" * 61}, "area", "An area's name is at most 60 characters."),
        ],
    )
    def test_refusals_name_their_field_and_write_nothing(self, data, field, message):
        with pytest.raises(InvalidInput) as raised:
            services.table_create(**data)

        assert (raised.value.field, raised.value.message) == (field, message)
        assert Table.objects.count() == 0

    def test_an_update_is_checked_as_a_creation(self):
        table = TableFactory(label="T1", seats=4, area="Main room")
        TableFactory(label="T2")

        for data in ({"label": "t2"}, {"seats": 51}, {"area": "x" * 61}, {"label": ""}):
            with pytest.raises(InvalidInput):
                services.table_update(table=table, data=data)
        table.refresh_from_db()
        assert (table.label, table.seats, table.area) == ("T1", 4, "Main room")

        services.table_update(table=table, data={"label": " t1 ", "area": " Terrace "})  # its own label, recased
        table.refresh_from_db()
        assert (table.label, table.area) == ("t1", "Terrace")

    def test_a_table_with_upcoming_bookings_stays_in_service(self, now):
        table = TableFactory(seats=6)
        upcoming = BookingFactory(table=table, party_size=5)
        BookingFactory(table=table, party_size=6, start=NOW - timedelta(days=2))  # past: no obstacle

        with pytest.raises(TableInUse, match=f"#{upcoming.pk}") as raised:
            services.table_update(table=table, data={"active": False})
        assert raised.value.extra == {"bookings": [upcoming.pk]}
        with pytest.raises(TableInUse):
            services.table_update(table=table, data={"seats": 4})
        table.refresh_from_db()
        assert (table.active, table.seats) == (True, 6)

        services.table_update(table=table, data={"seats": 5, "area": "Terrace"})
        upcoming.status = BookingStatus.CANCELLED
        upcoming.save()
        services.table_update(table=table, data={"active": False})
        table.refresh_from_db()
        assert (table.active, table.seats, table.area) == (False, 5, "Terrace")

    def test_fewer_seats_are_refused_naming_the_bookings_that_would_not_fit(self, now):
        table = TableFactory(label="M6", seats=6)
        six = BookingFactory(table=table, party_size=6, customer=None, guest_name="Ana Lima")
        five = BookingFactory(table=table, party_size=5, start=six.start + timedelta(days=1))
        BookingFactory(table=table, party_size=4, start=six.start + timedelta(days=2))  # fits 4 seats

        with pytest.raises(TableInUse) as raised:
            services.table_update(table=table, data={"seats": 4, "label": "M4"})

        assert raised.value.message == (
            f"Table M4 has upcoming booking(s) that would lose their table: #{six.pk} Ana Lima, 6 at 19:00 on "
            f"2026-06-02; #{five.pk} {five.name}, 5 at 19:00 on 2026-06-03. Move or cancel them before you reduce "
            "it to 4 seats."
        )
        assert (raised.value.field, raised.value.extra) == ("seats", {"bookings": [six.pk, five.pk]})
        table.refresh_from_db()
        assert (table.label, table.seats) == ("M6", 6)

    def test_a_table_with_history_is_kept(self):
        table = TableFactory()
        BookingFactory(table=table, status=BookingStatus.COMPLETED)
        unused = TableFactory()

        with pytest.raises(TableInUse, match="1 booking\\(s\\) on record and is kept for their history"):
            services.table_delete(table=table)
        services.table_delete(table=unused)

        assert list(Table.objects.all()) == [table]
