"""Booking reminders: each confirmed booking is reminded once, BOOKING_REMINDER_HOURS before it
starts, through the outbox (`booking.reminder`, which the e-mail handler mails to the customer).

Who is reminded: confirmed bookings starting within the next BOOKING_REMINDER_HOURS that have not
been reminded, and that were made before that window opened (a table booked an hour ahead has
just had its confirmation). A booking moved to a new time is reminded again (`booking_update`
clears `reminder_sent_at`).

Once: each booking is claimed with one conditional UPDATE (`reminder_sent_at` still empty), and
its event is written in the same transaction, so two runs at once never both remind it, and a
run that fails after the claim leaves neither the mark nor the event behind.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from .enums import BookingStatus
from .models import Booking
from .services import booking_event_record

BATCH = 500


def bookings_due_reminder(*, now: datetime, hours: int) -> QuerySet[Booking]:
    window = timedelta(hours=hours)
    return Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + window,
        created__lte=F("start") - window,
    ).order_by("start", "pk")


def booking_reminders_send(*, now: datetime | None = None) -> list[int]:
    """Record `booking.reminder` for every booking due one (BATCH at most a run). Returns their
    ids. Idempotent: a second run finds nothing more to remind. BOOKING_REMINDER_HOURS=0: none."""
    hours = settings.BOOKING_REMINDER_HOURS
    if hours <= 0:
        return []
    now = now or timezone.now()
    reminded = []
    for booking in bookings_due_reminder(now=now, hours=hours).select_related("table")[:BATCH]:
        with transaction.atomic():
            claimed = Booking.objects.filter(
                pk=booking.pk, status=BookingStatus.CONFIRMED, reminder_sent_at__isnull=True, start=booking.start
            ).update(reminder_sent_at=now)
            if not claimed:  # another run reminded it, or it changed since it was read
                continue
            booking.reminder_sent_at = now
            booking_event_record("booking.reminder", booking, actor=None, hours=hours)
        reminded.append(booking.pk)
    return reminded
