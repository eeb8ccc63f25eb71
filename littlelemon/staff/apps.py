from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "littlelemon.staff"
    label = "staff"
    verbose_name = "Staff pages"
