"""Real servers for tests: gunicorn on loopback with production settings, nginx in front of it
with the shipped configuration (deploy/nginx), and a PostgreSQL cluster of their own. For what
only separate processes can show: several workers writing to one SQLite file, throttle counters
shared between processes, a database going away and coming back while the server runs, what a
shared cache in front answers to whom.
"""

import http.client
import importlib.util
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
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
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def access_token(env: dict[str, str], username: str) -> str:
    """A JWT access token for `username`, made with the server's settings by a process of its
    own: no server worker has touched the database for it."""
    code = (
        "from django.contrib.auth import get_user_model; "
        "from rest_framework_simplejwt.tokens import AccessToken; "
        f"print(AccessToken.for_user(get_user_model().objects.get(username={username!r})))"
    )
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


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
    env: dict[str, str],
    tmp_path: Path,
    *,
    workers: int = 2,
    deployed: bool = False,
) -> Iterator[Server]:
    """Serve config.wsgi with `workers` processes until the block ends; `deployed`: with the
    shipped settings (config/gunicorn.conf.py: gthread workers, keep-alive, its hooks)."""
    port = _free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    if deployed:  # the metrics' files: one directory per server (config/gunicorn.conf.py empties it)
        env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"prometheus-{port}"), **env}
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
                *(["-c", str(ROOT / "config" / "gunicorn.conf.py")] if deployed else []),
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


# --- nginx in front (deploy/nginx) -------------------------------------------------------

NGINX = Path(os.environ.get("NGINX", "/usr/sbin/nginx"))
DEPLOY_NGINX = ROOT / "deploy" / "nginx"


