"""The compose topology (deploy/compose.yaml) run for real as local processes: no container runtime
is reachable here, so each service runs what its container would, with the environment the compose
file gives it (read from the file and the image's Dockerfile, never copied here), overriding only
host names, ports and paths to loopback and a temporary folder:

- postgres: a throwaway cluster, with the user and database the postgres image creates from its
  POSTGRES_* variables;
- redis: redis-server with the service's own arguments;
- the image's build step: collectstatic, as the Dockerfile runs it;
- migrate: `deploy/entrypoint.sh migrate` (the advisory lock, the static files published);
- web: `deploy/entrypoint.sh web` (gunicorn with config/gunicorn.conf.py), healthy by the
  entrypoint's own `healthcheck`;
- worker: `deploy/entrypoint.sh worker`, healthy by its `worker-healthcheck` (started by its test);
- nginx: deploy/nginx's templates rendered with the service's variables, TLS with a certificate
  made for the test.

Then a customer signs up, logs in, fills a cart and places an order through nginx over HTTPS,
and the worker relays the order's event.
"""

import http.client
import json
import os
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from . import deploy_env, servers
from .servers import ROOT, postgres_cluster

pytestmark = pytest.mark.server

ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
PASSWORD = "a-long-lemon-pass-phrase-42"


def image_environment() -> dict[str, str]:
    """The ENV of the Dockerfile's last stage: what every container of the image starts with."""
    text = (ROOT / "deploy" / "Dockerfile").read_text().replace("\\\n", " ")
    last_stage = text[text.rindex("\nFROM ") :]
    result: dict[str, str] = {}
    for line in last_stage.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                name, value = pair.split("=", 1)
                result[name] = value
    return result


def _loopback(env: dict[str, str], replacements: dict[str, str]) -> dict[str, str]:
    """`env` with the compose network's host:port pairs (and paths) replaced by local ones."""
    result = {}
    for name, value in env.items():
        for old, new in replacements.items():
            value = value.replace(old, new)
        result[name] = value
    return result


def _process_env(container_env: dict[str, str]) -> dict[str, str]:
    """What the process sees: the container's variables; the image's /opt/venv is this virtualenv."""
    path = container_env["PATH"].replace("/opt/venv/bin", str(servers.BIN)).replace("$PATH", os.environ["PATH"])
    return {"HOME": str(ROOT), "LANG": "C.UTF-8"} | container_env | {"PATH": path}


