"""A SQLite connection opened while its database could not be written is not kept.

SQLite opens a file it may not write read-only, silently, and the connection stays read-only
after the file is writable again. A write on it fails, and that failure closes it
(api/middleware.py's ServerErrorMiddleware), but a read succeeds: a worker whose connection a
read opened during the fault kept it for CONN_MAX_AGE and refused its next write after the
fault was over. Such a connection is now closed when its request ends; the next request opens
a writable one.
"""

import os
import weakref

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

_opened_read_only: "weakref.WeakSet[BaseDatabaseWrapper]" = weakref.WeakSet()


def _files(connection: BaseDatabaseWrapper) -> list[str]:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return []
    return [path for path in (name, f"{name}-wal", f"{name}-shm") if os.path.exists(path)]


def sqlite_connection_opened(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """`connection_created` receiver: remember a SQLite connection opened on a file (or its
    WAL, or the WAL's index) that this process may not write."""
    if connection.vendor != "sqlite":
        return
    if all(os.access(path, os.W_OK) for path in _files(connection)):
        _opened_read_only.discard(connection)
    else:
        _opened_read_only.add(connection)


def sqlite_read_only_connections_close(**kwargs: object) -> None:
    """`request_finished` receiver: close this thread's connections opened read-only (one inside
    a transaction is left to whoever opened it, a test's)."""
    for connection in connections.all(initialized_only=True):
        if connection in _opened_read_only and not connection.in_atomic_block:
            connection.close()
            _opened_read_only.discard(connection)
