"""Gunicorn settings: the ones the deployment docs recommend and the ones `make bench` measures.

    gunicorn -c config/gunicorn.conf.py            # serves config.wsgi:application (gthread)
    GUNICORN_WORKER_CLASS=uvicorn_worker.UvicornWorker gunicorn -c config/gunicorn.conf.py
                                                   # serves config.asgi:application (the image's choice)

This file is the one place these numbers live; the README's "Deployment" section and the
benchmark (bench/) both point here, and bench/out/results.json records what was in effect.
Environment variables override each value (WEB_CONCURRENCY, GUNICORN_THREADS, ...).

Why these values (measured with `make bench` on a 2-core machine; see the README's Performance
section): the app is synchronous Django, CPU-bound with short database calls, so it scales
with processes (one GIL each), not threads. A few threads per worker let a process keep
accepting and answering kept-alive connections while one request waits on the database, and
keep-alive saves a TCP handshake per request for clients (and proxies) that reuse connections.
"""

import os

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores + 1))
# The image (deploy/Dockerfile) sets GUNICORN_WORKER_CLASS=uvicorn_worker.UvicornWorker: the ASGI
# application, which serves the live updates' streams (/live/stream/, docs/live-updates.md) beside
# every other page. gthread serves the WSGI one, where streams cannot live: set LIVE_MODE=poll then.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
ASGI = worker_class.startswith("uvicorn_worker.")
wsgi_app = "config.asgi:application" if ASGI else "config.wsgi:application"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Import the project once in the master, then fork: workers start fast and share its memory.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10

# Behind the proxy only: gunicorn answers on loopback (GUNICORN_BIND, default 127.0.0.1:8000) or,
# in containers, on the private network with no published port. nginx (deploy/nginx) in front
# reads whole requests before passing them on, so slow clients hold nginx connections rather than
# these workers; it sets X-Forwarded-For from the client's socket (the app runs with
# TRUSTED_PROXIES=1) and refuses oversized requests. Exposed directly, gunicorn would let any
# client stall a worker and claim any address. See SECURITY.md, "Behind the proxy".

#: The most of a refused request's body read and thrown away after the answer (see post_request).
_DRAIN_MAX = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def post_request(worker, req, environ, resp):  # gthread's hook (uvicorn reads what it must itself)
    """Read the rest of a body the app answered without reading (a 413 refuses by Content-Length).

    Otherwise the connection is closed with the body still arriving: the kernel resets it, and a
    proxy still sending that body sees a broken pipe and answers 502 instead of the app's 413.
    Bounded by UPLOAD_MAX_BYTES (the proxy never sends more) and by the worker timeout."""
    body = getattr(req, "body", None)
    left = _DRAIN_MAX
    while body is not None and left > 0:
        chunk = body.read(min(64 * 1024, left))
        if not chunk:
            break
        left -= len(chunk)


# --- Prometheus metrics across workers (littlelemon/observability/metrics.py) ---------------
# Each worker writes its metrics to files in PROMETHEUS_MULTIPROC_DIR and a scrape of /metrics,
# answered by any worker, adds them all up. The directory must exist before prometheus_client
# is imported (the app is preloaded right after this file is read) and start empty, or the
# previous run's counts would be added to this one's: one directory per server.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "prometheus")
)
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
for _name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]):
    if _name.endswith(".db"):
        os.remove(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], _name))


def post_fork(server, worker):
    from littlelemon.observability.metrics import SERVER_PROCESSES

    SERVER_PROCESSES.set(1)


def child_exit(server, worker):
    # A worker that exited (max_requests, a crash, a scale-down) leaves its counters, which keep
    # counting in the totals, but its live gauges must go: SERVER_PROCESSES would count it still.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
