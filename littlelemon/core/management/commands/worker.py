"""`manage.py worker`: the background worker. Runs the periodic scheduler and the tasks queue.

Long-running (compose, Kubernetes, `make run`): every PERIODIC_TICK_SECONDS it enqueues the due
periodic jobs, and between ticks it drains the queue with django-tasks-db's own worker
(`db_worker --batch`), sleeping `--interval` seconds when there is nothing to do.

`--batch` (cron, a Kubernetes CronJob, the scheduled Lambda): one tick, drain the queue, exit.
Many workers may run at once: tasks are claimed with SKIP LOCKED on PostgreSQL (SQLite's write
lock serialises them) and a periodic job is enqueued once per interval whoever ticks.
"""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from littlelemon.core.periodic import periodic_tick


class Command(BaseCommand):
    help = "Run the background worker: periodic jobs and the tasks queue (--batch: drain once and exit)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Tick once, run every queued task, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when the queue is empty (default 1)."
        )

    def handle(self, *, batch: bool, interval: float, verbosity: int, **options) -> None:
        last_tick = float("-inf")
        while True:
            if time.monotonic() - last_tick >= settings.PERIODIC_TICK_SECONDS:
                periodic_tick()
                last_tick = time.monotonic()
            # One level quieter: at the default its "starting" and "no more tasks" lines would come every second.
            call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=max(verbosity - 1, 0))
            if batch:
                return
            time.sleep(interval)
