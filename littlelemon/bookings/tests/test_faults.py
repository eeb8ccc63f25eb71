"""A fault in the middle of a booking write leaves nothing half-written.

Each test breaks one step of a booking service after the booking row is written (its audit
entry, its outbox event) and compares the bookings, the outbox and the audit trail with what they
held before. Real transactions (`transaction=True`): what is checked is what the database
committed, on SQLite and on PostgreSQL alike; the fault is a Python error or a database error.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError
from django.utils import timezone

from conftest import api_client_for
from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.bookings import services
from littlelemon.bookings.models import Booking, Table
from littlelemon.core.tests.faults import InjectedFault, fail_on, rows
from littlelemon.events.models import OutboxEvent

from .factories import BookingFactory, TableFactory, future_start

pytestmark = pytest.mark.django_db(transaction=True)

TOUCHED = (Booking, Table, OutboxEvent, AuditEntry)
STEPS = {
    "the audit entry": "littlelemon.bookings.services.audit_record",
    "the outbox event": "littlelemon.bookings.services.event_record",
}
ERRORS = pytest.mark.parametrize("exception", [InjectedFault, DatabaseError], ids=["python error", "database error"])


@pytest.fixture(autouse=True)
def _roles():
    """A transactional test starts from a flushed database, without the roles' groups."""
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def customer():
    return UserFactory()


@pytest.fixture
def manager():
    return UserFactory(roles=["manager"])


def _fails(step: str, exception: type[Exception], write) -> None:
    with fail_on(STEPS[step], exception=exception(f"injected at {step}")) as patched, pytest.raises(exception):
        write()
    assert patched.call_count == 1  # reached: the booking row was written, then undone


@ERRORS
@pytest.mark.parametrize("step", STEPS)
def test_a_fault_while_booking_leaves_no_booking(customer, step, exception):
    TableFactory(seats=4)
    before = rows(*TOUCHED)

    _fails(step, exception, lambda: services.booking_create(actor=customer, start=future_start(), party_size=2))

    assert rows(*TOUCHED) == before


@ERRORS
@pytest.mark.parametrize("step", STEPS)
def test_a_fault_while_changing_a_booking_leaves_it_as_it_was(customer, step, exception):
    TableFactory(seats=2)
    booking = BookingFactory(customer=customer, start=future_start(), party_size=2, table=TableFactory(seats=2))
    TableFactory(seats=6)
    before = rows(*TOUCHED)
    data = {"start": future_start(hour=20), "party_size": 5, "notes": "A high chair"}

    _fails(step, exception, lambda: services.booking_update(booking=booking, actor=customer, data=data))

    assert rows(*TOUCHED) == before


@pytest.mark.parametrize("step", STEPS)
def test_a_fault_while_cancelling_leaves_the_booking_confirmed(customer, step):
    booking = BookingFactory(customer=customer, start=future_start(), table=TableFactory())
    before = rows(*TOUCHED)

    _fails(step, InjectedFault, lambda: services.booking_cancel(booking=booking, actor=customer))

    assert rows(*TOUCHED) == before


@pytest.mark.parametrize("step", STEPS)
def test_a_fault_in_a_status_change_leaves_the_status(manager, step):
    booking = BookingFactory(start=timezone.now() + timedelta(minutes=10), table=TableFactory())  # seatable now
    before = rows(*TOUCHED)

    _fails(step, InjectedFault, lambda: services.booking_status_change(booking=booking, actor=manager, status="seated"))

    assert rows(*TOUCHED) == before


def test_through_the_api_a_fault_is_a_json_500_and_the_retry_books_the_table(customer):
    TableFactory(seats=4)
    client = api_client_for(customer)
    client.raise_request_exception = False
    body = {"start": future_start().isoformat(), "party_size": 2}
    before = rows(*TOUCHED)

    with fail_on(STEPS["the outbox event"]):
        failed = client.post("/api/v1/bookings/", body, format="json")

    assert (failed.status_code, failed.json()["code"]) == (500, "server_error")
    assert rows(*TOUCHED) == before
    retried = client.post("/api/v1/bookings/", body, format="json")
    assert retried.status_code == 201, retried.json()
    assert Booking.objects.get().customer == customer
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["booking.create"]
