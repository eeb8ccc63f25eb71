"""`manage.py migrate_locked`: `migrate` that many replicas may start at once.

On PostgreSQL the command first takes a session-level advisory lock on a connection of its own,
so when every replica of a release runs it (a Kubernetes init container, the compose `migrate`
service, a deploy script on several VMs) one applies the migrations and the others wait, then
find nothing left to apply. The lock is released when the command ends, or by PostgreSQL when
its connection dies, so a killed replica never leaves it held. On SQLite (one machine, one file)
it is plain `migrate`: SQLite's own write lock already serialises the writers.
"""

import zlib

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

#: The advisory lock's key: a fixed number every replica of every release agrees on.
MIGRATION_LOCK_KEY = zlib.crc32(b"littlelemon:migrate")


class Command(BaseCommand):
    help = "Apply migrations under a PostgreSQL advisory lock, so that many replicas can run it at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")
        parser.add_argument(
            "--lock-timeout",
            type=int,
            default=600,
            help="Seconds to wait for another replica's migrate before giving up (0: wait forever).",
        )

    def handle(self, *args, database: str, lock_timeout: int, verbosity: int, **options) -> None:
        if lock_timeout < 0:
            raise CommandError("--lock-timeout must be 0 (wait forever) or a number of seconds.")
        if connections[database].vendor != "postgresql":
            self._migrate(database, verbosity)
            return
        # A connection of its own: whatever `migrate` does with its connection, the lock stays held.
        lock = connections.create_connection(database)
        try:
            self._acquire(lock, lock_timeout, verbosity)
            self._migrate(database, verbosity)
        finally:
            lock.close()  # ends the session: PostgreSQL releases the lock with it

    def _acquire(self, lock, lock_timeout: int, verbosity: int) -> None:
        with lock.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            if cursor.fetchone()[0]:
                return
            if verbosity:
                self.stdout.write("Another replica is migrating: waiting for the migration lock.")
            # lock_timeout bounds the wait for advisory locks too; 0 is PostgreSQL's "no limit".
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{lock_timeout * 1000}"])
            try:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            except OperationalError as error:
                raise CommandError(
                    f"Another replica held the migration lock for more than {lock_timeout}s; nothing was migrated."
                ) from error
            cursor.execute("SELECT set_config('lock_timeout', '0', false)")

    def _migrate(self, database: str, verbosity: int) -> None:
        call_command("migrate", database=database, interactive=False, verbosity=verbosity, stdout=self.stdout)
