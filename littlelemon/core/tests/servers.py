"""Real servers for tests: gunicorn on loopback with production settings, and a PostgreSQL
cluster of their own. For what only separate processes can show: several workers writing to
one SQLite file, throttle counters shared between processes, a database going away and coming
back while the server runs.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.utils import get_random_secret_key

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent

#: The variables a server must not inherit from the test run (its own come from `environment`).
_INHERITED_NOT = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")


def environment(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Production settings served over plain HTTP on loopback, with state under `tmp_path`."""
    env = {name: value for name, value in os.environ.items() if name not in _INHERITED_NOT}
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DEBUG": "false",
        "SECRET_KEY": get_random_secret_key() + get_random_secret_key(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": database_url,
        "THROTTLE_CACHE_DIR": str(tmp_path / "throttle"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Server:
    url: str
    pid: int | None = None  # gunicorn's master process

    def request(self, method: str, path: str, data: Any = None, token: str | None = None, **headers: str) -> Reply:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(self.url + path, data=body, method=method)  # noqa: S310 (loopback)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: Any, **kwargs: Any) -> Reply:
        return self.request("POST", path, data, **kwargs)

    def login(self, username: str, password: str) -> str:
        reply = self.post("/api/v1/auth/jwt/create/", {"username": username, "password": password})
        assert reply.status == 200, reply.body
        return reply.json()["access"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    env: dict[str, str], tmp_path: Path, *, workers: int = 2, options: tuple[str, ...] = ()
) -> Iterator[Server]:
    """Serve config.wsgi with `workers` processes until the block ends; `options` are more of
    gunicorn's (e.g. `("-c", "config/gunicorn.conf.py")` for the recommended configuration)."""
    port = _free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--no-control-socket",
                *options,
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", pid=process.pid)
    try:
        _wait_until_up(server, process, log)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(server: Server, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):  # start-up, not an assertion on speed: up to a minute on a loaded machine
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            if server.get("/health").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer /health:\n{log.read_text()}")


@dataclass(frozen=True)
class PostgresCluster:
    """A cluster started by .ci/postgres.sh's pg_start, for a test that stops and restarts it."""

    env: dict[str, str]  # PG_BIN, PG_DATA, PG_ROOT, PG_PORT, DATABASE_URL

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def _run(self, function: str) -> None:
        subprocess.run(
            ["bash", "-c", f"source .ci/postgres.sh && {function}"],  # noqa: S607
            cwd=ROOT,
            env=os.environ | self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def pause(self) -> None:
        self._run("pg_pause")

    def resume(self) -> None:
        self._run("pg_resume")


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster of the machine's installation, its own data and port: the
    suite's database (which the other tests use in parallel) is never touched."""
    names = ("PG_BIN", "PG_DATA", "PG_ROOT", "PG_PORT", "DATABASE_URL")
    env = {name: value for name, value in os.environ.items() if name != "PG_DATA" and name != "PG_ROOT"}
    started = subprocess.run(
        ["bash", "-c", "source .ci/postgres.sh && pg_start >&2 && env -0"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert started.returncode == 0, started.stderr.decode()
    exported = dict(item.split("=", 1) for item in started.stdout.decode().split("\0") if "=" in item)
    cluster = PostgresCluster({name: exported[name] for name in names})
    try:
        yield cluster
    finally:
        cluster._run("pg_stop")
