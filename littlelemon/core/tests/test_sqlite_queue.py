"""The SQLite backend's writer queue (littlelemon/core/sqlite): with real threads, a real
subprocess and real commits, which transaction gets in when, and what ends up written.

Each test records events from inside its threads and asserts their order and the rows written;
`threading.Event`s sequence the threads. The only sleeps are the short waits (`CHANCE`) that
give a waiter the time to reach the queue: no assertion is about how long anything took.

Both databases of the suite run this file (CI's second leg is PostgreSQL) and nothing is
skipped: the project has no skip or collection-time mechanism for one database, only the
`ON_POSTGRESQL` constant (test_faults.py) and `connection.vendor` branches (test_stamps.py) in
tests that run on both. So every test runs the same threads on both and asserts what each
database must do: on SQLite, the second writer waits its turn in the queue; on PostgreSQL, the
engine is Django's own, the connection is not our `DatabaseWrapper`, and a second writer of
other rows gets in at once (there is no queue to wait in). The rows written, rollbacks and
closes included, must be the same on both.
"""

import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from littlelemon.core.models import MAX_ID, DataVersion
from littlelemon.core.sqlite.base import DatabaseWrapper, _WriterQueue
from littlelemon.menu.models import MenuItem

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

CHANCE = 0.2  # seconds given to a thread to reach the queue (and, were there none, to get past it)
GIVE_UP = 0.3  # a waiter's timeout (OPTIONS["timeout"]) where a test expects it to give up
WAIT = 5.0  # a waiter's timeout elsewhere: a broken queue fails the test in seconds, not 20
STUCK = 10.0  # a thread or event not done by then is a failure, not a wait

PREFIX = "queue-"


class Boom(Exception):
    pass


def create(name: str) -> DataVersion:
    """A row of a table with no trigger: on PostgreSQL two writers of different rows do not wait
    for each other (a menu Category's trigger bumps the one menu version row: they would)."""
    return DataVersion.objects.create(name=f"{PREFIX}{name}", stamp=1)


def written() -> set[str]:
    names = DataVersion.objects.filter(name__startswith=PREFIX).values_list("name", flat=True)
    return {name.removeprefix(PREFIX) for name in names}


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


@contextmanager
def busy_timeout(seconds: float) -> Iterator[None]:
    """This thread's connection waits at most `seconds` for the queue (and for SQLite's lock).

    Before the thread's first query. The thread's wrapper gets a copy of the settings: the dict
    itself is shared by every thread's wrapper (and is settings.DATABASES["default"]).
    PostgreSQL has no such option (psycopg would refuse it): nothing to set there."""
    wrapper = connections["default"]
    shared = wrapper.settings_dict
    if not ON_POSTGRESQL:
        wrapper.settings_dict = {**shared, "OPTIONS": {**shared["OPTIONS"], "timeout": seconds}}
    try:
        yield
    finally:
        wrapper.settings_dict = shared


class Worker(threading.Thread):
    """A thread with its own database connection (closed at the end, as in test_concurrency's
    `race`) that keeps what its call raised."""

    def __init__(self, call: Callable[[], object], timeout: float = WAIT):
        super().__init__(daemon=True)  # a stuck one must not keep the test run alive
        self.call, self.timeout, self.error = call, timeout, None

    def run(self) -> None:
        try:
            with busy_timeout(self.timeout):
                self.call()
        except BaseException as error:  # re-raised in the test by finish()
            self.error = error
        finally:
            connections.close_all()

    def finish(self) -> None:
        self.join(STUCK)
        assert not self.is_alive(), f"{self.name} is stuck"
        if self.error is not None:
            raise self.error


def started(call: Callable[[], object], timeout: float = WAIT) -> Worker:
    worker = Worker(call, timeout)
    worker.start()
    return worker


@contextmanager
def recording_begin(events: list[str], label: str) -> Iterator[None]:
    """Record `<label> BEGIN` when this thread's connection sends SQLite its BEGIN (IMMEDIATE):
    a writer waiting in the queue has not sent it, one waiting in SQLite's busy handler has.
    (psycopg begins PostgreSQL's transactions by itself, not through a cursor: no event there.)"""

    def record(execute, sql, params, many, context):
        if sql.startswith("BEGIN"):
            events.append(f"{label} BEGIN")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield


