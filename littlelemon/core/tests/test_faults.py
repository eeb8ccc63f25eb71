"""Faults, with real server processes: the database going away and coming back, and SQLite under
concurrent writes from several workers.

The outage runs on the database of the suite's run: on PostgreSQL (CI's second leg) a cluster of
its own is stopped with pg_ctl and started again; on SQLite the database file is made
impossible to open (a directory where the file was; permissions would not stop root) and put
back. Either way the server is never restarted: it must recover by itself.

A database that answers but cannot be written: on SQLite the files made read-only (a connection
opened meanwhile stays read-only), on PostgreSQL the server stopped; `/ready` must say so, and
writes and `/ready` must recover within 5 s of the fault's end, with connections kept between
requests (CONN_MAX_AGE) as deployed.
"""

import contextlib
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from .faults import read_only
from .servers import Reply, Server, access_token, environment, gunicorn, manage, postgres_cluster

pytestmark = pytest.mark.server

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
UNAVAILABLE = {
    "detail": "The service is temporarily unavailable: its database does not answer. Try again shortly.",
    "code": "service_unavailable",
}


class SqliteOutage:
    def __init__(self, tmp_path: Path):
        self.folder = tmp_path / "data"
        self.folder.mkdir()
        self.database = self.folder / "db.sqlite3"
        self.aside = tmp_path / "aside"
        self.database_url = f"sqlite:///{self.database}"
        # A kept-open SQLite handle goes on reading a file that was moved away (the inode lives
        # on), so the workers must open the file per request for its absence to be an outage.
        self.server_env = {"CONN_MAX_AGE": "0"}

    def pause(self) -> None:
        self.aside.mkdir()
        for path in self.folder.glob("db.sqlite3*"):  # the database and its -wal/-shm files
            # The last connection to close deletes -wal and -shm: one listed may be gone already.
            with contextlib.suppress(FileNotFoundError):
                shutil.move(path, self.aside / path.name)
        self.database.mkdir()  # opening it now fails: "unable to open database file"

    def resume(self) -> None:
        self.database.rmdir()
        for path in self.aside.iterdir():
            shutil.move(path, self.folder / path.name)
        self.aside.rmdir()


@pytest.fixture
def database(tmp_path):
    if ON_POSTGRESQL:
        with postgres_cluster() as cluster:
            yield cluster
    else:
        yield SqliteOutage(tmp_path)


