"""The throttle counters' database cache (littlelemon/core/cache.py), on the suite's database:
SQLite by default, PostgreSQL with DATABASE_URL (CI runs both)."""

from datetime import timedelta

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, transaction
from django.utils import timezone

from littlelemon.core.cache import UpsertDatabaseCache
from littlelemon.core.periodic import periodic_jobs
from littlelemon.core.tasks import cache_tables_purge

pytestmark = pytest.mark.django_db

TABLE = "throttle_cache"  # core migration 0004


def make_cache(**options) -> UpsertDatabaseCache:
    cache = UpsertDatabaseCache(TABLE, {"OPTIONS": options})
    cache.clear()
    return cache


@pytest.fixture
def cache() -> UpsertDatabaseCache:
    return make_cache(MAX_ENTRIES=100)


@pytest.fixture
def clock(monkeypatch):
    """`clock(seconds)`: from now on the backend's now (that reads compare expiries with) is that
    many seconds ahead."""
    real_now = timezone.now

    def advance(seconds: float) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=seconds))

    return advance


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 (a constant)
        return cursor.fetchone()[0]


def test_set_then_get_returns_the_value(cache):
    cache.set("throttle_anon_10.0.0.1", [1.5, 2.25], 60)
    cache.set("login_known_abc", ["10.0.0.1"], 60)

    assert cache.get("throttle_anon_10.0.0.1") == [1.5, 2.25]
    assert cache.get("login_known_abc") == ["10.0.0.1"]
    assert cache.get("missing") is None
    assert cache.get("missing", "default") == "default"


def test_set_replaces_the_value_and_expiry_in_one_row(cache):
    cache.set("key", [1.0], 60)
    cache.set("key", [2.0, 1.0], 120)

    assert cache.get("key") == [2.0, 1.0]
    assert rows() == 1


