"""`manage.py worker`: the background worker. Runs the periodic scheduler and the tasks queue.

Long-running (compose, Kubernetes, systemd, `make run`): every PERIODIC_TICK_SECONDS it enqueues
the due periodic jobs, and between ticks it runs every queued task with django-tasks-db's own
worker, waiting `--interval` seconds when there is nothing to do. SIGTERM or SIGINT stops it: at
once when it is waiting, after the task in hand otherwise (a second signal interrupts that task,
which is recorded as failed; the periodic relay catches up what it held). It exits 0 when it
stopped as asked. A database that goes away is waited for, not fatal.

`--batch` (cron, a Kubernetes CronJob, the scheduled Lambda): one tick, run the queued tasks,
exit; `--max-seconds` stops it taking new tasks after that long (a Lambda's deadline).

Many workers may run at once: tasks are claimed with SKIP LOCKED on PostgreSQL (SQLite's write
lock serialises them) and a periodic job is enqueued once per interval whoever ticks.
`--heartbeat FILE` touches FILE after every pass, for a liveness check (`entrypoint.sh
worker-healthcheck`).
"""

import logging
import os
import signal
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, TASKS_LOGGER, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from littlelemon.core.periodic import periodic_tick

logger = logging.getLogger(__name__)

#: Seconds to wait before trying again when the database is unreachable (long-running only).
DATABASE_RETRY_SECONDS = 5.0


class _TaskRunner(Worker):
    """django-tasks-db's worker in batch mode, which also stops after the task during which
    `deadline` (time.monotonic()) passed."""

    deadline: float | None = None

    def __init__(self, *, outcomes: Counter, **kwargs) -> None:
        super().__init__(**kwargs)
        self.outcomes = outcomes

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        self.outcomes[db_task_result.status] += 1
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.running = False


class Command(BaseCommand):
    help = "Run the background worker: periodic jobs and the tasks queue (--batch: once, then exit)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Tick once, run every queued task, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when the queue is empty (default 1)."
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=None,
            help="With --batch: take no new task after this many seconds (the task in hand finishes).",
        )
        parser.add_argument(
            "--heartbeat", type=Path, default=None, help="A file touched after every pass (a liveness check's)."
        )

    def handle(
        self,
        *,
        batch: bool,
        interval: float,
        max_seconds: float | None,
        heartbeat: Path | None,
        verbosity: int,
        **options,
    ) -> None:
        self.stopping = threading.Event()
        self.runner: _TaskRunner | None = None
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}"[-64:]
        self.deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self.heartbeat = heartbeat
        self.outcomes: Counter = Counter()
        enqueued: list[str] = []
        _quiet_library_logging(verbosity)
        if not batch:
            signal.signal(signal.SIGTERM, self._stop)
            # Started in the background of a shell (`make run`), it ignores the terminal's Ctrl-C
            # and hears the shell's SIGTERM instead: one signal, not two.
            if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
                signal.signal(signal.SIGINT, self._stop)
            logger.info("worker %s started (periodic tick every %ss)", self.worker_id, settings.PERIODIC_TICK_SECONDS)
        last_tick = float("-inf")
        while not self.stopping.is_set():
            try:
                if time.monotonic() - last_tick >= settings.PERIODIC_TICK_SECONDS:
                    enqueued = periodic_tick()
                    last_tick = time.monotonic()
                self._run_queued_tasks()
            except DatabaseError:
                if batch:
                    raise
                logger.exception("worker: the database failed; trying again in %ss", DATABASE_RETRY_SECONDS)
                connections.close_all()
                self.stopping.wait(DATABASE_RETRY_SECONDS)
                continue
            self._beat()
            if batch:
                break
            self.stopping.wait(interval)
        if batch:
            self.stdout.write(
                f"worker --batch: {len(enqueued)} periodic job(s) enqueued, {self.outcomes.total()} task(s) run"
                f" ({self.outcomes[TaskResultStatus.SUCCESSFUL]} successful,"
                f" {self.outcomes[TaskResultStatus.FAILED]} failed)"
            )
        else:
            logger.info("worker %s stopped", self.worker_id)

    def _run_queued_tasks(self) -> None:
        """Every ready task, in the order the backend hands them out, until none is left (or the
        deadline passed, or a signal came)."""
        runner = _TaskRunner(
            outcomes=self.outcomes,
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        runner.deadline = self.deadline
        self.runner = runner
        if not self.stopping.is_set():
            runner.run()
        self.runner = None

    def _beat(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.touch()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping.is_set():
            logger.warning("worker: %s again, stopping now", signal.strsignal(signum))
            raise SystemExit(1)
        logger.info("worker: %s, stopping after the task in hand", signal.strsignal(signum))
        self.stopping.set()
        if self.runner is not None:
            self.runner.running = False


def _quiet_library_logging(verbosity: int) -> None:
    """django-tasks-db says "starting" and "no more tasks" at INFO on every pass (every second):
    those only at -v 2. Each task's start and end (django_tasks) stays at the default verbosity."""
    logging.getLogger("django_tasks_db").setLevel(logging.DEBUG if verbosity >= 2 else logging.WARNING)
    logging.getLogger(TASKS_LOGGER).setLevel(
        logging.CRITICAL if verbosity == 0 else logging.DEBUG if verbosity >= 2 else logging.INFO
    )
