from django.db import models


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    SEATED = "seated", "Seated"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# A booking holds its table while it is in one of these statuses (availability, overlap rules,
# the database's exclusion constraint).
ACTIVE_STATUSES: tuple[str, ...] = (BookingStatus.CONFIRMED, BookingStatus.SEATED)

# The booking lifecycle: status -> the statuses it may move to (managers, via
# `booking_status_change`; customers only cancel their own confirmed booking).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    BookingStatus.CONFIRMED: (BookingStatus.SEATED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW),
    BookingStatus.SEATED: (BookingStatus.COMPLETED,),
    BookingStatus.COMPLETED: (),
    BookingStatus.CANCELLED: (),
    BookingStatus.NO_SHOW: (),
}