@pytest.mark.django_db(transaction=True)  # autocommit, as a request's throttle check runs
def test_a_write_is_one_statement_and_a_read_one_query(cache, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        cache.set("key", [1.0], 60)
    assert "ON CONFLICT" in captured.captured_queries[0]["sql"]

    with django_assert_num_queries(1):
        cache.set("key", [2.0], 60)
    with django_assert_num_queries(1):
        assert cache.get("key") == [2.0]
    with django_assert_num_queries(1):
        assert cache.add("key", [3.0], 60) is False


def test_an_entry_expires_after_its_timeout(cache, clock):
    cache.set("key", "value", 60)

    clock(59)
    assert cache.get("key") == "value"
    assert cache.has_key("key")
    clock(61)
    assert cache.get("key") is None
    assert not cache.has_key("key")
    assert cache.get_many(["key"]) == {}


def test_timeout_zero_keeps_nothing_and_none_keeps_for_ever(cache, clock):
    cache.set("gone", "value", 0)
    cache.set("kept", "value", None)

    assert cache.get("gone") is None
    clock(100 * 365 * 86400)
    assert cache.get("kept") == "value"


def test_the_default_timeout_applies(clock):
    cache = make_cache()
    cache.default_timeout = 30
    cache.set("key", "value")

    clock(29)
    assert cache.get("key") == "value"
    clock(31)
    assert cache.get("key") is None


def test_add_stores_only_over_a_missing_or_expired_entry(cache, clock):
    assert cache.add("key", "first", 60) is True
    assert cache.add("key", "second", 60) is False
    assert cache.get("key") == "first"

    clock(61)  # the clock of reads; a timeout counts from the real one
    assert cache.add("key", "third", 600) is True
    assert cache.get("key") == "third"


def test_incr_and_decr_change_a_live_value(cache, clock):
    cache.set("count", 5, 60)

    assert cache.incr("count") == 6
    assert cache.incr("count", 10) == 16
    assert cache.decr("count", 4) == 12
    assert cache.get("count") == 12

    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    clock(61)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("count")


def test_touch_moves_the_expiry_of_a_live_entry(cache, clock):
    cache.set("key", "value", 60)

    assert cache.touch("key", 600) is True
    assert cache.touch("missing", 600) is False
    clock(300)
    assert cache.get("key") == "value"


def test_delete_and_clear(cache):
    cache.set_many({"a": 1, "b": 2, "c": 3}, 60)

    assert cache.delete("a") is True
    assert cache.delete("a") is False
    cache.delete_many(["b", "missing"])
    assert cache.get_many(["a", "b", "c"]) == {"c": 3}

    cache.clear()
    assert rows() == 0


def test_get_many_returns_the_live_entries_under_the_callers_keys(cache, clock):
    cache.set("short", 1, 10)
    cache.set("long", 2, 100)

    assert cache.get_many(["short", "long", "missing"]) == {"short": 1, "long": 2}
    clock(50)
    assert cache.get_many(["short", "long"]) == {"long": 2}


def test_keys_are_prefixed_and_versioned():
    first = UpsertDatabaseCache(TABLE, {"KEY_PREFIX": "one", "OPTIONS": {}})
    second = UpsertDatabaseCache(TABLE, {"KEY_PREFIX": "two", "OPTIONS": {}})
    first.clear()
    first.set("key", "first's", 60)
    second.set("key", "second's", 60)
    first.set("key", "version 2", 60, version=2)

    assert first.get("key") == "first's"
    assert second.get("key") == "second's"
    assert first.get("key", version=2) == "version 2"


def test_purge_deletes_expired_entries_and_keeps_the_live_ones(cache, clock):
    cache.set("short", 1, 10)
    cache.set("long", 2, 100)

    clock(50)
    assert cache.purge() == 1
    assert rows() == 1
    assert cache.get("long") == 2


def test_purge_past_max_entries_deletes_those_that_expire_soonest():
    cache = make_cache(MAX_ENTRIES=3)
    for number in range(6):
        cache.set(f"key{number}", number, 60 + number)

    assert cache.purge() == 3

    assert cache.get_many([f"key{number}" for number in range(6)]) == {"key3": 3, "key4": 4, "key5": 5}


def test_every_cull_every_th_write_purges_so_the_table_stays_bounded(monkeypatch):
    monkeypatch.setattr(UpsertDatabaseCache, "write_counts", {})  # this process's count from zero
    cache = make_cache(MAX_ENTRIES=5, CULL_EVERY=4)
    for number in range(1, 12):
        cache.set(f"key{number}", number, 60 + number)
        # Purged at the 4th and 8th write: never more than MAX_ENTRIES + CULL_EVERY - 1 rows.
        assert rows() <= 5 + 4 - 1

    assert rows() == 5 + 3
    assert cache.get("key11") == 11


def test_the_periodic_job_purges_every_database_cache_of_ours(settings, clock):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "littlelemon.core.cache.UpsertDatabaseCache", "LOCATION": TABLE},
    }
    from django.core.cache import caches

    caches["throttle"].set("short", 1, 10)
    caches["throttle"].set("long", 2, 100)
    clock(50)

    assert "littlelemon.core.tasks.cache_tables_purge" in {job.name for job in periodic_jobs()}
    assert cache_tables_purge.call() == {"throttle": 1}
    assert rows() == 1


def test_it_reads_what_djangos_database_cache_wrote_and_the_other_way_round(cache):
    django_cache = DatabaseCache(TABLE, {})
    django_cache.set("from_django", [1.5, 2.5], 60)
    cache.set("from_ours", {"a": 1}, 60)

    assert cache.get("from_django") == [1.5, 2.5]
    assert django_cache.get("from_ours") == {"a": 1}


def test_inside_a_transaction_the_write_joins_it(cache):
    with transaction.atomic():
        cache.set("key", "value", 60)
        assert cache.get("key") == "value"
        transaction.set_rollback(True)

    assert cache.get("key") is None


def test_the_count_of_writes_is_the_process_s_not_one_cache_object_s(monkeypatch):
    """Django makes a cache object per thread (per request under ASGI): the purge still comes
    every CULL_EVERY writes of the process."""
    monkeypatch.setattr(UpsertDatabaseCache, "write_counts", {})
    make_cache()  # an empty table
    for number in range(1, 6):
        UpsertDatabaseCache(TABLE, {"OPTIONS": {"MAX_ENTRIES": 2, "CULL_EVERY": 3}}).set(f"key{number}", number, 60)

    assert rows() == 2 + 2  # purged to 2 at the 3rd write, then 2 more
