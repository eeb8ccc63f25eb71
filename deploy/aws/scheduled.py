"""The Lambda function that runs manage.py batch commands: EventBridge's schedule (housekeeping)
and the release step (migrations), in the same package and with the same settings as the web
function (deploy/aws/template.yaml).

    handler({"task": "housekeeping"}, context)   # every night, from the EventBridge schedule
    handler({"task": "migrate"}, context)        # once per release: `sam remote invoke` (docs/deploy.md)

Only the tasks named here can run: an event cannot choose an arbitrary command. The worker's batch
mode joins them when the worker exists.
"""

import io
import logging
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

logger = logging.getLogger(__name__)

#: task -> the manage.py commands it runs, in order.
TASKS: dict[str, tuple[tuple[str, ...], ...]] = {
    # Expired sessions (the database session store on Lambda), expired JWT refresh tokens of the
    # blacklist, and log-in attempt logs older than 30 days (django-axes).
    "housekeeping": (("clearsessions",), ("flushexpiredtokens",), ("axes_reset_logs", "--age", "30")),
    # Migrations under the advisory lock, then the database cache's table (the cache, the
    # throttle counters and the sessions live in the database on Lambda: there is no Redis).
    "migrate": (("migrate_locked",), ("createcachetable",)),
}


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    task = event.get("task") if isinstance(event, dict) else None
    if not isinstance(task, str) or task not in TASKS:
        raise ValueError(f"unknown task {task!r}: use one of {', '.join(sorted(TASKS))}")
    outputs = []
    for name, *args in TASKS[task]:
        out = io.StringIO()
        call_command(name, *args, stdout=out, stderr=out)
        logger.info("%s: manage.py %s done", task, " ".join([name, *args]))
        outputs.append({"command": " ".join([name, *args]), "output": out.getvalue().strip()})
    return {"task": task, "commands": outputs}
