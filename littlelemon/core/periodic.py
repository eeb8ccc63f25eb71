"""Periodic jobs: one scheduler entry point (`periodic_tick`) that every setup calls.

Apps register tasks with an interval in their AppConfig.ready(). `periodic_tick()` enqueues each
job that is due, at most once per interval however many workers or cron runs call it: a
conditional UPDATE on the job's `PeriodicJob` row decides which caller enqueues. Who calls it:

- `manage.py worker` (long-running) every PERIODIC_TICK_SECONDS;
- `manage.py worker --batch` (a cron job, a Kubernetes CronJob, the scheduled Lambda) once.

Jobs themselves are idempotent: running one twice changes nothing more.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from .models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Task
    every: timedelta


_jobs: dict[str, Periodic] = {}


def periodic_register(task: Task, *, every: timedelta, name: str | None = None) -> None:
    job = Periodic(name=name or task.module_path, task=task, every=every)
    _jobs[job.name] = job


def periodic_jobs() -> list[Periodic]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def periodic_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due. Returns the names of the jobs this call enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        if _claim(job, now):
            job.task.enqueue()
            enqueued.append(job.name)
    if enqueued:
        logger.info("periodic jobs enqueued: %s", ", ".join(enqueued))
    return enqueued


def _claim(job: Periodic, now: datetime) -> bool:
    claimed = PeriodicJob.objects.filter(name=job.name, last_enqueued_at__lte=now - job.every).update(
        last_enqueued_at=now
    )
    if claimed:
        return True
    try:
        with transaction.atomic():
            PeriodicJob.objects.create(name=job.name, last_enqueued_at=now)
    except IntegrityError:
        return False  # the row exists and the job is not due, or another worker created it just now
    return True