def let_the_second_writer_try(b_done: threading.Event) -> None:
    """On SQLite, give the second writer the time to reach the queue, where it must still be
    waiting; on PostgreSQL, where nothing makes it wait, it must finish while the first writer
    still holds its transaction."""
    if ON_POSTGRESQL:
        assert b_done.wait(WAIT), "the second writer waited for the first"
    else:
        b_done.wait(CHANCE)


def assert_no_queue_on_postgresql() -> None:
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert connection.vendor == "postgresql"
    assert not isinstance(connection, DatabaseWrapper)
    assert not hasattr(connection, "_leave_queue")


def assert_queue_free(name: str) -> None:
    """No thread of this process and no process holds the database's queue."""
    queue = _WriterQueue.of(name)
    assert not queue.threads.locked()
    fd = os.open(queue.path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if anyone holds it
    finally:
        os.close(fd)  # and with it the lock


def writer(events: list[str], name: str, done: threading.Event) -> Callable[[], None]:
    """A writer of row `name` in a transaction: records "<NAME> in", sets `done` at the end."""

    def write() -> None:
        try:
            with transaction.atomic():
                events.append(f"{name.upper()} in")
                create(name)
        finally:
            done.set()

    return write


class Race:
    """Writer A (the test's) holds a transaction; writer B tries to write row "b" meanwhile.

    A sets `a_wrote` once inside its transaction and waits for `go` before leaving it; B
    records "B trying", its BEGIN (SQLite), "B in" and "B committed"."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.a_wrote, self.b_trying, self.b_done, self.go = (threading.Event() for _ in range(4))

    def b(self) -> None:
        try:
            self.events.append("B trying")
            self.b_trying.set()
            with recording_begin(self.events, "B"), transaction.atomic():
                self.events.append("B in")
                create("b")
            self.events.append("B committed")
        finally:
            self.b_done.set()

    def run(self, a: Callable[[], None]) -> None:
        """Start A; once it wrote, start B and give it the chance to get in; then let A go on."""
        first = started(a)
        try:
            assert self.a_wrote.wait(STUCK)
            second = started(self.b)
            assert self.b_trying.wait(STUCK)
            let_the_second_writer_try(self.b_done)
        finally:
            self.go.set()
        first.finish()
        second.finish()


def test_a_second_transaction_begins_only_after_the_first_commits():
    race = Race()

    def a():
        with transaction.atomic():
            create("a")
            race.events.append("A in")
            race.a_wrote.set()
            assert race.go.wait(STUCK)
            race.events.append("A commit")  # the last thing before the commit in __exit__
        # Alive, its connection open, until B is done: only the commit can have let B in.
        assert race.b_done.wait(STUCK)

    race.run(a)

    assert written() == {"a", "b"}
    if ON_POSTGRESQL:
        assert race.events == ["A in", "B trying", "B in", "B committed", "A commit"]
        assert_no_queue_on_postgresql()
    else:
        assert race.events == ["A in", "B trying", "A commit", "B BEGIN", "B in", "B committed"]
        lock_file = Path(f"{database_name()}-writers")
        assert lock_file.is_file()
        assert lock_file.parent == Path(database_name()).parent
        assert_queue_free(database_name())


def test_a_rollback_lets_the_next_transaction_in():
    race = Race()

    def a():
        with pytest.raises(Boom), transaction.atomic():
            create("a")
            race.events.append("A in")
            race.a_wrote.set()
            assert race.go.wait(STUCK)
            race.events.append("A raise")
            raise Boom
        # Alive, its connection open, until B is done: only the rollback can have let B in.
        assert race.b_done.wait(STUCK)

    race.run(a)

    assert written() == {"b"}
    if ON_POSTGRESQL:
        assert race.events == ["A in", "B trying", "B in", "B committed", "A raise"]
        assert_no_queue_on_postgresql()
    else:
        assert race.events == ["A in", "B trying", "A raise", "B BEGIN", "B in", "B committed"]
        assert_queue_free(database_name())


def test_a_waiter_gives_up_after_its_timeout_with_database_is_locked_and_leaks_nothing():
    events: list[str] = []
    statements: list[str] = []  # what B's connection sent to the database
    a_wrote, go, c_done = threading.Event(), threading.Event(), threading.Event()

    def a():
        with transaction.atomic():
            create("a")
            events.append("A in")
            a_wrote.set()
            assert go.wait(STUCK)
            events.append("A commit")
        assert c_done.wait(STUCK)  # alive, its connection open: only the commit can let C in

    def b():
        def record(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            try:
                with transaction.atomic():
                    events.append("B in")
                    create("b")
            except OperationalError as error:
                events.append(f"B: {error}")

    c = writer(events, "c", c_done)

    first = started(a)
    try:
        assert a_wrote.wait(STUCK)
        started(b, timeout=GIVE_UP).finish()  # while A still holds its transaction
        go.set()
        started(c).finish()
    finally:
        go.set()
        c_done.set()
    first.finish()

    if ON_POSTGRESQL:
        assert events == ["A in", "B in", "A commit", "C in"]
        assert written() == {"a", "b", "c"}
        assert_no_queue_on_postgresql()
    else:
        assert events == ["A in", "B: database is locked", "A commit", "C in"]
        assert statements == []  # B gave up in the queue: it never got to SQLite's BEGIN
        assert written() == {"a", "c"}
        assert_queue_free(database_name())


def test_a_commit_that_fails_releases_the_queue():
    """Both databases check foreign keys at COMMIT (Django makes them deferred): the commit
    fails, Django rolls back, and the next writer must get in."""
    events: list[str] = []
    a_failed, b_done = threading.Event(), threading.Event()

    def a():
        try:
            with transaction.atomic():
                create("a")
                MenuItem.objects.create(title="Ghost", slug=f"{PREFIX}ghost", price=Decimal("1.00"), category_id=MAX_ID)
                events.append("A commit")
        except IntegrityError:
            events.append("A: integrity error")
        a_failed.set()
        assert b_done.wait(STUCK)  # alive, its connection open: only the failed commit can let B in

    b = writer(events, "b", b_done)

    first = started(a)
    try:
        assert a_failed.wait(STUCK)
        started(b, timeout=GIVE_UP).finish()  # a queue left held would make it give up
    finally:
        b_done.set()
    first.finish()

    assert events == ["A commit", "A: integrity error", "B in"]
    assert written() == {"b"}
    assert not MenuItem.objects.filter(slug=f"{PREFIX}ghost").exists()
    if ON_POSTGRESQL:
        assert_no_queue_on_postgresql()
    else:
        assert_queue_free(database_name())


HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.readline()
"""


def test_a_transaction_waits_for_another_process_holding_the_lock_file():
    if ON_POSTGRESQL:  # no lock file, nothing another process could hold: writes just work
        create("autocommit")
        started(lambda: transaction.atomic()(create)("after")).finish()
        assert written() == {"autocommit", "after"}
        assert_no_queue_on_postgresql()
        return

    name = database_name()
    events: list[str] = []

    def writer(label: str) -> Callable[[], None]:
        def write():
            try:
                with transaction.atomic():
                    create(label)
                events.append(f"{label} committed")
            except OperationalError as error:
                events.append(f"{label}: {error}")

        return write

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, f"{name}-writers"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        started(writer("during"), timeout=GIVE_UP).finish()
        # The file lock only queues transactions: a write in autocommit does not wait for it.
        create("autocommit")
        assert not _WriterQueue.of(name).threads.locked()  # the waiter gave its thread lock back
        holder.communicate("release\n", timeout=STUCK)
        assert holder.returncode == 0
        started(writer("after")).finish()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()

    assert events == ["during: database is locked", "after committed"]
    assert written() == {"autocommit", "after"}
    assert_queue_free(name)


def test_nested_atomic_blocks_and_on_commit_hooks_do_not_queue_again():
    events: list[str] = []
    held: list[bool] = []

    def nested():
        with transaction.atomic():
            create("outer")
            with transaction.atomic():
                create("inner")
                with pytest.raises(Boom), transaction.atomic():
                    create("doomed")
                    raise Boom
                if not ON_POSTGRESQL:
                    queue = _WriterQueue.of(database_name())
                    held.append(connection._queue is queue and queue.threads.locked())
            # Runs after the commit, in this thread: a transaction of its own, queued again.
            transaction.on_commit(lambda: transaction.atomic()(create)("hook"))
            events.append("inner blocks left")
        events.append("committed")

    # A thread that queued behind itself would give up after GIVE_UP: a failure, not a hang.
    started(nested, timeout=GIVE_UP).finish()

    assert events == ["inner blocks left", "committed"]
    assert written() == {"outer", "inner", "hook"}
    if ON_POSTGRESQL:
        assert_no_queue_on_postgresql()
    else:
        assert held == [True]
        assert_queue_free(database_name())


def test_closing_the_connection_inside_an_atomic_block_releases_the_queue():
    race = Race()

    def a():
        with transaction.atomic():
            create("a")
            race.events.append("A in")
            race.a_wrote.set()
            assert race.go.wait(STUCK)
            connection.close()  # the database rolls back; Django leaves the block without error
            race.events.append("A closed")
            assert race.b_done.wait(STUCK)  # still inside the block while B writes
            race.events.append("A leaves")
        race.events.append("A out")
        with transaction.atomic():  # a new connection, and the queue again
            create("a again")

    race.run(a)

    assert written() == {"b", "a again"}
    if ON_POSTGRESQL:
        assert race.events == ["A in", "B trying", "B in", "B committed", "A closed", "A leaves", "A out"]
        assert_no_queue_on_postgresql()
    else:
        assert race.events == ["A in", "B trying", "A closed", "B BEGIN", "B in", "B committed", "A leaves", "A out"]
        assert_queue_free(database_name())


def test_autocommit_writes_work_and_there_is_one_queue_per_process_and_database(tmp_path):
    create("autocommit")
    assert connection.get_autocommit()
    assert written() == {"autocommit"}

    one = _WriterQueue.of(str(tmp_path / "one.sqlite3"))
    assert _WriterQueue.of(str(tmp_path / "one.sqlite3")) is one
    assert one.path == f"{tmp_path / 'one.sqlite3'}-writers"
    assert Path(one.path).is_file()
    assert _WriterQueue.of(str(tmp_path / "two.sqlite3")) is not one
    from_another_thread = []
    started(lambda: from_another_thread.append(_WriterQueue.of(str(tmp_path / "one.sqlite3")))).finish()
    assert from_another_thread == [one]

    # Another process (a forked worker) has a queue of its own, whose lock file descriptor does
    # not share the parent's lock: it must wait while the parent holds it.
    read_end, write_end = os.pipe()
    one.acquire(timeout=WAIT)
    try:
        pid = os.fork()
        if pid == 0:  # the child: report and leave, whatever happens
            try:
                child = _WriterQueue.of(str(tmp_path / "one.sqlite3"))
                verdict = "own queue" if child is not one and child.fd != one.fd else "parent's queue"
                try:
                    child.acquire(timeout=0.05)
                    verdict += ", got the lock"
                except OperationalError as error:
                    verdict += f", {error}"
                os.write(write_end, verdict.encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            verdict = pipe.read().decode()
        os.waitpid(pid, 0)
    finally:
        one.release()
    assert verdict == "own queue, database is locked"

    if ON_POSTGRESQL:
        assert_no_queue_on_postgresql()
    else:
        assert connection._queue is None  # the autocommit write took no queue
        with transaction.atomic():
            assert connection._queue is _WriterQueue.of(database_name())
        assert connection._queue is None
        assert_queue_free(database_name())


def open_descriptors_of(path: str) -> list[str]:
    fds = Path("/proc/self/fd")
    found = []
    for fd in os.listdir(fds):
        try:
            if os.readlink(fds / fd) == path:
                found.append(fd)
        except FileNotFoundError:  # the listing's own descriptor, closed since
            pass
    return found


def test_threads_racing_to_make_a_queue_open_its_lock_file_once(tmp_path):
    """Threads racing to make a database's queue get one, and the lock file is opened once.

    Fails against base.py as written: `of` calls `setdefault(key, cls(...))` under the lock
    without looking again, so a thread that found no queue opens the file even when the thread
    ahead of it at the lock has just made the queue; its descriptor is then never closed."""
    name = str(tmp_path / "raced.sqlite3")
    got: list[_WriterQueue] = []
    with _WriterQueue._queues_lock:  # both threads find no queue, then wait here to make one
        racers = [started(lambda: got.append(_WriterQueue.of(name))) for _ in range(2)]
        time.sleep(CHANCE)  # the time for both to get past the lookup, to the lock
    for racer in racers:
        racer.finish()

    assert got[0] is got[1]
    assert open_descriptors_of(f"{name}-writers") == [str(got[0].fd)]
