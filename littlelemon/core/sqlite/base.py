"""Django's SQLite backend, with the transactions that write queued by the operating system
instead of by SQLite's sleep-and-retry.

With `transaction_mode = "IMMEDIATE"` (config/settings/base.py) a transaction takes SQLite's
write lock at BEGIN, and a second writer waits in SQLite's busy handler, which sleeps 1, 2, 5,
10, 15, 20, 25... ms between tries and is not woken when the lock is freed. Under a burst of
orders (bench/: `order_place`, 5 processes × 4 threads) the lock sat free while writers slept:
p99 750 ms. Here a transaction first waits its turn on this process's thread lock and then on
an exclusive `flock` of a file beside the database (`<database>-writers`); the kernel hands the
file lock to the next process at commit or rollback.

The file lock is only a queue; SQLite's lock stays the guard. Writes outside a transaction
(autocommit) and other programs do not queue and are serialised by SQLite as before. A waiter
gives up after the busy timeout (`SQLITE_BUSY_TIMEOUT`), as SQLite's handler would, with the
same "database is locked" OperationalError (a 503 to an API client). In-memory databases have
one connection and no queue.
"""

import fcntl
import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

# Polling the file lock: SQLite's handler sleeps 1 ms, then 2, 5, 10...; this one at most 0.5 ms.
# Only one thread per process polls (the others wait on the thread lock), so a few processes
# waiting cost a few thousand cheap system calls a second.
_FIRST_SLEEP = 0.0001
_MAX_SLEEP = 0.0005


class _WriterQueue:
    """One database file's queue in this process: a thread lock and the lock file's descriptor."""

    _queues: dict[tuple[int, str], "_WriterQueue"] = {}
    _queues_lock = threading.Lock()

    def __init__(self, path: str):
        self.path = path
        self.threads = threading.Lock()
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @classmethod
    def of(cls, database: str) -> "_WriterQueue":
        # Per process: a descriptor inherited through fork would share its lock with the parent.
        key = (os.getpid(), f"{database}-writers")
        queue = cls._queues.get(key)
        if queue is None:
            with cls._queues_lock:
                queue = cls._queues.get(key)
                if queue is None:
                    queue = cls._queues[key] = cls(key[1])
        return queue

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        sleep = _FIRST_SLEEP
        try:
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise OperationalError("database is locked") from None
                    time.sleep(sleep)
                    sleep = min(sleep * 2, _MAX_SLEEP)
        except BaseException:  # timed out, or interrupted while waiting
            self.threads.release()
            raise

    def release(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.threads.release()


class DatabaseWrapper(base.DatabaseWrapper):
    _queue: _WriterQueue | None = None  # held by this connection: set from BEGIN to COMMIT/ROLLBACK

    def _start_transaction_under_autocommit(self):
        queue = None
        name = str(self.settings_dict["NAME"])
        # A `file:` URI name is not a path to put the lock file beside: no queue, as in memory.
        if self.transaction_mode == "IMMEDIATE" and not self.is_in_memory_db() and not name.startswith("file:"):
            queue = _WriterQueue.of(name)
            queue.acquire(timeout=float(self.settings_dict["OPTIONS"].get("timeout", 5)))
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            if queue is not None:
                queue.release()
            raise
        self._queue = queue

    def _leave_queue(self) -> None:
        queue, self._queue = self._queue, None
        if queue is not None:
            queue.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