def _renderer() -> Any:
    spec = importlib.util.spec_from_file_location("deploy_nginx_render", DEPLOY_NGINX / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Proxy(Server):
    """nginx started by `nginx()`: its URL, and where its files are."""

    root: Path = Path()

    def error_log(self) -> str:
        return (self.root / "error.log").read_text()


def nginx_command(root: Path, conf: Path) -> list[str]:
    """nginx in the foreground with its prefix, pid and error log under `root` and `conf`'s
    nginx.conf; as root (a container) the workers run as the test's user too, to read the
    temporary files."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    return [
        str(NGINX),
        "-p",
        f"{root}/",
        "-c",
        str(conf / "nginx.conf"),
        "-e",
        str(root / "error.log"),
        "-g",
        f"daemon off; pid {root / 'nginx.pid'}; {user}",
    ]


def nginx_env() -> dict[str, str]:
    """The environment without `NGINX` (make's path to the binary), which nginx would read as
    sockets handed over by a binary upgrade."""
    return {name: value for name, value in os.environ.items() if name != "NGINX"}


@contextmanager
def nginx(upstream: Server, tmp_path: Path, **values: str) -> Iterator[Proxy]:
    """deploy/nginx/nginx.conf and the rendered default.conf.template in front of `upstream`, on a
    free loopback port, until the block ends: a master process of its own (`-p` a temporary
    prefix, pid and error log there, `daemon off`), never the machine's nginx service.
    `values` override the template's variables (rates, timeouts, UPLOAD_MAX_BYTES, STATIC_ROOT...).
    """
    assert NGINX.is_file(), f"{NGINX} is missing: `make nginx` installs Debian's nginx"
    port = _free_port()
    root = tmp_path / f"nginx-{port}"
    conf = root / "conf"
    for directory in (conf / "conf.d", root / "temp", root / "static", root / "media"):
        directory.mkdir(parents=True)
    shutil.copy(DEPLOY_NGINX / "nginx.conf", conf / "nginx.conf")
    shutil.copy(Path("/etc/nginx/mime.types"), conf / "mime.types")
    variables = {
        "APP_UPSTREAM": urllib.parse.urlsplit(upstream.url).netloc,
        "NGINX_PORT": f"127.0.0.1:{port}",
        "STATIC_ROOT": str(root / "static"),
        "MEDIA_ROOT": str(root / "media"),
        "NGINX_CACHE_DIR": str(root / "cache"),
        "NGINX_TEMP_DIR": str(root / "temp"),
        "NGINX_ACCESS_LOG": str(root / "access.log"),
        "UPLOAD_MAX_BYTES": str(10 * 1024 * 1024),
        "NGINX_CACHED_RATE": "20r/s",
        "NGINX_CACHED_BURST": "40",
        "NGINX_CLIENT_TIMEOUT": "10s",
        **values,
    }
    (conf / "conf.d" / "littlelemon.conf").write_text(_renderer().render(variables))
    with open(root / "stderr.log", "wb") as output:
        process = subprocess.Popen(nginx_command(root, conf), stdout=output, stderr=subprocess.STDOUT, env=nginx_env())
    proxy = Proxy(f"http://127.0.0.1:{port}", root=root)
    try:
        for _ in range(150):  # start-up, not an assertion on speed
            if process.poll() is not None:
                raise AssertionError(f"nginx exited with {process.returncode}:\n{(root / 'stderr.log').read_text()}")
            try:
                if proxy.get("/health").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise AssertionError(f"nginx did not answer /health:\n{proxy.error_log()}")
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Client:
    """An HTTP client from a loopback address of its own (all of 127.0.0.0/8 reaches loopback), so
    a proxy sees separate clients. It keeps cookies like a browser and follows no redirect."""

    url: str
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        data: Any = None,
        *,
        token: str | None = None,
        form: Mapping[str, str] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        parts = urllib.parse.urlsplit(self.url)
        sent = dict(headers or {})
        if data is not None:
            body, sent["Content-Type"] = json.dumps(data).encode(), "application/json"
        elif form is not None:
            body, sent["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(self.source, 0))
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, dict(response.getheaders()), response.read())
            for header in response.headers.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return reply
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, data, **kwargs)


# --- an ASGI server (uvicorn) on the test database ----------------------------------------

#: Not for the server: the test run's own settings and the browser tests' async-unsafe switch.
_ASGI_INHERITED_NOT = (*_INHERITED_NOT, "DJANGO_ALLOW_ASYNC_UNSAFE", "NGINX")


def test_database_url() -> str:
    """The URL of the database this test run created (pytest-django's test database, SQLite file or
    PostgreSQL), for a server process that must see what the tests commit."""
    from django.db import connection

    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(database['NAME']).resolve()}"
    quote = urllib.parse.quote
    credentials = quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database.get("HOST") or "localhost"
    if host.startswith("/"):  # a socket directory
        return f"postgres://{credentials}@/{quote(database['NAME'], safe='')}?host={quote(host, safe='')}"
    return f"postgres://{credentials}@{host}:{database.get('PORT') or 5432}/{quote(database['NAME'], safe='')}"


class AsgiServer(Server):
    """config.asgi under uvicorn on a free loopback port, with the test settings
    (config.settings.test) and this test run's database: a real ASGI server for the live streams
    and for browser tests that need one. `stop()` and `start()` again (same port: a browser's
    EventSource reconnects to it); the `asgi_server` fixture (conftest.py) stops it at the end.
    Tests using it must commit their data (transactional tests)."""

    def __init__(self, tmp_path: Path, **env: str):
        port = _free_port()
        object.__setattr__(self, "url", f"http://127.0.0.1:{port}")
        object.__setattr__(self, "pid", None)
        self.port = port
        self.log = tmp_path / f"uvicorn-{port}.log"
        self.env = {name: value for name, value in os.environ.items() if name not in _ASGI_INHERITED_NOT} | {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "0",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def __setattr__(self, name: str, value: Any) -> None:  # Server is frozen; this one has state
        object.__setattr__(self, name, value)

    def start(self) -> "AsgiServer":
        assert self.process is None, "already started"
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                [
                    str(BIN / "uvicorn"),
                    "config.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--lifespan",
                    "off",
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    "1",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.pid = self.process.pid
        for _ in range(300):  # start-up, not an assertion on speed
            if self.process.poll() is not None:
                raise AssertionError(f"uvicorn exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if self.get("/health").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"uvicorn did not answer /health:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def session_cookie(user: Any) -> str:
    """`Cookie` header value of a new session signed in as `user` (sessions live in the database)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@dataclass
class SSEMessage:
    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


class EventStream:
    """A server-sent events client for tests: `next()` the next message (comments and `retry:`
    come with the message they precede, or alone), None when the server ended the stream."""

    def __init__(self, url: str, path: str, *, headers: Mapping[str, str] | None = None, timeout: float = 10):
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = {name.lower(): value for name, value in self.response.getheaders()}

    def next(self, timeout: float = 10) -> SSEMessage | None:
        """The next block (a message, or only comments / retry); TimeoutError (socket.timeout)
        when nothing came in `timeout` seconds."""
        self.connection.sock.settimeout(timeout)
        message, seen = SSEMessage(), False
        data: list[str] = []
        while True:
            raw = self.response.readline()
            if not raw:
                return message if seen else None
            line = raw.decode().rstrip("\r\n")
            if not line:
                if seen:
                    message.data = "\n".join(data)
                    return message
                continue
            seen = True
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                message.comments.append(value)
            elif name == "data":
                data.append(value)
            elif name == "event":
                message.event = value
            elif name == "id":
                message.id = value
            elif name == "retry":
                message.retry = int(value)

    def next_event(self, timeout: float = 10) -> SSEMessage | None:
        """The next message with data (skipping keep-alives and `retry:`), None at the end."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(max(0.01, deadline - time.monotonic()))
            if message is None or message.data or message.event != "message":
                return message

    def close(self) -> None:
        self.connection.close()
