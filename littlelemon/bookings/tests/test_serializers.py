"""AvailabilitySerializer builds its dict directly (a day has about a hundred slots): it must
say exactly what DRF's declared fields say. And the availability still sees the longest
booking the settings allow when it started the day before."""

from datetime import timedelta

import pytest
from rest_framework import serializers

from littlelemon.bookings.selectors import availability_for
from littlelemon.bookings.serializers import AvailabilitySerializer
from littlelemon.restaurant.models import BOOKING_DURATION_MAX_MINUTES
from littlelemon.restaurant.selectors import restaurant_settings_get

from .clock import NOW, TOMORROW, local
from .factories import BookingFactory, TableFactory

pytestmark = pytest.mark.django_db


def test_the_fast_representation_is_the_declared_one(lunch_and_dinner):
    TableFactory(seats=4)
    BookingFactory(table=TableFactory(seats=2), start=local(TOMORROW, 12))

    availability = availability_for(day=TOMORROW, party_size=2, now=NOW)

    declared = serializers.Serializer.to_representation(AvailabilitySerializer(), availability)
    assert AvailabilitySerializer(availability).data == declared
    assert declared["slots"][0] == {"start": "2026-06-02T11:30:00-05:00", "tables_free": 1}  # the 2 is booked at 12


def test_a_booking_of_the_longest_duration_from_the_day_before_still_holds_its_table():
    settings = restaurant_settings_get()
    settings.booking_duration_minutes = BOOKING_DURATION_MAX_MINUTES
    settings.save()
    table = TableFactory(seats=4)
    start = local(TOMORROW, 0) - timedelta(minutes=BOOKING_DURATION_MAX_MINUTES - 60)  # ends 01:00
    BookingFactory(table=table, start=start, end=start + timedelta(minutes=BOOKING_DURATION_MAX_MINUTES))

    availability = availability_for(day=TOMORROW, party_size=2, now=NOW)

    # Always open (no hours): 12-hour bookings start from 00:00 to 12:00; the table is busy until 01:00.
    assert availability.slots[0].start == local(TOMORROW, 1)
    assert availability.slots[-1].start == local(TOMORROW, 12)
