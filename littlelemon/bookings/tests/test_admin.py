"""The admin: tables saved through the services; bookings read-only with status actions."""

from datetime import timedelta

import pytest
from django.test import Client

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking, Table
from littlelemon.events.models import OutboxEvent

from .clock import NOW
from .factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_the_booking_list_filters_by_status_and_date(admin_client, now):
    BookingFactory(customer=None, guest_name="Maria Lopez")
    BookingFactory(customer=None, guest_name="Ann Other", status=BookingStatus.CANCELLED, start=NOW)

    response = admin_client.get("/admin/bookings/booking/", {"status__exact": "confirmed", "start__year": "2026"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Maria Lopez" in html
    assert "Ann Other" not in html
    assert "2026-06-02 19:00" in html  # shown in the restaurant's time


def test_a_booking_is_read_only_and_cannot_be_added_or_deleted(admin_client):
    booking = BookingFactory()

    assert admin_client.get(f"/admin/bookings/booking/{booking.pk}/change/").status_code == 200
    assert admin_client.get("/admin/bookings/booking/add/").status_code == 403
    admin_client.post(f"/admin/bookings/booking/{booking.pk}/change/", {"party_size": 9, "status": "completed"})
    assert admin_client.post(f"/admin/bookings/booking/{booking.pk}/delete/", {"post": "yes"}).status_code == 403
    booking.refresh_from_db()
    assert (booking.party_size, booking.status) == (2, BookingStatus.CONFIRMED)


def test_status_actions_go_through_the_service(admin_client, now):
    confirmed = BookingFactory(start=NOW + timedelta(minutes=10))  # seatable now
    completed = BookingFactory(status=BookingStatus.COMPLETED, start=NOW)

    response = admin_client.post(
        "/admin/bookings/booking/",
        {"action": "mark_seated", "_selected_action": [confirmed.pk, completed.pk]},
        follow=True,
    )

    assert response.status_code == 200
    confirmed.refresh_from_db()
    completed.refresh_from_db()
    assert (confirmed.status, completed.status) == (BookingStatus.SEATED, BookingStatus.COMPLETED)
    assert list(OutboxEvent.objects.values_list("type", flat=True)) == ["booking.seated"]
    assert "This booking is completed: that is final." in response.content.decode()


def test_tables_are_added_and_changed_with_the_services_rules(admin_client, now):
    response = admin_client.post(
        "/admin/bookings/table/add/", {"label": " P1 ", "seats": 4, "area": "Patio", "active": "on"}
    )
    assert response.status_code == 302
    table = Table.objects.get()
    assert (table.label, table.seats, table.area, table.active) == ("P1", 4, "Patio", True)

    duplicate = admin_client.post("/admin/bookings/table/add/", {"label": "p1", "seats": 2})
    assert duplicate.status_code == 200  # the form again, with the error
    assert Table.objects.count() == 1

    booking = BookingFactory(table=table)
    refused = admin_client.post(
        f"/admin/bookings/table/{table.pk}/change/", {"label": "P1", "seats": 4, "area": "Patio"}
    )
    assert refused.status_code == 200
    assert f"#{booking.pk}" in refused.content.decode()
    table.refresh_from_db()
    assert table.active


def test_the_table_list_and_a_table_with_history_stays(admin_client):
    booking = BookingFactory(status=BookingStatus.COMPLETED)

    assert admin_client.get("/admin/bookings/table/", {"active__exact": "1"}).status_code == 200
    admin_client.post(f"/admin/bookings/table/{booking.table_id}/delete/", {"post": "yes"})

    assert Booking.objects.filter(pk=booking.pk).exists()
    assert Table.objects.filter(pk=booking.table_id).exists()
