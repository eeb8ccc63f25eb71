"""What a pinned query count adds per database, for the order tests that pin them."""

from django.db import connection


def savepoints(blocks: int) -> int:
    """Each test runs inside a transaction, so each `transaction.atomic` block of a service is a
    SAVEPOINT and a RELEASE here (in production the outermost one is BEGIN ... COMMIT)."""
    return 2 * blocks if connection.features.uses_savepoints else 0
