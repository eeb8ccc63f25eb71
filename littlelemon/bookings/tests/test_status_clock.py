"""Status changes follow the clock (issue 17): seated from BOOKING_SEAT_EARLY_MINUTES before the
start until the end, a no-show only BOOKING_NO_SHOW_GRACE_MINUTES after the start, completion only
after seating. The one service (`booking_status_change`) holds it for the API, admin and floor."""

from datetime import timedelta

import pytest

from littlelemon.audit.models import AuditEntry
from littlelemon.bookings import services
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.exceptions import BookingOver, InvalidTransition, SeatingTooEarly, TooEarly
from littlelemon.bookings.rules import booking_next_statuses
from littlelemon.events.models import OutboxEvent

from .clock import TOMORROW, local
from .factories import BookingFactory

pytestmark = pytest.mark.django_db

START = local(TOMORROW, 19)  # ends 20:30


def unchanged(booking) -> bool:
    booking.refresh_from_db()
    return (
        booking.status == BookingStatus.CONFIRMED
        and not OutboxEvent.objects.exists()
        and not AuditEntry.objects.filter(action="booking.status_change").exists()
    )


@pytest.mark.parametrize(
    ("at", "refusal", "code"),
    [
        (START - timedelta(days=5), SeatingTooEarly, "seating_too_early"),  # the five days ahead
        (START - timedelta(minutes=31), SeatingTooEarly, "seating_too_early"),
        (START + timedelta(minutes=90), BookingOver, "booking_over"),  # the end
        (START + timedelta(hours=3), BookingOver, "booking_over"),
    ],
)
def test_seating_is_refused_outside_its_window(manager, freeze, at, refusal, code):
    booking = BookingFactory(start=START)
    freeze(at)

    with pytest.raises(refusal) as raised:
        services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.SEATED)

    assert (raised.value.code, raised.value.http_status) == (code, 409)
    assert unchanged(booking)


@pytest.mark.parametrize("at", [START - timedelta(minutes=30), START, START + timedelta(minutes=89, seconds=59)])
def test_seating_inside_its_window(manager, freeze, at):
    booking = BookingFactory(start=START)
    freeze(at)

    services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.SEATED)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.SEATED


def test_the_seating_window_is_a_setting(manager, freeze, settings):
    settings.BOOKING_SEAT_EARLY_MINUTES = 60
    booking = BookingFactory(start=START)
    freeze(START - timedelta(minutes=45))

    services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.SEATED)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.SEATED


def test_a_no_show_only_after_the_grace_period(manager, freeze):
    booking = BookingFactory(start=START)
    freeze(START + timedelta(minutes=14, seconds=59))

    with pytest.raises(TooEarly, match="15 minutes after") as raised:
        services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.NO_SHOW)
    assert raised.value.code == "too_early"
    assert unchanged(booking)

    freeze(START + timedelta(minutes=15))
    services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.NO_SHOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_the_grace_period_is_a_setting(manager, freeze, settings):
    settings.BOOKING_NO_SHOW_GRACE_MINUTES = 0
    booking = BookingFactory(start=START)
    freeze(START)

    services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.NO_SHOW)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_completion_only_after_seating(manager, freeze):
    booking = BookingFactory(start=START)
    freeze(START + timedelta(minutes=30))

    with pytest.raises(InvalidTransition, match="it can only become seated or cancelled or no_show"):
        services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.COMPLETED)
    assert unchanged(booking)

    services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.SEATED)
    services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.COMPLETED)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED


def test_cancelling_follows_no_clock(manager, freeze):
    booking = BookingFactory(start=START)
    freeze(START - timedelta(days=5))

    services.booking_status_change(booking=booking, actor=manager, status=BookingStatus.CANCELLED)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_seated_customer_booking_five_days_ahead_can_no_longer_happen_through_the_api(client_as, manager, freeze):
    booking = BookingFactory(start=START)
    freeze(START - timedelta(days=5))

    response = client_as(manager).post(f"/api/v1/bookings/{booking.pk}/status/", {"status": "seated"})

    assert response.status_code == 409
    assert response.json()["code"] == "seating_too_early"
    assert "from 18:30 on 2026-06-02" in response.json()["detail"]
    assert unchanged(booking)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (START - timedelta(hours=2), ["cancelled"]),
        (START - timedelta(minutes=10), ["seated", "cancelled"]),
        (START + timedelta(minutes=20), ["seated", "cancelled", "no_show"]),
        (START + timedelta(hours=2), ["cancelled", "no_show"]),
    ],
)
def test_the_next_statuses_a_page_offers(at, expected):
    booking = BookingFactory.build(start=START, end=START + timedelta(minutes=90), status=BookingStatus.CONFIRMED)

    assert booking_next_statuses(booking=booking, now=at) == expected
