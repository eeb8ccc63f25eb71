from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "littlelemon.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .periodic import periodic_register
        from .tasks import cache_tables_purge, finished_tasks_purge

        periodic_register(finished_tasks_purge, every=timedelta(hours=1))
        periodic_register(cache_tables_purge, every=timedelta(minutes=5))
