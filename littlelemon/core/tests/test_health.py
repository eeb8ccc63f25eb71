import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.test import Client, RequestFactory

from littlelemon.api.middleware import ServerErrorMiddleware
from littlelemon.restaurant.models import Closure

pytestmark = pytest.mark.django_db


def test_health_is_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_database_and_cache(client):
    response = client.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_ready_is_503_naming_the_database_when_it_fails(client):
    with mock.patch("littlelemon.core.views._check_database", side_effect=OperationalError("connection refused")):
        response = client.get("/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unavailable", "cache": "ok"}}


def test_ready_is_503_naming_the_cache_when_it_fails(client):
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.get", return_value=None):
        response = client.get("/ready")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable"}


@pytest.mark.django_db(transaction=True)
def test_ready_waits_only_briefly_for_another_writer_s_lock_and_then_says_so():
    """Another transaction holds what the check's write needs (SQLite's write lock, PostgreSQL's
    row lock) until the check answers, or for 5 s at most: the check gives up after its own
    short wait (READY_LOCK_WAIT_MS), with the lock still held. Were it waiting the application's
    busy timeout (20 s), the lock would be released first and the check would pass."""
    locked, answered = threading.Event(), threading.Event()
    held_when_answered: list[bool] = []

    def hold_the_lock() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:  # SQLite: BEGIN IMMEDIATE
                cursor.execute(LOCK_FIRST_MIGRATION[connection.vendor])
                locked.set()
                held_when_answered.append(answered.wait(timeout=5))
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=60)
        response = Client().get("/ready")
    finally:
        answered.set()
        holder.join()

    assert held_when_answered == [True]
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unavailable", "cache": "ok"}}
    assert Client().get("/ready").status_code == 200  # the lock is free again


LOCK_FIRST_MIGRATION = {
    "sqlite": "SELECT id FROM django_migrations ORDER BY id LIMIT 1",  # the transaction holds the write lock
    "postgresql": "SELECT id FROM django_migrations ORDER BY id LIMIT 1 FOR UPDATE",
}


@pytest.mark.django_db(transaction=True)
def test_ready_leaves_the_connection_s_own_lock_wait_as_configured():
    response = Client().get("/ready")

    assert response.status_code == 200
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == settings.DATABASES["default"]["OPTIONS"]["timeout"] * 1000
        else:
            cursor.execute("SELECT current_setting('lock_timeout'), current_setting('statement_timeout')")
            assert cursor.fetchone() == ("0", "0")


@pytest.mark.django_db(transaction=True)
def test_a_database_error_closes_the_connection_instead_of_keeping_it():
    connection.ensure_connection()
    middleware = ServerErrorMiddleware(lambda request: None)

    response = middleware.process_exception(
        RequestFactory().get("/api/v1/closures/"), OperationalError("attempt to write a readonly database")
    )

    assert response.status_code == 503
    assert connection.connection is None
    assert Closure.objects.count() == 0  # the next query opens a new connection
    assert connection.connection is not None
