"""The rule that decides whether a customer may still change or cancel a booking online: the
services enforce it (API and pages), and the pages ask it which buttons to show."""

from datetime import timedelta

import pytest

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.exceptions import BookingNotEditable, TooLate
from littlelemon.bookings.rules import (
    booking_change_deadline,
    booking_changeable_by_customer,
    booking_customer_change_check,
)
from littlelemon.restaurant.selectors import restaurant_settings_get

from .clock import TOMORROW, local
from .factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_90():
    settings = restaurant_settings_get()
    settings.booking_cancellation_cutoff_minutes = 90
    return settings


def test_a_booking_can_be_changed_online_until_the_cancellation_cut_off(settings_90):
    booking = BookingFactory(start=local(TOMORROW, 19))

    assert booking_change_deadline(booking=booking, settings=settings_90) == local(TOMORROW, 17, 30)


@pytest.mark.parametrize(
    ("now", "changeable"),
    [
        (local(TOMORROW, 12), True),
        (local(TOMORROW, 17, 30), True),  # the deadline itself still counts
        (local(TOMORROW, 17, 30) + timedelta(seconds=1), False),
        (local(TOMORROW, 19, 30), False),
    ],
)
def test_a_confirmed_booking_until_the_deadline(settings_90, now, changeable):
    booking = BookingFactory(start=local(TOMORROW, 19), status=BookingStatus.CONFIRMED)

    assert booking_changeable_by_customer(booking=booking, settings=settings_90, now=now) is changeable
    if changeable:
        booking_customer_change_check(booking=booking, settings=settings_90, now=now)
    else:
        with pytest.raises(TooLate) as error:
            booking_customer_change_check(booking=booking, settings=settings_90, now=now)
        assert error.value.message == (
            "Bookings can be changed or cancelled online until 90 minutes before they start; "
            "please call the restaurant."
        )


@pytest.mark.parametrize(
    "status", [BookingStatus.SEATED, BookingStatus.COMPLETED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW]
)
def test_any_other_status_never_however_early(settings_90, status):
    booking = BookingFactory(start=local(TOMORROW, 19), status=status)
    early = local(TOMORROW, 8)

    assert booking_changeable_by_customer(booking=booking, settings=settings_90, now=early) is False
    with pytest.raises(BookingNotEditable, match=f"This booking is {status}; only a confirmed booking can be changed"):
        booking_customer_change_check(booking=booking, settings=settings_90, now=early)


def test_no_query(settings_90, django_assert_num_queries):
    booking = BookingFactory(start=local(TOMORROW, 19))

    with django_assert_num_queries(0):
        booking_changeable_by_customer(booking=booking, settings=settings_90, now=local(TOMORROW, 12))
