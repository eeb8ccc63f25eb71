"""The database itself refuses two overlapping active bookings on one table, whoever writes.

These tests bypass the services (raw ORM writes). On PostgreSQL the exclusion constraint
refuses the overlap; on SQLite the triggers of the same migration do. Both report the name the
services translate into a 409.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking
from littlelemon.bookings.services import NO_OVERLAP

from .clock import TOMORROW, local
from .factories import BookingFactory, TableFactory

pytestmark = pytest.mark.django_db


def overlapping_insert(**kwargs):
    with transaction.atomic():
        return BookingFactory(**kwargs)


def test_the_guard_is_installed_for_this_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [NO_OVERLAP])
            (definition,) = cursor.fetchone()
            assert "EXCLUDE USING gist" in definition
            assert "tstzrange" in definition
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'bookings_booking' ORDER BY name"
            )
            names = [name for (name,) in cursor.fetchall() if name.startswith(NO_OVERLAP)]
            assert names == [f"{NO_OVERLAP}_insert", f"{NO_OVERLAP}_update"]


def test_an_overlapping_insert_is_refused_by_the_database():
    table = TableFactory()
    first = BookingFactory(table=table, start=local(TOMORROW, 19))

    with pytest.raises(IntegrityError, match=NO_OVERLAP):
        overlapping_insert(table=table, start=local(TOMORROW, 20))
    with pytest.raises(IntegrityError, match=NO_OVERLAP):
        overlapping_insert(table=table, start=local(TOMORROW, 18), status=BookingStatus.SEATED)
    with pytest.raises(IntegrityError, match=NO_OVERLAP):
        overlapping_insert(table=table, start=local(TOMORROW, 19) + timedelta(minutes=1))

    assert list(Booking.objects.values_list("pk", flat=True)) == [first.pk]


def test_an_update_into_an_overlap_is_refused_by_the_database():
    table, other = TableFactory(), TableFactory()
    BookingFactory(table=table, start=local(TOMORROW, 19))
    moving = BookingFactory(table=other, start=local(TOMORROW, 19))
    cancelled = BookingFactory(table=table, start=local(TOMORROW, 19), status=BookingStatus.CANCELLED)

    with pytest.raises(IntegrityError, match=NO_OVERLAP), transaction.atomic():
        Booking.objects.filter(pk=moving.pk).update(table=table)
    with pytest.raises(IntegrityError, match=NO_OVERLAP), transaction.atomic():
        Booking.objects.filter(pk=cancelled.pk).update(status=BookingStatus.CONFIRMED)

    assert Booking.objects.get(pk=moving.pk).table == other
    assert Booking.objects.get(pk=cancelled.pk).status == BookingStatus.CANCELLED


def test_what_may_share_a_table():
    table = TableFactory()
    BookingFactory(table=table, start=local(TOMORROW, 19))

    # back to back ([start, end) ranges), finished or cancelled bookings, and another table
    BookingFactory(table=table, start=local(TOMORROW, 17, 30))
    BookingFactory(table=table, start=local(TOMORROW, 20, 30))
    for status in (BookingStatus.CANCELLED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW):
        BookingFactory(table=table, start=local(TOMORROW, 19), status=status)
    BookingFactory(start=local(TOMORROW, 19))
    # and an active booking may be edited in place
    Booking.objects.filter(table=table, start=local(TOMORROW, 19), status="confirmed").update(notes="VIP")

    assert Booking.objects.count() == 7


@pytest.mark.parametrize(
    ("field", "value"),
    [("party_size", 0), ("end", "start"), ("guest_name", "Both")],
)
def test_check_constraints(field, value):
    booking = BookingFactory()
    value = booking.start if value == "start" else value

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(customer=None, guest_name="", start=local(TOMORROW, 12))
