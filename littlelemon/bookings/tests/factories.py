from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings.models import Booking, Table
from littlelemon.restaurant.selectors import restaurant_tz

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


def future_start(*, days: int = 2, hour: int = 19) -> datetime:
    """A bookable start by the real clock (for tests that do not stop it): `days` from today at
    `hour`, local time, on the slot grid and well past the lead time and cancellation cut-off."""
    tz = restaurant_tz()
    day = timezone.now().astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=tz)
