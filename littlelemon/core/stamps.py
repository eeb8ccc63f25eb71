"""Reading version stamps (core.DataVersion) in one query.

Database triggers change a stamp in the transaction of every write to the rows behind it (the
SPECS of core migrations 0001 and 0003 say which tables bump which names): `menu`, `cart:<user
id>`, `orders`, `orders:<user id>`, `people`, `user:<user id>`, `roles`, `bookings`,
`restaurant`. ETags are built from them (littlelemon/core/conditional.py), so a write by any
path (a service, the admin, `QuerySet.update()`, SQL) changes the ETags of what it changes.
"""

from collections.abc import Iterable

from django.db import connection

Version = tuple[tuple[str, int], ...]

# Every read includes `epoch`, which a TRUNCATE of any stamped table changes (PostgreSQL).
EPOCH = "epoch"
MENU = "menu"


def supported() -> bool:
    """Whether this database has the triggers (core migration 0001): SQLite and PostgreSQL."""
    return connection.vendor in ("sqlite", "postgresql")


def stamps_read(names: Iterable[str], *, menu: bool = False) -> Version | None:
    """The current stamps of `names` (and the menu's, with `menu=True`) as a comparable tuple,
    in one query; a stamp never written is simply absent. None on a database without the
    triggers (nothing can be compared there)."""
    if not supported():
        return None
    names = sorted({*names, EPOCH, *((MENU,) if menu else ())})
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, stamp FROM core_dataversion WHERE name IN ({placeholders})", names)  # noqa: S608 (only %s)
        return tuple(sorted(cursor.fetchall()))
