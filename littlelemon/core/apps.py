from datetime import timedelta

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "littlelemon.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .periodic import periodic_register
        from .sqlite import sqlite_connection_opened, sqlite_read_only_connections_close
        from .tasks import cache_tables_purge, finished_tasks_purge

        periodic_register(finished_tasks_purge, every=timedelta(hours=1))
        periodic_register(cache_tables_purge, every=timedelta(minutes=5))
        connection_created.connect(sqlite_connection_opened, dispatch_uid="littlelemon.core.sqlite_connection_opened")
        request_finished.connect(
            sqlite_read_only_connections_close, dispatch_uid="littlelemon.core.sqlite_read_only_connections_close"
        )