def _run(env: dict[str, str], *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == expect, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@contextmanager
def _process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait(condition, process: subprocess.Popen, log: Path, what: str) -> None:
    for _ in range(300):  # start-up, not an assertion on speed: up to a minute on a loaded machine
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come up:\n{log.read_text()}")


def _certificate(directory: Path, host: str) -> tuple[Path, Path]:
    """A self-signed certificate for `host` and 127.0.0.1 (certbot's files stand-in)."""
    certificate, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [
            shutil.which("openssl") or "/usr/bin/openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=DNS:{host},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Site:
    """HTTPS to nginx on loopback, as a browser of `host` would send it."""

    port: int
    http_port: int
    host: str
    context: ssl.SSLContext

    def request(self, method: str, path: str, data: Any = None, token: str | None = None, **headers: str) -> Reply:
        sent = {"Host": self.host, **{name.replace("_", "-"): value for name, value in headers.items()}}
        body = None
        if data is not None:
            body, sent["Content-Type"] = json.dumps(data).encode(), "application/json"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def plain_http(self, path: str) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=60)
        try:
            connection.request("GET", path, headers={"Host": self.host})
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stack")
    assert shutil.which("redis-server"), "redis-server is missing: `make redis` installs it"
    assert servers.NGINX.is_file(), f"{servers.NGINX} is missing: `make nginx` installs it"
    image = image_environment()
    db_port, redis_port, web_port, https_port, http_port = (servers._free_port() for _ in range(5))

    with postgres_cluster() as cluster:
        # postgres: the user and database the official image creates from its variables.
        postgres = deploy_env.compose_environment("postgres")
        with psycopg.connect(cluster.database_url, autocommit=True) as admin:
            user, database = postgres["POSTGRES_USER"], postgres["POSTGRES_DB"]
            password = sql.Literal(postgres["POSTGRES_PASSWORD"])
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(user), password))
            if database == "littlelemon":  # pg_start created it, owned by postgres
                admin.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(*map(sql.Identifier, (database, user))))
            else:
                admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(*map(sql.Identifier, (database, user))))
        db_port = int(cluster.env["PG_PORT"])

        paths = {
            "/app/staticfiles": str(tmp / "image-staticfiles"),
            "/app/var/media": str(tmp / "media-volume"),
            "/app/var/cache/throttle": str(tmp / "throttle"),
            "/app/var/prometheus": str(tmp / "prometheus"),
            "/srv/static": str(tmp / "static-volume"),
            "/srv/media": str(tmp / "media-volume"),
        }
        network = {
            "@postgres:5432/": f"@127.0.0.1:{db_port}/",
            "redis://redis:6379/": f"redis://127.0.0.1:{redis_port}/",
            "0.0.0.0:8000": f"127.0.0.1:{web_port}",
            **paths,
        }
        migrate_env = _process_env(_loopback(image | deploy_env.compose_environment("migrate"), network))
        web_env = _process_env(_loopback(image | deploy_env.compose_environment("web"), network))
        worker_env = _process_env(_loopback(image | deploy_env.compose_environment("worker"), network))

        # redis: the service's own command, on a loopback port.
        redis_command = deploy_env.compose_file()["services"]["redis"]["command"]
        assert redis_command[0] == "redis-server"
        redis_log = tmp / "redis.log"
        with _process(
            [*redis_command, "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(tmp)],
            os.environ.copy(),
            redis_log,
        ) as redis:
            _wait(lambda: _answers(redis_port), redis, redis_log, "redis-server")

            # The image's build step: collectstatic with a throwaway key (deploy/Dockerfile).
            build_env = _process_env(
                image
                | {
                    "SECRET_KEY": "collectstatic-at-build-time-only-never-used-at-run-time",
                    "ALLOWED_HOSTS": "build.invalid",
                    "STATIC_ROOT": paths["/app/staticfiles"],
                }
            )
            _run(build_env, str(servers.BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0")

            migrated = _run(migrate_env, str(ENTRYPOINT), "migrate")
            # What an operator does once, through the entrypoint's passthrough: the demo menu.
            _run(web_env, str(ENTRYPOINT), "manage", "seed_demo", "--force", "--quiet-logins")

            web_log = tmp / "web.log"
            with _process([str(ENTRYPOINT), "web"], web_env, web_log) as web:
                _wait(
                    lambda: (
                        subprocess.run([str(ENTRYPOINT), "healthcheck"], env=web_env, capture_output=True).returncode
                        == 0
                    ),
                    web,
                    web_log,
                    "entrypoint.sh web",
                )
                host = web_env["ALLOWED_HOSTS"].split(",")[0]
                with _nginx(tmp, web_port, https_port, http_port, host, paths) as (nginx_process, nginx_root):
                    context = ssl.create_default_context(cafile=str(nginx_root / "fullchain.pem"))
                    site = Site(https_port, http_port, host, context)
                    _wait(lambda: _up(site), nginx_process, nginx_root / "error.log", "nginx")
                    yield {
                        "site": site,
                        "database_url": f"postgres://{user}:{postgres['POSTGRES_PASSWORD']}@127.0.0.1:{db_port}/{database}",
                        "migrated": migrated.stdout,
                        "web_env": web_env,
                        "worker_env": worker_env,
                        "web_log": web_log,
                        "nginx_root": nginx_root,
                        "static_volume": Path(paths["/srv/static"]),
                        "pg_bin": cluster.env["PG_BIN"],
                    }


def _answers(port: int) -> bool:
    try:
        import redis

        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping()
    except Exception:  # not up yet
        return False


def _up(site: Site) -> bool:
    try:
        return site.request("GET", "/health").status == 200
    except OSError:
        return False


@contextmanager
def _nginx(tmp: Path, web_port: int, https_port: int, http_port: int, host: str, paths: dict[str, str]):
    """deploy/nginx's nginx.conf and both templates, rendered with the compose service's variables
    (loopback ports and temporary paths in place of the container's), its own master process."""
    root = tmp / "nginx"
    conf = root / "conf"
    (conf / "conf.d").mkdir(parents=True)
    (root / "temp").mkdir()
    (root / "acme").mkdir()
    certificate, key = _certificate(root, host)
    shutil.copy(servers.DEPLOY_NGINX / "nginx.conf", conf / "nginx.conf")
    shutil.copy(Path("/etc/nginx/mime.types"), conf / "mime.types")
    service = deploy_env.compose_environment("nginx")
    local = {
        "web:8000": f"127.0.0.1:{web_port}",
        "/var/cache/nginx/littlelemon": str(root / "cache"),
        "/var/cache/nginx": str(root / "temp"),
        "/var/www/certbot": str(root / "acme"),
        f"/etc/letsencrypt/live/{host}/fullchain.pem": str(certificate),
        f"/etc/letsencrypt/live/{host}/privkey.pem": str(key),
        "/dev/stdout": str(root / "access.log"),
        **paths,
    }
    values = _loopback(service, local)
    assert values["NGINX_PORT"] == "443 ssl" and values["NGINX_HTTP_PORT"] == "80"
    values |= {"NGINX_PORT": f"127.0.0.1:{https_port} ssl", "NGINX_HTTP_PORT": f"127.0.0.1:{http_port}"}
    renderer = servers._renderer()
    for template in sorted(servers.DEPLOY_NGINX.glob("*.template")):
        (conf / "conf.d" / template.name.removesuffix(".template")).write_text(renderer.render(values, template))
    with _process(servers.nginx_command(root, conf), servers.nginx_env(), root / "stderr.log") as process:
        yield process, root


def test_the_stack_serves_over_https_with_the_shipped_settings(stack):
    site: Site = stack["site"]

    redirect = site.plain_http("/menu/?page=2")
    ready = site.request("GET", "/ready")
    page = site.request("GET", "/")

    assert redirect.status == 301
    assert redirect.headers["Location"] == f"https://{site.host}/menu/?page=2"
    assert ready.status == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "Server" not in page.headers or "nginx/" not in page.headers["Server"]


def test_migrate_ran_under_the_lock_and_published_the_images_static_files_where_nginx_serves_them(stack):
    site: Site = stack["site"]
    manifest = json.loads((stack["static_volume"] / "staticfiles.json").read_text())
    hashed = next(name for name in manifest["paths"].values() if name.endswith(".css"))

    stylesheet = site.request("GET", f"/static/{hashed}")

    assert re.search(r"Applying orders\.0001_initial\.\.\.\s*OK", stack["migrated"]), stack["migrated"]
    assert f"Static files of this release copied to {stack['static_volume']}" in stack["migrated"]
    assert stylesheet.status == 200
    assert stylesheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with psycopg.connect(stack["database_url"]) as conn:
        cache_tables = conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE '%%cache%%'").fetchall()
        (throttle_entries,) = conn.execute("SELECT COUNT(*) FROM throttle_cache").fetchone()
    # Redis is the cache here: createcachetable made nothing, and the throttle table that every
    # migrate makes (core 0004) stays empty.
    assert (cache_tables, throttle_entries) == ([("throttle_cache",)], 0)


def _place_order(site: Site, username: str) -> tuple[Reply, str, dict]:
    """Sign up, log in with a JWT, put two of the dearest available dish in the cart and place a
    pickup order (scheduled for the opening time when the clock falls outside opening hours)."""
    signed_up = site.request(
        "POST", "/api/v1/auth/users/", {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    )
    assert signed_up.status == 201, signed_up.body
    login = site.request("POST", "/api/v1/auth/jwt/create/", {"username": username, "password": PASSWORD})
    assert login.status == 200, login.body
    token = login.json()["access"]
    dish = site.request("GET", "/api/v1/menu-items/?available=true&ordering=price").json()["results"][-1]
    added = site.request("POST", "/api/v1/cart/items/", {"menuitem": dish["id"], "quantity": 2}, token=token)
    assert added.status == 201, added.body
    placed = site.request("POST", "/api/v1/orders/", {"fulfilment": "pickup"}, token=token, Idempotency_Key="1")
    if placed.status == 400 and placed.json()["code"] == "restaurant_closed":
        when = {"fulfilment": "pickup", "scheduled_for": placed.json()["opens_at"]}
        placed = site.request("POST", "/api/v1/orders/", when, token=token, Idempotency_Key="2")
    assert placed.status == 201, placed.body
    assert placed.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert placed.headers["X-Content-Type-Options"] == "nosniff"
    assert placed.headers.get("X-Cache-Status") != "HIT"
    return placed, token, dish


def _orders_of(database_url: str, username: str) -> list[tuple]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT o.id, o.status, o.total, i.quantity, i.menuitem_id FROM orders_order o"
            " JOIN orders_orderitem i ON i.order_id = o.id JOIN accounts_user u ON u.id = o.customer_id"
            " WHERE u.username = %s ORDER BY o.id, i.id",
            [username],
        ).fetchall()


def test_a_customer_places_an_order_through_nginx(stack):
    site: Site = stack["site"]

    placed, token, dish = _place_order(site, "stack-guest")
    order = placed.json()
    cart = site.request("GET", "/api/v1/cart/", token=token)

    assert order["status"] == "placed"
    assert [(item["menuitem"], item["quantity"]) for item in order["items"]] == [(dish["id"], 2)]
    assert cart.json()["items"] == []
    rows = _orders_of(stack["database_url"], "stack-guest")
    assert [(status, quantity, menuitem) for _, status, _, quantity, menuitem in rows] == [("placed", 2, dish["id"])]

    # The logs: nginx's access log has the request, the app's log no traceback.
    access_log = (stack["nginx_root"] / "access.log").read_text()
    assert re.search(r'"POST /api/v1/orders/ HTTP/1\.1" 201 ', access_log), access_log[-2000:]
    app_log = stack["web_log"].read_text()
    assert "Booting worker" in app_log
    assert "Traceback" not in app_log and " ERROR " not in app_log, app_log[-3000:]
    assert '"level": "error"' not in app_log, app_log[-3000:]
    # The JSON request line of the placement carries the id the response echoed.
    lines = [json.loads(line) for line in app_log.splitlines() if line.startswith("{")]
    (line,) = [
        line
        for line in lines
        if line.get("path") == "/api/v1/orders/" and line.get("method") == "POST" and line.get("status") == 201
    ]
    assert line["request_id"] == placed.headers["X-Request-ID"]
    # ...which is nginx's own id for it, in its access log line (the app trusts its one proxy).
    assert f"request_id={placed.headers['X-Request-ID']}" in access_log
    assert line["user_id"] == order["customer"]


def _placed_event_delivered_at(database_url: str, order_id: int):
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT delivered_at FROM events_outboxevent"
            " WHERE type = 'order.placed' AND aggregate = 'order' AND aggregate_id = %s",
            [str(order_id)],
        ).fetchone()
    assert row is not None, f"order {order_id} has no order.placed event"
    return row[0]


def _task_statuses(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY status")
        return dict(rows.fetchall())


def test_the_worker_relays_an_orders_event_and_stops_on_sigterm(stack, tmp_path):
    """`entrypoint.sh worker` with the compose service's environment: healthy by its heartbeat,
    it runs the queue the earlier orders left, relays a new order's event, and exits 0 on the
    SIGTERM `docker compose stop` sends."""
    site: Site = stack["site"]
    database_url = stack["database_url"]
    heartbeat = tmp_path / "worker.heartbeat"
    env = stack["worker_env"] | {"WORKER_HEARTBEAT_FILE": str(heartbeat)}
    log = tmp_path / "worker.log"
    waiting_before = _task_statuses(database_url).get("READY", 0)

    with _process([str(ENTRYPOINT), "worker"], env, log) as worker:
        _wait(heartbeat.exists, worker, log, "entrypoint.sh worker")
        healthy = _run(env, str(ENTRYPOINT), "worker-healthcheck")
        placed, _, _ = _place_order(site, "stack-worker")
        order_id = placed.json()["id"]
        _wait(lambda: _placed_event_delivered_at(database_url, order_id) is not None, worker, log, "the relay")
        _wait(lambda: set(_task_statuses(database_url)) == {"SUCCESSFUL"}, worker, log, "an empty queue")
        worker.send_signal(signal.SIGTERM)
        returncode = worker.wait(timeout=60)

    assert healthy.returncode == 0
    assert waiting_before > 0  # the earlier tests' orders had queued the relay, with no worker yet
    assert returncode == 0, log.read_text()
    output = log.read_text()
    assert "Traceback" not in output and '"level": "error"' not in output, output[-3000:]
    # JSON log lines, as web's: the relay's task ran in this worker, which said it stopped.
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    events = [line["event"] for line in lines]
    assert any("path=littlelemon.events.tasks.relay_outbox state=SUCCESSFUL" in event for event in events), events
    assert any(event.startswith("worker") and event.endswith("stopped") for event in events), events


def test_backup_wipe_and_restore_give_back_the_same_orders(stack, tmp_path):
    """deploy/backup.sh and deploy/restore.sh against the stack's database, as its own user."""
    site: Site = stack["site"]
    placed, token, _ = _place_order(site, "stack-backup")
    order = placed.json()
    before = _orders_of(stack["database_url"], "stack-backup")
    env = os.environ | {"DATABASE_URL": stack["database_url"], "BACKUP_DIR": str(tmp_path / "backups")}
    env["PATH"] = f"{stack['pg_bin']}:{env['PATH']}"

    dumped = _run(env, str(ROOT / "deploy" / "backup.sh"))
    dump = Path(dumped.stdout.strip())
    with psycopg.connect(stack["database_url"], autocommit=True) as conn:
        conn.execute("DROP OWNED BY CURRENT_USER")  # the wipe: every table, sequence and trigger gone
        (tables,) = conn.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    refused = _run(env, str(ROOT / "deploy" / "restore.sh"), str(dump), expect=64)
    restored = _run(env, str(ROOT / "deploy" / "restore.sh"), str(dump), "--yes")

    assert dump.parent == tmp_path / "backups" and dump.name.startswith("littlelemon-") and dump.suffix == ".dump"
    assert tables == 0
    assert "usage:" in refused.stderr
    assert f"restored {dump}" in restored.stdout
    assert _orders_of(stack["database_url"], "stack-backup") == before
    assert before and before[0][0] == order["id"]
    # The restored database serves: the same order through nginx, the same JWT still accepted.
    again = site.request("GET", f"/api/v1/orders/{order['id']}/", token=token)
    assert again.status == 200, again.body
    assert again.json()["total"] == order["total"]
    assert site.request("GET", "/ready").json()["checks"] == {"database": "ok", "cache": "ok"}
    unapplied = _run(stack["web_env"], str(ENTRYPOINT), "manage", "migrate", "--check")
    assert unapplied.returncode == 0
