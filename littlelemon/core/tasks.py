"""The worker's own housekeeping: finished task results do not pile up in the queue's table (each
change that writes an event enqueues a relay task, and every periodic job one per interval)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult


def task_results_purge(*, now: datetime | None = None) -> int:
    """Delete the results of tasks finished (successful or failed) more than
    TASK_RESULT_RETENTION_DAYS ago; ready and running ones stay. Returns how many. Idempotent."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def finished_tasks_purge() -> int:
    return task_results_purge()
