"""Operational endpoints: liveness and readiness for load balancers and Kubernetes probes."""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches no dependency, so a database outage does not
    make an orchestrator kill healthy workers."""
    return JsonResponse({"status": "ok"})


#: How long the readiness check's write waits for a lock held by another writer before it calls
#: the database not ready: a busy moment passes within it, and the answer comes well inside a
#: probe's usual one-second timeout (the application's own writes wait SQLITE_BUSY_TIMEOUT).
READY_LOCK_WAIT_MS = 500


def _check_database() -> None:
    """The database takes a write: one row updated in a transaction that is always rolled back.

    `SELECT 1` answers while nothing can be written (a read-only SQLite file or a connection
    opened while it was read-only, a read-only PostgreSQL); a write proves the lock, the file
    and the connection. The row is the first of Django's migration records, which no request
    writes, so the check waits for no one's lock but another probe's.
    """
    connection = connections["default"]
    try:
        with _sqlite_busy_timeout(connection, READY_LOCK_WAIT_MS), transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{READY_LOCK_WAIT_MS}ms"])
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{2 * READY_LOCK_WAIT_MS}ms"])
                cursor.execute(
                    "UPDATE django_migrations SET applied = applied WHERE id = (SELECT MIN(id) FROM django_migrations)"
                )
            transaction.set_rollback(True, using=connection.alias)
    except DatabaseError:
        # Not kept for the next request (as ServerErrorMiddleware does after a view's database
        # error): a connection opened while the file was read-only would stay read-only.
        if not connection.in_atomic_block:
            connection.close()
        raise


@contextmanager
def _sqlite_busy_timeout(connection: BaseDatabaseWrapper, milliseconds: int) -> Iterator[None]:
    """On SQLite, this connection's busy timeout set to `milliseconds` for the block (the
    IMMEDIATE transaction waits for the write lock at BEGIN), then put back. PostgreSQL's
    timeouts are set inside the transaction instead (`set_config(..., true)` ends with it)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (configured,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(configured)}")


def _check_cache() -> None:
    for alias in ("default", "throttle"):
        cache = caches[alias]
        key = f"ready:{uuid.uuid4().hex}"
        cache.set(key, "1", timeout=5)
        if cache.get(key) != "1":
            raise RuntimeError(f"cache {alias!r} did not return what was stored")
        cache.delete(key)


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: the database takes a write and the caches answer. 503 names what failed.

    A failed check's database connection is closed, so the next probe opens a new one."""
    checks: dict[str, str] = {}
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            check()
            checks[name] = "ok"
        except Exception:  # any failure of a dependency means "not ready", never a 500
            logger.exception("readiness check %s failed", name)
            checks[name] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
