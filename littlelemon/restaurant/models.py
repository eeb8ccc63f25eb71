from datetime import time
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from littlelemon.core.models import TimeStampedModel

from .enums import Weekday

BOOKING_DURATION_MAX_MINUTES = 12 * 60  # bookings/selectors.py relies on it: no booking is longer
# What customers read while a manager has paused online orders and wrote nothing of their own.
ORDERS_PAUSED_MESSAGE = "We are very busy right now and are not taking online orders. Please try again a little later."
ORDER_ACCEPT_TIMEOUT_DEFAULT = 15  # minutes; the env variable ORDER_ACCEPT_TIMEOUT_MINUTES' default
ORDER_SCHEDULED_DUE_DEFAULT = 60  # minutes; the env variable ORDER_SCHEDULED_DUE_MINUTES' default
MONEY = {"max_digits": 7, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class RestaurantSettings(TimeStampedModel):
    """The one settings row (pk=1), editable by managers. Read it with `restaurant_settings_get()`."""

    name = models.CharField(max_length=120, default="Little Lemon")
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD, EUR.")
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Sales tax in percent, applied to the subtotal and the delivery fee.",
    )
    delivery_fee = models.DecimalField(default=Decimal("0.00"), **MONEY)
    minimum_order = models.DecimalField(default=Decimal("0.00"), help_text="Smallest subtotal accepted.", **MONEY)
    order_cutoff_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MaxValueValidator(24 * 60)],
        help_text="No new ASAP orders this many minutes before closing.",
    )
    # The auto-reject job (`orders.housekeeping.orders_reject_unaccepted`) reads these two. Their
    # first values come from the environment (ORDER_ACCEPT_TIMEOUT_MINUTES, ORDER_SCHEDULED_DUE_MINUTES)
    # through migration 0004; after that the manager's settings screen owns them.
    order_accept_timeout_minutes = models.PositiveIntegerField(
        default=ORDER_ACCEPT_TIMEOUT_DEFAULT,
        validators=[MaxValueValidator(24 * 60)],
        help_text="An order nobody accepts this long after it becomes due is rejected automatically; 0 = never.",
    )
    order_scheduled_due_minutes = models.PositiveIntegerField(
        default=ORDER_SCHEDULED_DUE_DEFAULT,
        validators=[MaxValueValidator(24 * 60)],
        help_text="A scheduled order becomes due (and must be accepted) this long before its time.",
    )
    booking_slot_minutes = models.PositiveIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(240)], help_text="Grid of booking start times."
    )
    booking_duration_minutes = models.PositiveIntegerField(
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(BOOKING_DURATION_MAX_MINUTES)],
        help_text="How long a table is held.",
    )
    booking_lead_minutes = models.PositiveIntegerField(
        default=60, validators=[MaxValueValidator(7 * 24 * 60)], help_text="Earliest booking: now plus this."
    )
    booking_horizon_days = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Latest booking: today plus this.",
    )
    booking_max_party_size = models.PositiveIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    booking_cancellation_cutoff_minutes = models.PositiveIntegerField(
        default=120,
        validators=[MaxValueValidator(7 * 24 * 60)],
        help_text="Customers change or cancel up to this before.",
    )

    # Busy mode: set by `services.orders_pause` / `orders_resume` (the manager's order board);
    # while paused `orders.placement.order_place` refuses new orders with the message.
    orders_paused = models.BooleanField(default=False, help_text="Online orders are paused (busy mode).")
    orders_paused_message = models.CharField(
        max_length=300, default=ORDERS_PAUSED_MESSAGE, help_text="What customers read while orders are paused."
    )

    class Meta:
        verbose_name = verbose_name_plural = "restaurant settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="restaurant_settings_singleton")]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening range on a weekday, in the restaurant's time zone. Several ranges a day are
    allowed (lunch and dinner). `closes` 00:00 means midnight, the end of the day."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(fields=["weekday", "opens"], name="restaurant_hours_unique_start"),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6)
                & (models.Q(closes__gt=models.F("opens")) | models.Q(closes=time(0))),
                name="restaurant_hours_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """A date the restaurant is closed all day (a holiday, a private event)."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}".strip()
