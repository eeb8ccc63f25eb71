from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "littlelemon.reports"
    label = "reports"
    verbose_name = "Reports"
