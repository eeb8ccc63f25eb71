#!/usr/bin/env bash
# Little Lemon's one entrypoint, the same in the image, under compose, in Kubernetes and on a VM:
#
#   entrypoint.sh web            gunicorn with config/gunicorn.conf.py (GUNICORN_BIND, WEB_CONCURRENCY, ...)
#   entrypoint.sh migrate        migrations under a PostgreSQL advisory lock (manage.py migrate_locked),
#                                then the database cache's table when a cache uses one; safe to run
#                                from every replica at once; with STATIC_PUBLISH_DIR set, then copies
#                                the image's collected static files there (the folder nginx serves)
#   entrypoint.sh worker [ARGS]  the background worker (manage.py worker): periodic jobs and the tasks
#                                queue, until SIGTERM; touches WORKER_HEARTBEAT_FILE after every pass
#   entrypoint.sh worker-batch [ARGS]
#                                manage.py worker --batch: one tick, the queued tasks, exit (a cron job,
#                                a Kubernetes CronJob); e.g. --max-seconds 45 to end before the next run
#   entrypoint.sh manage ARGS    manage.py ARGS (createsuperuser, clearsessions, seed_demo, ...)
#   entrypoint.sh healthcheck    exit 0 when this container's gunicorn answers /health (Docker's HEALTHCHECK)
#   entrypoint.sh worker-healthcheck
#                                exit 0 when this container's worker finished a pass within
#                                WORKER_HEARTBEAT_MAX_AGE seconds (300: longer than any one task)
#
# `python` is the one on PATH (the image's /opt/venv; set PATH or PYTHON to use another).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}

usage() {
  echo "usage: $0 {web|migrate|worker [ARGS...]|worker-batch [ARGS...]|manage ARGS...|healthcheck|worker-healthcheck}" >&2
  exit 64
}

[ $# -ge 1 ] || usage
# With Prometheus' multiprocess mode on, every process of the app (a `manage` command too)
# writes its metric files there: the folder must exist.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
command=$1
shift
# Where the worker says it is alive (a container's /tmp: writable even with a read-only root).
heartbeat=${WORKER_HEARTBEAT_FILE:-/tmp/littlelemon-worker.heartbeat}

case "$command" in
  web)
    # config/gunicorn.conf.py also empties Prometheus' multiprocess folder (var/prometheus) at start.
    exec "$PYTHON" -m gunicorn --config config/gunicorn.conf.py "$@"
    ;;
  migrate)
    "$PYTHON" manage.py migrate_locked --lock-timeout "${MIGRATE_LOCK_TIMEOUT:-600}" "$@"
    # A no-op unless a cache uses Django's database backend (AWS Lambda, no Redis).
    "$PYTHON" manage.py createcachetable
    if [ -n "${STATIC_PUBLISH_DIR:-}" ]; then
      # Added over the previous release's files, none removed: the names are content-hashed, so
      # a page still open from the previous release keeps finding its CSS while web restarts.
      static_root=$("$PYTHON" manage.py shell --no-imports -c 'from django.conf import settings; print(settings.STATIC_ROOT)')
      mkdir -p "$STATIC_PUBLISH_DIR"
      cp -R "$static_root/." "$STATIC_PUBLISH_DIR/"
      echo "Static files of this release copied to $STATIC_PUBLISH_DIR"
    fi
    ;;
  worker)
    # exec: the worker itself receives the container's SIGTERM and finishes the task in hand.
    exec "$PYTHON" manage.py worker --heartbeat "$heartbeat" "$@"
    ;;
  worker-batch)
    exec "$PYTHON" manage.py worker --batch "$@"
    ;;
  manage)
    exec "$PYTHON" manage.py "$@"
    ;;
  worker-healthcheck)
    max_age=${WORKER_HEARTBEAT_MAX_AGE:-300}
    if [ ! -f "$heartbeat" ]; then
      echo "worker-healthcheck: no heartbeat yet at $heartbeat" >&2
      exit 1
    fi
    age=$(($(date +%s) - $(stat -c %Y "$heartbeat")))
    if [ "$age" -gt "$max_age" ]; then
      echo "worker-healthcheck: the last pass ended ${age}s ago (more than ${max_age}s)" >&2
      exit 1
    fi
    ;;
  healthcheck)
    # Ask gunicorn itself, as the proxy in front would: a host name Django allows and the
    # scheme the proxy reports (production settings redirect plain HTTP to HTTPS).
    exec "$PYTHON" - <<'PY'
import os
import sys
import urllib.request

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").rsplit(":", 1)
port = bind[1] if len(bind) == 2 else "8000"
host = (os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(".*")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/health", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (loopback)
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"healthcheck: {error}", file=sys.stderr)
    sys.exit(1)
PY
    ;;
  *)
    usage
    ;;
esac
