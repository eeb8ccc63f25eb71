"""Reading version stamps (core.DataVersion, menu.MenuVersion) in one raw query.

A response cached per user or per minute is served only while the stamps read for *this*
request equal the ones it was rendered at (littlelemon/api/response_cache.py). Each read is a
request's first query, so it is a raw primary-key lookup, and it doubles as the connection's
health check (see `first_read`).
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import DatabaseError, connection

T = TypeVar("T")

Version = tuple[tuple[str, int], ...]

# Every read includes `epoch`, which a TRUNCATE of any stamped table changes (PostgreSQL).
EPOCH = "epoch"
MENU = "#menu"
ACTIVE = "#active"


_MENU_SQL = " UNION ALL SELECT '#menu', stamp FROM menu_menuversion WHERE id = 1"
_ACTIVE_SQL = " UNION ALL SELECT '#active', CASE WHEN is_active THEN 1 ELSE 0 END FROM accounts_user WHERE id = %s"


def supported() -> bool:
    """Whether this database has the triggers (core migration 0001): SQLite and PostgreSQL."""
    return connection.vendor in ("sqlite", "postgresql")


def first_read(read: Callable[[], T]) -> T:
    """Run `read` (a request's first query) as the connection's health check too.

    CONN_HEALTH_CHECKS would otherwise send a `SELECT 1` before it, a second round trip on
    PostgreSQL: if the kept-alive connection turns out broken, it is replaced and the read runs
    again, which is what the health check would have done.
    """
    if connection.health_check_enabled and not connection.health_check_done and not connection.in_atomic_block:
        connection.health_check_done = True
        try:
            return read()
        except DatabaseError:
            connection.close()
    return read()


def stamps_read(names: Iterable[str], *, menu: bool = False, user_id: int | None = None) -> Version | None:
    """The current stamps of `names` (and of the menu, with `menu=True`) as a comparable tuple;
    a stamp never written is simply absent. With `user_id`, None unless that user exists and is
    active (so an entry rendered for them is never served once they are deactivated or deleted).
    None too on a database without the triggers."""
    if not supported():
        return None
    names = sorted({*names, EPOCH})
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"SELECT name, stamp FROM core_dataversion WHERE name IN ({placeholders})"  # noqa: S608 (only %s)
    params: list = list(names)
    if menu:
        sql += _MENU_SQL
    if user_id is not None:
        sql += _ACTIVE_SQL
        params.append(user_id)

    def read() -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    rows = dict(first_read(read))
    if user_id is not None and rows.pop(ACTIVE, 0) != 1:
        return None
    return tuple(sorted(rows.items()))
