"""AWS Lambda entry point (`config.lambda_handler.handler`): the same Django WSGI application
as gunicorn serves, behind API Gateway's HTTP API (payload format 2.0) through apig-wsgi.

Settings come from the environment as everywhere (production settings unless
DJANGO_SETTINGS_MODULE says otherwise). Lambda sets AWS_LAMBDA_FUNCTION_NAME, and the settings
follow from it (config/settings/base.py): the cache, throttle counters and sessions in the
database, media on S3 (AWS_STORAGE_BUCKET_NAME), no /metrics. Only /tmp is writable there.

Besides HTTP events the function takes operator events, `{"manage": ["migrate", "--noinput"]}`,
for the steps a release needs where there is no shell (migrations, the cache tables) and for
scheduled work (an EventBridge rule's constant input, e.g. `{"manage": ["clearsessions"]}`).
API Gateway's events always carry `requestContext`, which these never do, and only the allowed
commands run. `{"worker": "batch"}` (every minute) runs the background worker's batch mode within
the invocation's remaining time.
"""

import io
import logging
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

from apig_wsgi import make_lambda_handler
from django.core.management import call_command
from django.db import close_old_connections

from config.wsgi import application

logger = logging.getLogger(__name__)

#: The management commands an operator event may run.
MANAGE_COMMANDS = frozenset({"migrate", "createcachetable", "check", "clearsessions", "showmigrations"})

#: Seconds of the invocation a worker run leaves for the task in hand when it stops taking new
#: ones: the longest task, the outbox relay, stops itself within about 50 s.
WORKER_TASK_SECONDS = 60

# Binary bodies (images, compressed files) go back base64-encoded, text as it is.
_http_handler = make_lambda_handler(application, binary_support=True)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "requestContext" in event:
        return _http_handler(event, context)
    if "manage" in event:
        return manage(event["manage"])
    if event.get("worker") == "batch":
        return worker_batch(remaining_seconds=context.get_remaining_time_in_millis() / 1000)
    raise ValueError("Not an API Gateway event nor a {'manage': [...]} or {'worker': 'batch'} event.")


def manage(arguments: Any) -> dict[str, Any]:
    """Runs one allowed management command; its output comes back (and goes to the logs)."""
    if (
        not isinstance(arguments, list)
        or not arguments
        or not all(isinstance(argument, str) for argument in arguments)
        or arguments[0] not in MANAGE_COMMANDS
    ):
        raise ValueError(f"manage: a list of strings starting with one of {sorted(MANAGE_COMMANDS)}.")
    output = io.StringIO()
    try:
        call_command(*arguments, stdout=output, stderr=output)
    finally:
        close_old_connections()
    logger.info("manage %s done", " ".join(arguments), extra={"output": output.getvalue()})
    return {"command": arguments, "output": output.getvalue()}


def worker_batch(*, remaining_seconds: float) -> dict[str, Any]:
    """`manage.py worker --batch`: one periodic tick, then the queued tasks, taking no new one once
    only WORKER_TASK_SECONDS of the invocation are left (at least one task runs)."""
    budget = max(remaining_seconds - WORKER_TASK_SECONDS, 0.0)
    output = io.StringIO()
    try:
        call_command("worker", batch=True, max_seconds=budget, stdout=output, stderr=output)
    finally:
        close_old_connections()
    logger.info("worker batch done", extra={"max_seconds": budget, "output": output.getvalue()})
    return {"worker": "batch", "max_seconds": budget, "output": output.getvalue()}
