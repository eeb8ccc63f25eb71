"""Operational endpoints: liveness and readiness for load balancers and Kubernetes probes."""

import logging
import uuid

from django.core.cache import caches
from django.db import connections
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


def _check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


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
    """Readiness: the database and the caches answer. 503 names what failed."""
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
