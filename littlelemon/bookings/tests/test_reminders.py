"""Booking reminders with a stopped clock: each booking reminded once, N hours before, through
the outbox; run twice, nothing more; a moved booking is reminded again."""

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings import services
from littlelemon.bookings.models import Booking
from littlelemon.bookings.reminders import booking_reminders_send
from littlelemon.bookings.tasks import booking_reminders
from littlelemon.events.models import OutboxEvent

from .clock import NOW, TOMORROW, local
from .factories import BookingFactory, TableFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_hours(settings):
    settings.BOOKING_REMINDER_HOURS = 3


def booked(freeze, *, at=NOW, **fields) -> Booking:
    """A booking for tomorrow 19:00 (local), made at `at`."""
    freeze(at)
    return BookingFactory(start=local(TOMORROW, 19), **fields)


def reminders():
    return list(OutboxEvent.objects.filter(type="booking.reminder").order_by("pk"))


def test_a_booking_is_reminded_once_n_hours_before(freeze):
    booking = booked(freeze)

    freeze(local(TOMORROW, 15, 59))
    assert booking_reminders_send() == []
    reminded_at = freeze(local(TOMORROW, 16, 0))
    assert booking_reminders_send() == [booking.pk]
    freeze(local(TOMORROW, 16, 5))
    assert booking_reminders_send() == []  # the next run: nothing more

    booking.refresh_from_db()
    assert booking.reminder_sent_at == reminded_at
    [event] = reminders()
    assert (event.aggregate, event.aggregate_id) == ("booking", str(booking.pk))
    assert event.payload["booking"] == booking.pk
    assert event.payload["customer"] == booking.customer_id
    assert event.payload["start"] == local(TOMORROW, 19).isoformat()
    assert event.payload["hours"] == 3
    assert event.payload["actor"] is None


def test_the_task_runs_it(freeze):
    booked(freeze)
    freeze(local(TOMORROW, 17))

    assert booking_reminders.call() == 1
    assert booking_reminders.call() == 0
    assert len(reminders()) == 1


@pytest.mark.parametrize("status", ["cancelled", "seated", "no_show", "completed"])
def test_only_confirmed_bookings(freeze, status):
    booked(freeze, status=status)

    freeze(local(TOMORROW, 17))
    assert booking_reminders_send() == []
    assert reminders() == []


def test_a_booking_whose_time_has_passed_is_not_reminded(freeze):
    past = booked(freeze)

    freeze(local(TOMORROW, 19, 1))
    assert booking_reminders_send() == []
    past.refresh_from_db()
    assert past.reminder_sent_at is None


def test_a_booking_made_inside_the_window_is_not_reminded(freeze):
    booked(freeze, at=local(TOMORROW, 17))  # booked two hours before: its confirmation is enough

    freeze(local(TOMORROW, 17, 30))
    assert booking_reminders_send() == []
    assert reminders() == []


class StaleQuery:
    """What a run racing another had read: the bookings before the other run marked them."""

    def __init__(self, bookings):
        self.bookings = bookings

    def select_related(self, *fields):
        return self.bookings


def test_two_runs_racing_for_one_booking_remind_it_once(freeze, monkeypatch):
    """The second run read the booking before the first marked it: its conditional UPDATE finds
    the mark and writes nothing."""
    from littlelemon.bookings import reminders as module

    booking = booked(freeze)
    freeze(local(TOMORROW, 17))
    stale = list(module.bookings_due_reminder(now=local(TOMORROW, 17), hours=3))
    assert booking_reminders_send() == [booking.pk]
    monkeypatch.setattr(module, "bookings_due_reminder", lambda **kwargs: StaleQuery(stale))

    assert booking_reminders_send() == []
    assert len(reminders()) == 1


def test_a_booking_moved_to_a_new_time_is_reminded_again(freeze):
    freeze(NOW)
    TableFactory(label="T9", seats=4)
    customer = UserFactory()
    booking = services.booking_create(actor=customer, start=local(TOMORROW, 12), party_size=2, now=NOW)
    freeze(local(TOMORROW, 9, 30))
    assert booking_reminders_send() == [booking.pk]

    moved_at = local(TOMORROW, 9, 45)
    freeze(moved_at)
    services.booking_update(booking=booking, actor=customer, data={"start": local(TOMORROW, 13)}, now=moved_at)
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None
    freeze(local(TOMORROW, 10, 0))
    assert booking_reminders_send() == [booking.pk]
    assert [e.payload["start"] for e in reminders()] == [
        local(TOMORROW, 12).isoformat(),
        local(TOMORROW, 13).isoformat(),
    ]


def test_zero_hours_turns_reminders_off(freeze, settings):
    settings.BOOKING_REMINDER_HOURS = 0
    booked(freeze)

    freeze(local(TOMORROW, 18))
    assert booking_reminders_send() == []
