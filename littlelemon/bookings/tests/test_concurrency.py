"""Races with real threads on one database (SQLite file or PostgreSQL): no sequence or race of
requests puts two parties at one table at the same time, and nobody gets a 500."""

from datetime import timedelta

import pytest

from conftest import api_client_for
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings import services
from littlelemon.bookings.enums import ACTIVE_STATUSES
from littlelemon.bookings.exceptions import TableUnavailable
from littlelemon.bookings.models import Booking
from littlelemon.core.tests.concurrency import race
from littlelemon.events.models import OutboxEvent

from .clock import TOMORROW, iso, local
from .factories import BookingFactory, TableFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_four_customers_racing_for_the_last_table(now):
    taken, last = TableFactory(label="A", seats=4), TableFactory(label="B", seats=4)
    BookingFactory(table=taken, start=local(TOMORROW, 19))
    customers = [UserFactory() for _ in range(4)]

    def post(user):
        def job():
            response = api_client_for(user).post(
                "/api/v1/bookings/", {"start": iso(TOMORROW, 19), "party_size": 2}, format="json"
            )
            return response.status_code, response.json()

        return job

    results = race([post(user) for user in customers])

    assert sorted(status for status, _body in results) == [201, 409, 409, 409], results
    assert {body["code"] for status, body in results if status == 409} == {"table_unavailable"}
    (winner,) = [body for status, body in results if status == 201]
    assert winner["table"]["id"] == last.pk
    active = Booking.objects.filter(table=last, status__in=ACTIVE_STATUSES)
    assert list(active.values_list("pk", flat=True)) == [winner["id"]]
    assert OutboxEvent.objects.filter(type="booking.created").count() == 1


def test_moves_racing_onto_the_last_free_time_never_overlap(now):
    table = TableFactory(seats=4)
    customers = [UserFactory() for _ in range(3)]
    bookings = [
        BookingFactory(table=table, customer=customer, start=local(TOMORROW, 12) + timedelta(hours=2 * i))
        for i, customer in enumerate(customers)
    ]

    def move(booking, customer):
        def job():
            return services.booking_update(booking=booking, actor=customer, data={"start": local(TOMORROW, 19)})

        return job

    results = race([move(b, c) for b, c in zip(bookings, customers, strict=True)])

    moved = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, TableUnavailable)]
    assert (len(moved), len(refused)) == (1, 2), results
    at_seven = Booking.objects.filter(table=table, start=local(TOMORROW, 19), status__in=ACTIVE_STATUSES)
    assert list(at_seven.values_list("pk", flat=True)) == [moved[0].pk]


def test_one_customer_double_submitting_gets_one_booking(now):
    TableFactory()
    TableFactory()
    customer = UserFactory()

    def submit():
        response = api_client_for(customer).post(
            "/api/v1/bookings/", {"start": iso(TOMORROW, 19), "party_size": 2}, format="json"
        )
        return response.status_code, response.json().get("code")

    results = race([submit, submit, submit])

    assert sorted(results, key=lambda r: r[0]) == [(201, None), (409, "already_booked"), (409, "already_booked")]
    assert Booking.objects.filter(customer=customer).count() == 1


def _two_managers_moving_onto_one_table():
    """Two bookings at 19:00 on their own tables, a third table free; two managers (the floor
    screen's service) move each booking onto the free table at once."""
    free = TableFactory(label="FREE", seats=4)
    bookings = [BookingFactory(table=TableFactory(label=f"T{i}"), start=local(TOMORROW, 19)) for i in range(2)]
    managers = [UserFactory(roles=["manager"]) for _ in bookings]

    def move(booking, manager):
        return lambda: services.booking_update(booking=booking, actor=manager, data={"table": free})

    results = race([move(b, m) for b, m in zip(bookings, managers, strict=True)])
    return free, bookings, results


def _exactly_one_moved(free, bookings, results):
    moved = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, TableUnavailable)]
    assert (len(moved), len(refused)) == (1, 1), results
    on_free = Booking.objects.filter(table=free, status__in=ACTIVE_STATUSES)
    assert list(on_free.values_list("pk", flat=True)) == [moved[0].pk]
    loser = next(b for b in bookings if b.pk != moved[0].pk)
    assert Booking.objects.get(pk=loser.pk).table_id == loser.table_id  # left where it was
    assert OutboxEvent.objects.filter(type="booking.updated").count() == 1


def test_two_managers_moving_two_bookings_onto_one_free_table(now):
    """On either database, by the services' locking (SQLite: IMMEDIATE transactions; PostgreSQL:
    the table row locked, then the re-check)."""
    _exactly_one_moved(*_two_managers_moving_onto_one_table())


@pytest.mark.postgresql
def test_the_exclusion_constraint_alone_refuses_the_second_move(now, monkeypatch):
    """With the services' re-check blinded, PostgreSQL's exclusion constraint still lets only one
    move land (the other is a TableUnavailable, not a 500)."""
    monkeypatch.setattr(services, "bookings_overlapping", lambda **kwargs: [])

    _exactly_one_moved(*_two_managers_moving_onto_one_table())
