"""Housekeeping jobs of the core: finished task results do not pile up in the queue's table
(each change that writes an event enqueues a relay task, and every periodic job one per
interval), and the database caches (the throttle counters' table) stay bounded."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .cache import UpsertDatabaseCache


def task_results_purge(*, now: datetime | None = None) -> int:
    """Delete the results of tasks finished (successful or failed) more than
    TASK_RESULT_RETENTION_DAYS ago; ready and running ones stay. Returns how many. Idempotent."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def finished_tasks_purge() -> int:
    return task_results_purge()


@task()
def cache_tables_purge() -> dict[str, int]:
    """Deletes the expired entries of every database cache of ours (the throttle counters'
    table, unless they are in Redis) and keeps each within its MAX_ENTRIES. Idempotent."""
    return {alias: caches[alias].purge() for alias in settings.CACHES if isinstance(caches[alias], UpsertDatabaseCache)}
