from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "littlelemon.bookings"
    label = "bookings"
    verbose_name = "Table bookings"
