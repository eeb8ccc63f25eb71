"""`manage.py migrate_locked`: plain migrate on SQLite; on PostgreSQL, one replica at a time."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from littlelemon.core.management.commands.migrate_locked import MIGRATION_LOCK_KEY

from .servers import ROOT, environment, postgres_cluster


@pytest.mark.django_db
def test_on_the_suite_database_it_is_migrate_with_nothing_left_to_apply():
    out = StringIO()

    call_command("migrate_locked", stdout=out)

    assert "No migrations to apply." in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'orders'")
        assert cursor.fetchone()[0] > 0


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "migrate_locked", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _tables(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {name for (name,) in rows}


@pytest.mark.server
def test_on_postgresql_it_waits_for_the_replica_holding_the_lock_and_migrates_once_it_is_free(tmp_path: Path):
    with postgres_cluster() as cluster:
        env = environment(tmp_path, cluster.database_url)
        holder = psycopg.connect(cluster.database_url, autocommit=True)
        try:
            # Given another replica holding the migration lock,
            holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])

            # when this replica's wait runs out, it says so and has migrated nothing;
            refused = _run(env, "--lock-timeout", "1")
            assert refused.returncode == 1
            assert "waiting for the migration lock" in refused.stdout
            assert "held the migration lock for more than 1s; nothing was migrated" in refused.stderr
            assert "django_migrations" not in _tables(cluster.database_url)

            # once the other replica is done, it migrates and releases the lock when it ends.
            holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
            applied = _run(env)
            assert applied.returncode == 0, applied.stderr
            assert "Applying orders.0001" in applied.stdout
            assert {"django_migrations", "orders_order", "menu_menuitem"} <= _tables(cluster.database_url)
            assert holder.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY]).fetchone()[0] is True

            # A second replica of the same release finds nothing left to apply.
            holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
            again = _run(env)
            assert again.returncode == 0, again.stderr
            assert "No migrations to apply." in again.stdout
        finally:
            holder.close()


def test_a_negative_lock_timeout_is_refused():
    result = _run(environment(Path("/nonexistent"), "sqlite:////nonexistent/db.sqlite3"), "--lock-timeout", "-1")

    assert result.returncode == 1
    assert "--lock-timeout must be 0" in result.stderr
