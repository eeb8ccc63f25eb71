from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from littlelemon.core.models import TimeStampedModel

from .enums import ACTIVE_STATUSES, BookingStatus

MAX_SEATS = 50


class Table(TimeStampedModel):
    """A table on the floor. A booking uses one table, or one `TableCombination` of them."""

    label = models.CharField(max_length=20, help_text='What the staff call it, e.g. "T4" or "Window 2".')
    seats = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)])
    area = models.CharField(max_length=60, blank=True, help_text='e.g. "Main room", "Terrace".')
    active = models.BooleanField(default=True, help_text="Untick to stop taking bookings for it; history is kept.")

    class Meta:
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(Lower("label"), name="bookings_table_label_ci_unique"),
            models.CheckConstraint(condition=models.Q(seats__gte=1, seats__lte=MAX_SEATS), name="bookings_table_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.seats} seats)"


class TableCombination(TimeStampedModel):
    """Tables the manager allows to be pushed together for a party no single table seats.

    A booking on a combination holds every table in it (its `BookingTable` rows); `Booking.table`
    is then the combination's first table (by label), where the party is shown and served.
    """

    name = models.CharField(max_length=60, help_text='e.g. "M2+M3".')
    tables = models.ManyToManyField(Table, related_name="combinations")
    active = models.BooleanField(default=True, help_text="Untick to stop offering it; history is kept.")

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="bookings_combination_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Booking(TimeStampedModel):
    """A party at a table from `start` to `end` (start + the configured duration), in UTC.

    Either a registered `customer` or, for bookings staff take by phone or at the door, a guest
    name (and phone). No table holds two overlapping active bookings: the services serialise
    writers and re-check, and the database refuses it too (migration 0002: an exclusion
    constraint on PostgreSQL, triggers on SQLite).
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    guest_name = models.CharField(max_length=120, blank=True)
    guest_phone = models.CharField(max_length=32, blank=True)
    party_size = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    start = models.DateTimeField()
    end = models.DateTimeField()
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="bookings")
    combination = models.ForeignKey(
        TableCombination,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        help_text="When the party sits at tables pushed together: all of them are held.",
    )
    status = models.CharField(max_length=16, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED)
    notes = models.TextField(blank=True, max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who entered it: the customer, or the manager who took it.",
    )
    reminder_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its reminder went out (bookings/reminders.py); cleared when the booking moves.",
    )

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="bookings_booking_end_after_start"
            ),
            models.CheckConstraint(condition=models.Q(party_size__gte=1), name="bookings_booking_party_size"),
            models.CheckConstraint(
                condition=(models.Q(customer__isnull=False) & models.Q(guest_name=""))
                | (models.Q(customer__isnull=True) & ~models.Q(guest_name="")),
                name="bookings_booking_customer_or_guest",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BookingStatus.values), name="bookings_booking_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["table", "start"], name="bookings_table_start_idx"),
            models.Index(fields=["start", "id"], name="bookings_start_idx"),
            models.Index(fields=["customer", "start"], name="bookings_customer_start_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}, {self.party_size} at {self.table_id} from {self.start:%Y-%m-%d %H:%M}Z"

    @property
    def name(self) -> str:
        """Who the table is for: the guest's name, or the customer's name (join `customer`)."""
        if self.guest_name or self.customer is None:
            return self.guest_name
        return self.customer.get_full_name() or self.customer.get_username()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class BookingTable(models.Model):
    """One physical table held by an active booking from `start` to `end`: the booking's table,
    or every table of its combination. Written by the services in the booking's transaction
    (`bookings.occupancy`); the database refuses two overlapping rows on one table (migration
    0004: an exclusion constraint on PostgreSQL, triggers on SQLite), so a combination booking
    and a booking on one of its tables can never overlap."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="occupancy")
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="occupancy")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "table"], name="bookings_bookingtable_once"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="bookings_bookingtable_period"),
        ]
        indexes = [models.Index(fields=["table", "start"], name="bookings_occupancy_table_idx")]

    def __str__(self) -> str:
        return f"booking {self.booking_id} at table {self.table_id}"