def test_a_database_outage_is_a_json_503_and_the_service_recovers_by_itself(database, tmp_path):
    env = environment(
        tmp_path,
        database.database_url,
        THROTTLE_LOGIN_RATE="off",
        THROTTLE_ANON_RATE="off",
        **getattr(database, "server_env", {}),
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force", "--quiet-logins")
    with gunicorn(env, tmp_path, workers=2) as server:
        token = server.login("manager", "lemon-manager")
        dishes = server.get("/api/v1/menu-items/").json()["count"]
        assert server.get("/ready").status == 200

        database.pause()
        down = _every_kind_of_request(server, token, day=1)

        health = server.get("/health")
        ready = server.get("/ready")
        assert (health.status, health.json()) == (200, {"status": "ok"})  # liveness: do not kill the workers
        assert ready.status == 503
        # Without Redis the throttle store is the database cache: it is down with the database.
        assert ready.json() == {"status": "unavailable", "checks": {"database": "unavailable", "cache": "unavailable"}}
        for name, reply in down.items():
            assert reply.status == 503, (name, reply.status, reply.body[:300])
            assert reply.headers["Content-Type"] == "application/json", name
            assert reply.headers["Retry-After"] == "30", name
            assert reply.json() == UNAVAILABLE | {"request_id": reply.headers["X-Request-ID"]}, name

        database.resume()
        up = _every_kind_of_request(server, token, day=2)

        assert server.get("/ready").status == 200
        assert {name: reply.status for name, reply in up.items()} == {
            "menu": 200,
            "profile": 200,
            "log-in": 200,
            "write": 201,
        } | {f"menu again {n}": 200 for n in range(4)}
        assert up["menu"].json()["count"] == dishes


def _every_kind_of_request(server: Server, token: str, *, day: int) -> dict:
    """A read, an authenticated read, a log-in and a write; the menu again to reach every worker."""
    return {
        "menu": server.get("/api/v1/menu-items/"),
        "profile": server.get("/api/v1/auth/users/me/", token=token),
        "log-in": server.post("/api/v1/auth/jwt/create/", {"username": "manager", "password": "lemon-manager"}),
        "write": server.post("/api/v1/closures/", {"date": f"2031-01-{day:02d}"}, token=token),
    } | {f"menu again {n}": server.get("/api/v1/menu-items/") for n in range(4)}


class SqliteReadOnly:
    """The database's files made read-only while the server runs (faults.read_only): SQLite
    opens the file read-only then, and such a connection stays read-only after the file is
    writable again. `files` are the database and, in the second case, its WAL and the WAL's
    shared-memory index, which other processes have open meanwhile (here: `keeper`)."""

    def __init__(self, tmp_path: Path, suffixes: tuple[str, ...]):
        self.database = tmp_path / "db.sqlite3"
        self.database_url = f"sqlite:///{self.database}"
        self.suffixes = suffixes

    @contextmanager
    def injected(self) -> Iterator[None]:
        keeper = sqlite3.connect(self.database)  # a reader elsewhere: the -wal and -shm files exist
        try:
            keeper.execute("SELECT count(*) FROM django_migrations").fetchone()
            with read_only(*(Path(f"{self.database}{suffix}") for suffix in self.suffixes)):
                yield
        finally:
            keeper.close()


class PostgresStopped:
    def __init__(self, cluster):
        self.cluster = cluster
        self.database_url = cluster.database_url

    @contextmanager
    def injected(self) -> Iterator[None]:
        self.cluster.pause()
        try:
            yield
        finally:
            self.cluster.resume()


WRITE_FAULTS = (
    ["the PostgreSQL server stopped"]
    if ON_POSTGRESQL
    else ["the SQLite file read-only", "the SQLite file, its -wal and -shm read-only"]
)


@pytest.fixture
def write_fault(request, tmp_path):
    if ON_POSTGRESQL:
        with postgres_cluster() as cluster:
            yield PostgresStopped(cluster)
    elif request.param == "the SQLite file read-only":
        yield SqliteReadOnly(tmp_path, ("",))
    else:
        yield SqliteReadOnly(tmp_path, ("", "-wal", "-shm"))


@pytest.mark.parametrize("write_fault", WRITE_FAULTS, indirect=True)
def test_ready_and_writes_are_503_while_nothing_can_be_written_and_recover_when_it_can(write_fault, tmp_path):
    # Connections kept between requests (the default): what a fault leaves in them lasts.
    env = environment(tmp_path, write_fault.database_url, THROTTLE_ANON_RATE="off", CONN_MAX_AGE="60")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force", "--quiet-logins")
    token = access_token(env, "manager")
    written: list[str] = []  # the closures the server said it wrote

    def close_on(n: int) -> Reply:
        day = (date(2031, 1, 1) + timedelta(days=n)).isoformat()
        reply = server.post("/api/v1/closures/", {"date": day}, token=token)
        if reply.status == 201:
            written.append(day)
        return reply

    with gunicorn(env, tmp_path, workers=2) as server:
        # No worker has opened a database connection yet: each opens its first during the fault.
        with write_fault.injected():
            menu_down = server.get("/api/v1/menu-items/")
            writes_down = [close_on(n) for n in range(4)]
            ready_down = [server.get("/ready") for _ in range(4)]
        assert menu_down.status == (503 if ON_POSTGRESQL else 200)
        for reply in writes_down:
            assert (reply.status, reply.json(), reply.headers["Retry-After"]) == (
                503,
                UNAVAILABLE | {"request_id": reply.headers["X-Request-ID"]},
                "30",
            )
        for reply in ready_down:
            # The throttle counters live in the database (no Redis here): they cannot be kept either.
            assert (reply.status, reply.json()) == (
                503,
                {"status": "unavailable", "checks": {"database": "unavailable", "cache": "unavailable"}},
            )

        # Recovered: /ready and a write succeed together within 5 s of the fault's end ...
        deadline = time.monotonic() + 5
        polled: list[tuple[int, int]] = []
        while not polled or polled[-1] != (200, 201):
            assert time.monotonic() < deadline, f"not recovered 5 s after the fault ended: {polled}"
            time.sleep(0.05 if polled else 0)
            polled.append((server.get("/ready").status, close_on(10 + len(polled)).status))
        # ... and stay so, on every worker.
        after = [(server.get("/ready").status, close_on(100 + n).status) for n in range(6)]
        menu = server.get("/api/v1/menu-items/")
        listed = server.get("/api/v1/closures/?page_size=100").json()["results"]

    if not ON_POSTGRESQL:  # reading went on
        assert menu_down.json()["count"] == menu.json()["count"]
    assert after == [(200, 201)] * 6
    # Nothing written during the fault; after it, each write the server accepted, once.
    assert sorted(item["date"] for item in listed if item["date"] >= "2031") == sorted(written)
    assert len(written) >= 7


def test_a_connection_a_read_opened_while_the_sqlite_file_was_read_only_is_not_kept(tmp_path):
    """A read succeeds on a read-only file, so no error closes its connection; kept for
    CONN_MAX_AGE it would refuse the worker's next write after the file is writable again.
    One worker, so the read and the writes after it meet the same connection. SQLite only
    (its own file on either leg): a PostgreSQL connection is not opened read-only."""
    fault = SqliteReadOnly(tmp_path, ("", "-wal", "-shm"))
    env = environment(tmp_path, fault.database_url, THROTTLE_ANON_RATE="off", CONN_MAX_AGE="60")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force", "--quiet-logins")
    token = access_token(env, "manager")

    with gunicorn(env, tmp_path, workers=1) as server:
        with fault.injected():
            menu_down = server.get("/api/v1/menu-items/")
        written = server.post("/api/v1/closures/", {"date": "2031-02-01"}, token=token)
        ready = server.get("/ready")
        listed = server.get("/api/v1/closures/?page_size=100").json()["results"]

    assert (menu_down.status, menu_down.json()["count"] > 0) == (200, True)
    assert (written.status, written.json()["date"]) == (201, "2031-02-01")
    assert (ready.status, ready.json()["status"]) == (200, "ok")
    assert [item["date"] for item in listed if item["date"] >= "2031"] == ["2031-02-01"]


def test_sqlite_serialises_concurrent_writes_from_several_workers_instead_of_failing(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = environment(
        tmp_path,
        f"sqlite:///{database}",
        THROTTLE_USER_RATE="off",
        THROTTLE_LOGIN_RATE="off",
        DJANGO_SUPERUSER_USERNAME="owner",
        DJANGO_SUPERUSER_EMAIL="owner@example.com",
        DJANGO_SUPERUSER_PASSWORD="correct-horse-battery-staple",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "createsuperuser", "--noinput")
    threads, writes = 8, 25
    statuses: list[int] = []
    lock = threading.Lock()

    with gunicorn(env, tmp_path, workers=4) as server:
        token = server.login("owner", "correct-horse-battery-staple")

        def write(thread: int) -> None:
            for n in range(writes):
                reply = server.post("/api/v1/categories/", {"title": f"Category {thread}-{n}"}, token=token)
                with lock:
                    statuses.append(reply.status)

        workers = [threading.Thread(target=write, args=(thread,)) for thread in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        listed = server.get("/api/v1/categories/?page_size=1").json()["count"]

    assert statuses == [201] * (threads * writes)
    assert listed == threads * writes
    with sqlite3.connect(database) as connection:
        categories = connection.execute("SELECT count(*), count(DISTINCT title) FROM menu_category").fetchone()
        audited = connection.execute("SELECT count(*) FROM audit_auditentry WHERE action = 'category.create'")
        assert categories == (threads * writes, threads * writes)
        assert audited.fetchone() == (threads * writes,)
