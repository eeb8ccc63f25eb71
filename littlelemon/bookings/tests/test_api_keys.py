"""An integration's API key on bookings: with bookings:write it books for guests, changes,
cancels and seats as a manager may; it is never the customer of a booking."""

from datetime import timedelta

import pytest

from littlelemon.apikeys.scopes import BOOKINGS_READ, BOOKINGS_WRITE
from littlelemon.apikeys.tests.factories import issue_key, key_client
from littlelemon.audit.models import AuditEntry
from littlelemon.bookings.models import Booking
from littlelemon.events.models import OutboxEvent

from .clock import NOW, TOMORROW, iso
from .factories import BookingFactory, TableFactory

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def test_bookings_write_books_for_a_guest_and_the_audit_names_the_key(now, lunch_and_dinner):
    api_key, key = issue_key([BOOKINGS_WRITE], name="Reservations site")
    TableFactory(seats=4)

    response = key_client(key).post(
        BOOKINGS,
        {"start": iso(TOMORROW, 19), "party_size": 3, "guest_name": "Ana Lima", "guest_phone": "+1 312 555 0100"},
        format="json",
    )

    assert response.status_code == 201, response.data
    booking = Booking.objects.get()
    assert (booking.customer_id, booking.created_by_id, booking.guest_name) == (None, None, "Ana Lima")
    audit = AuditEntry.objects.get(action="booking.create")
    assert (audit.actor_id, audit.actor_name) == (None, f"api-key:Reservations site ({api_key.prefix})")
    assert OutboxEvent.objects.get(type="booking.created").payload["api_key_id"] == api_key.pk


def test_an_integration_never_books_for_itself(now, lunch_and_dinner):
    _, key = issue_key([BOOKINGS_WRITE])
    TableFactory(seats=4)

    response = key_client(key).post(BOOKINGS, {"start": iso(TOMORROW, 19), "party_size": 2}, format="json")

    assert response.status_code == 400
    assert response.data["fields"] == {"guest_name": ["An integration books for a guest: give the guest's name."]}
    assert not Booking.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_bookings_read_sees_every_booking_and_changes_none(now):
    _, key = issue_key([BOOKINGS_READ])
    TableFactory()
    bookings = [BookingFactory(), BookingFactory(guest_name="Walk-in", customer=None)]
    client = key_client(key)

    listed = client.get(BOOKINGS)
    assert listed.status_code == 200
    assert sorted(booking["id"] for booking in listed.data["results"]) == sorted(b.pk for b in bookings)

    refused = client.post(f"{BOOKINGS}{bookings[0].pk}/status/", {"status": "seated"}, format="json")
    assert refused.status_code == 403
    assert refused.data["code"] == "api_key_scope"
    assert Booking.objects.get(pk=bookings[0].pk).status == "confirmed"


def test_bookings_write_seats_and_cancels_as_a_manager(now):
    api_key, key = issue_key([BOOKINGS_WRITE])
    TableFactory()
    seated, cancelled = BookingFactory(start=NOW + timedelta(minutes=10)), BookingFactory()
    client = key_client(key)

    assert client.post(f"{BOOKINGS}{seated.pk}/status/", {"status": "seated"}, format="json").status_code == 200
    assert client.delete(f"{BOOKINGS}{cancelled.pk}/").status_code == 204

    assert Booking.objects.get(pk=seated.pk).status == "seated"
    assert Booking.objects.get(pk=cancelled.pk).status == "cancelled"
    assert OutboxEvent.objects.get(type="booking.cancelled").payload["by"] == "restaurant"


def test_a_key_reads_the_tables_but_never_changes_them():
    from littlelemon.apikeys.scopes import SCOPES

    _, key = issue_key(list(SCOPES))
    table = TableFactory(label="M1", seats=4)
    client = key_client(key)

    assert client.get("/api/v1/tables/").status_code == 200
    refused = client.patch(f"/api/v1/tables/{table.pk}/", {"seats": 2}, format="json")
    assert refused.status_code == 403
    assert refused.data["code"] == "api_key_not_allowed"
    table.refresh_from_db()
    assert table.seats == 4
