from datetime import timedelta

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "littlelemon.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from littlelemon.core.periodic import periodic_register

        from .tasks import report_days_store

        # Hourly: the day that settled at midnight is stored within the hour; when nothing is
        # missing the job is four small reads.
        periodic_register(report_days_store, every=timedelta(hours=1))
