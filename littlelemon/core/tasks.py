from django.conf import settings
from django.core.cache import caches
from django_tasks import task

from .cache import UpsertDatabaseCache


@task()
def cache_tables_purge() -> dict[str, int]:
    """Deletes the expired entries of every database cache of ours (the throttle counters'
    table, unless they are in Redis) and keeps each within its MAX_ENTRIES. Idempotent."""
    return {alias: caches[alias].purge() for alias in settings.CACHES if isinstance(caches[alias], UpsertDatabaseCache)}
