"""A database cache for the throttle counters: one statement a write, one a read.

The throttles and the log-in limits (core/ratelimit.py, accounts/ratelimit.py) keep their
counters in the `throttle` cache, which every server process must share: Redis when REDIS_URL
is set, else this backend over the table `throttle_cache` (core migration 0004).

Django's own DatabaseCache bounds its table on every write: `set()` counts the whole table
(`SELECT COUNT(*)`), then reads the key and updates or inserts it in a transaction. Every
throttled request pays for that. Here:

- `set()` is one `INSERT ... ON CONFLICT (cache_key) DO UPDATE` (an upsert: SQLite 3.24+ and
  PostgreSQL share the syntax), `add()` the same with a condition on the old row's expiry;
- `get()` is one SELECT that leaves expired rows alone (`expires > now` in the query);
- expired rows are deleted by the periodic job `throttle_cache_purge` (core/tasks.py), and,
  so that the table stays bounded where no worker runs, by the process that makes every
  CULL_EVERY-th write (OPTIONS, default 1000): `purge()` deletes the expired rows and then,
  past MAX_ENTRIES, the ones that expire soonest.

The table's columns and the values' encoding (base64 of a pickle) are those of Django's
DatabaseCache, so either backend reads what the other wrote. Written for SQLite and
PostgreSQL, the project's two databases. A write the database refuses (a lock not granted in
time) is logged and reported as False, as DatabaseCache does: a counter not written never fails
the request that counted it.
"""

import base64
import itertools
import logging
import pickle
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, ClassVar

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

VENDORS = ("sqlite", "postgresql")
#: How many times `incr()` reads again when another process changed the value before its write.
INCR_ATTEMPTS = 10


_UPSERT = (
    "INSERT INTO {table} ({key}, {value}, {expires}) VALUES (%s, %s, %s) "
    "ON CONFLICT ({key}) DO UPDATE SET {value} = EXCLUDED.{value}, {expires} = EXCLUDED.{expires}"
)
#: Each operation's SQL: `{names}` are quoted for the connection, `%s` are parameters. A live
#: key is one whose `expires` is after the last parameter (now); `{{marks}}` stays for a list.
_SQL = {
    "get": "SELECT {value} FROM {table} WHERE {key} = %s AND {expires} > %s",
    "get_many": "SELECT {key}, {value} FROM {table} WHERE {key} IN ({{marks}}) AND {expires} > %s",
    "has_key": "SELECT 1 FROM {table} WHERE {key} = %s AND {expires} > %s",
    "set": _UPSERT,
    "add": _UPSERT + " WHERE {table}.{expires} <= %s",  # only over an expired row
    "touch": "UPDATE {table} SET {expires} = %s WHERE {key} = %s AND {expires} > %s",
    "incr": "UPDATE {table} SET {value} = %s WHERE {key} = %s AND {value} = %s AND {expires} > %s",
    "delete": "DELETE FROM {table} WHERE {key} = %s",
    "delete_many": "DELETE FROM {table} WHERE {key} IN ({{marks}})",
    "clear": "DELETE FROM {table}",
    "purge_expired": "DELETE FROM {table} WHERE {expires} <= %s",
    "count": "SELECT COUNT(*) FROM {table}",
    "purge_soonest": "DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} ORDER BY {expires} LIMIT %s)",
}


