from datetime import timedelta

from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "littlelemon.bookings"
    label = "bookings"
    verbose_name = "Table bookings"

    def ready(self) -> None:
        from littlelemon.core.periodic import periodic_register

        from .tasks import booking_reminders

        periodic_register(booking_reminders, every=timedelta(minutes=5))
