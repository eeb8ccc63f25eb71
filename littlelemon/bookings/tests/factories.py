from datetime import timedelta

import factory

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings.models import Booking, Table

from .clock import NOW


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Table

    label = factory.Sequence(lambda n: f"T{n:02d}")
    seats = 4
    area = "Main room"


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written directly (no rules checked): for arranging a test's starting state."""

    class Meta:
        model = Booking

    customer = factory.SubFactory(UserFactory)
    party_size = 2
    start = NOW + timedelta(days=1, hours=10)  # tomorrow 19:00
    end = factory.LazyAttribute(lambda booking: booking.start + timedelta(minutes=90))
    table = factory.SubFactory(TableFactory)