class UpsertDatabaseCache(BaseCache):
    """Django's cache API over a database table (LOCATION), with upserts (see the module).

    OPTIONS: MAX_ENTRIES (default 300, as for every Django cache), CULL_EVERY (a process's writes
    between two purges, default 1000), DATABASE (the connection's alias, default "default")."""

    pickle_protocol = pickle.HIGHEST_PROTOCOL
    #: Writes so far in this process, per (database alias, table). Django makes a cache object
    #: per thread (under ASGI per request), so the count that decides when to purge is kept here.
    write_counts: ClassVar[dict[tuple[str, str], "itertools.count[int]"]] = {}

    def __init__(self, table: str, params: dict[str, Any]):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.table = table
        self.max_entries = int(options.get("MAX_ENTRIES", 300))
        self.cull_every = max(1, int(options.get("CULL_EVERY", 1000)))
        self.alias = options.get("DATABASE", DEFAULT_DB_ALIAS)

    # --- reads --------------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._fetchone(self._sql["get"], [key, self._now()])
        return default if row is None else self._decode(row[0])

    def get_many(self, keys, version=None) -> dict:
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not key_map:
            return {}
        with self._connection.cursor() as cursor:
            cursor.execute(
                self._sql["get_many"].format(marks=", ".join(["%s"] * len(key_map))), [*key_map, self._now()]
            )
            rows = cursor.fetchall()
        return {key_map[key]: self._decode(value) for key, value in rows}

    def has_key(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._fetchone(self._sql["has_key"], [key, self._now()]) is not None

    # --- writes -------------------------------------------------------------------------------

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        written = self._write(self._sql["set"], [key, self._encode(value), self._expires(timeout)], rows=False)
        self._counted_write()
        return written

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        """Stores the value only where the key holds none, or an expired one: True if it did."""
        key = self.make_and_validate_key(key, version=version)
        written = self._write(self._sql["add"], [key, self._encode(value), self._expires(timeout), self._now()])
        self._counted_write()
        return written

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._write(self._sql["touch"], [self._expires(timeout), key, self._now()])

    def incr(self, key, delta=1, version=None):
        """Adds `delta` to a live key's value (ValueError when there is none), atomically: the
        write applies only while the value is still the one read, else it reads again."""
        key = self.make_and_validate_key(key, version=version)
        for _ in range(INCR_ATTEMPTS):
            row = self._fetchone(self._sql["get"], [key, self._now()])
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            new_value = self._decode(row[0]) + delta
            if self._write(self._sql["incr"], [self._encode(new_value), key, row[0], self._now()]):
                return new_value
        raise DatabaseError(f"incr({key!r}): the value kept changing")

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._write(self._sql["delete"], [key])

    def delete_many(self, keys: Iterable, version=None) -> None:
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if keys:
            self._write(self._sql["delete_many"].format(marks=", ".join(["%s"] * len(keys))), keys)

    def clear(self) -> None:
        with self._connection.cursor() as cursor:
            cursor.execute(self._sql["clear"])

    def purge(self) -> int:
        """Deletes the expired entries, then, while more than MAX_ENTRIES remain, those that
        expire soonest. Returns how many it deleted."""
        with self._connection.cursor() as cursor:
            cursor.execute(self._sql["purge_expired"], [self._now()])
            deleted = max(cursor.rowcount, 0)
            cursor.execute(self._sql["count"])
            excess = cursor.fetchone()[0] - self.max_entries
            if excess > 0:
                cursor.execute(self._sql["purge_soonest"], [excess])
                deleted += max(cursor.rowcount, 0)
        return deleted

    # --- helpers ------------------------------------------------------------------------------

    def _counted_write(self) -> None:
        """Every CULL_EVERY-th write of this process purges the table: it stays bounded even
        where no worker runs the periodic purge."""
        writes = self.write_counts.setdefault((self.alias, self.table), itertools.count(1))
        if next(writes) % self.cull_every == 0:
            try:
                self.purge()
            except DatabaseError:
                logger.warning("could not purge the cache table %s", self.table, exc_info=True)

    def _write(self, sql: str, params: list, *, rows: bool = True) -> bool:
        """Runs one writing statement. True when it changed a row (rows=False: when it ran)."""
        connection = self._connection
        try:
            # Inside a transaction, a savepoint keeps a refused write from aborting all of it.
            savepoint = transaction.atomic(using=self.alias) if connection.in_atomic_block else nullcontext()
            with savepoint, connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.rowcount > 0 or not rows
        except DatabaseError:
            logger.warning("cache write to %s refused", self.table, exc_info=True)
            return False

    def _fetchone(self, sql: str, params: list):
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    @property
    def _connection(self):
        return connections[self.alias]

    @cached_property
    def _sql(self) -> dict[str, str]:
        connection = self._connection
        if connection.vendor not in VENDORS:
            raise ImproperlyConfigured(f"{type(self).__name__} needs SQLite or PostgreSQL, not {connection.vendor}.")
        names = {"table": self.table, "key": "cache_key", "value": "value", "expires": "expires"}
        quoted = {name: connection.ops.quote_name(column) for name, column in names.items()}
        return {operation: template.format(**quoted) for operation, template in _SQL.items()}

    def _now(self):
        return self._connection.ops.adapt_datetimefield_value(timezone.now())

    def _expires(self, timeout):
        at = self.get_backend_timeout(timeout)  # a Unix time, or None: never
        if at is None:
            expires = datetime.max.replace(tzinfo=UTC) if settings.USE_TZ else datetime.max  # noqa: DTZ901
        else:
            expires = datetime.fromtimestamp(at, tz=UTC if settings.USE_TZ else None)
        return self._connection.ops.adapt_datetimefield_value(expires)

    def _encode(self, value: Any) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def _decode(self, value) -> Any:
        # The table holds only what the application itself wrote, as with Django's DatabaseCache.
        return pickle.loads(base64.b64decode(self._connection.ops.process_clob(value).encode()))  # noqa: S301
