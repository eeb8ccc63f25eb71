"""Throttling: 429 with Retry-After, stricter scopes for log-in and sign-up, rates read from
settings at request time, and a client address that cannot be forged.

That the counters are shared by separate server processes is proven with real servers at the end.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from rest_framework.test import APIClient

from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.api.throttling import AnonRateThrottle
from littlelemon.core.tests.servers import environment, gunicorn, manage

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/v1/categories/"
ME = "/api/v1/auth/users/me/"
LOGIN = "/api/v1/auth/jwt/create/"
SIGNUP = "/api/v1/auth/users/"


def statuses(send, times: int) -> list[int]:
    return [send().status_code for _ in range(times)]


def test_anonymous_rate_answers_429_with_retry_after(api_client, throttle_rates):
    throttle_rates(anon="2/min")

    assert statuses(lambda: api_client.get(CATEGORIES), 3) == [200, 200, 429]
    response = api_client.get(CATEGORIES)
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json() == {
        "detail": f"Request was throttled. Expected available in {response['Retry-After']} seconds.",
        "code": "throttled",
        "request_id": response["X-Request-ID"],
    }


def test_signed_in_rate_is_counted_per_user(client_for_role, throttle_rates):
    throttle_rates(user="2/min")
    client, _ = client_for_role("customer")
    other, _ = client_for_role("customer")

    assert statuses(lambda: client.get(ME), 3) == [200, 200, 429]
    assert other.get(ME).status_code == 200  # same address, another user: their own budget


def test_a_token_does_not_lift_the_anonymous_limit_on_other_users(api_client, client_for_role, throttle_rates):
    throttle_rates(anon="1/min", user="100/min")
    client, _ = client_for_role("customer")

    assert statuses(lambda: api_client.get(CATEGORIES), 2) == [200, 429]
    assert client.get(CATEGORIES).status_code == 200


def test_log_in_has_its_own_stricter_rate(api_client, throttle_rates):
    throttle_rates(login="2/min")
    user = UserFactory()

    attempts = statuses(lambda: api_client.post(LOGIN, {"username": user.username, "password": "wrong"}), 2)
    blocked = api_client.post(LOGIN, {"username": user.username, "password": PASSWORD})

    assert attempts == [401, 401]
    assert blocked.status_code == 429 and blocked.json()["code"] == "throttled"
    assert "access" not in blocked.json()


def test_sign_up_has_its_own_stricter_rate_and_a_refused_one_creates_nothing(api_client, throttle_rates):
    throttle_rates(signup="1/min")

    first = api_client.post(SIGNUP, {"username": "ann", "email": "ann@example.com", "password": PASSWORD})
    second = api_client.post(SIGNUP, {"username": "bob", "email": "bob@example.com", "password": PASSWORD})

    assert (first.status_code, second.status_code) == (201, 429)
    assert list(User.objects.values_list("username", flat=True)) == ["ann"]


def test_the_sign_up_rate_holds_for_a_signed_in_caller_too(client_for_role, throttle_rates):
    throttle_rates(signup="1/min")
    client, _ = client_for_role("customer")

    first = client.post(SIGNUP, {"username": "ann", "email": "ann@example.com", "password": PASSWORD})
    second = client.post(SIGNUP, {"username": "bob", "email": "bob@example.com", "password": PASSWORD})

    assert (first.status_code, second.status_code) == (201, 429)


def test_rates_are_read_when_a_request_is_checked_not_at_import(api_client, throttle_rates):
    throttle_rates(anon="1/min")
    assert statuses(lambda: api_client.get(CATEGORIES), 2) == [200, 429]

    throttle_rates(anon="5/min")
    assert api_client.get(CATEGORIES).status_code == 200

    throttle_rates(anon=None)  # THROTTLE_ANON_RATE=off
    assert statuses(lambda: api_client.get(CATEGORIES), 10) == [200] * 10


def test_x_forwarded_for_is_ignored_when_no_proxy_is_trusted(api_client, throttle_rates, settings):
    settings.TRUSTED_PROXIES = 0
    throttle_rates(anon="1/min")

    first = api_client.get(CATEGORIES, HTTP_X_FORWARDED_FOR="10.0.0.1")
    forged = api_client.get(CATEGORIES, HTTP_X_FORWARDED_FOR="10.0.0.2")

    assert (first.status_code, forged.status_code) == (200, 429)


def test_x_forwarded_for_is_honoured_as_deep_as_the_trusted_proxies(api_client, throttle_rates, settings):
    settings.TRUSTED_PROXIES = 1
    throttle_rates(anon="1/min")

    alice = api_client.get(CATEGORIES, HTTP_X_FORWARDED_FOR="10.0.0.1")
    bob = api_client.get(CATEGORIES, HTTP_X_FORWARDED_FOR="10.0.0.2")
    alice_again = api_client.get(CATEGORIES, HTTP_X_FORWARDED_FOR="10.0.0.1")
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    alice_pretending = api_client.get(CATEGORIES, HTTP_X_FORWARDED_FOR="10.9.9.9, 10.0.0.1")

    assert [r.status_code for r in (alice, bob, alice_again, alice_pretending)] == [200, 200, 429, 429]


def test_counters_live_in_the_shared_throttle_cache(api_client, throttle_rates):
    throttle_rates(anon="5/min")

    api_client.get(CATEGORIES)
    api_client.get(CATEGORIES)

    assert len(caches["throttle"].get("throttle_anon_127.0.0.1")) == 2
    assert caches["default"].get("throttle_anon_127.0.0.1") is None


@pytest.mark.server
def test_counters_are_shared_by_separate_server_processes(tmp_path):
    """Two servers (say two containers on one host, or two gunicorn masters) share the database cache:
    running more processes does not multiply the limit."""
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", THROTTLE_ANON_RATE="4/min")
    manage(env, "migrate", "--noinput")

    with gunicorn(env, tmp_path, workers=1) as first, gunicorn(env, tmp_path, workers=1) as second:
        statuses = [server.get(CATEGORIES).status for server in (first, second) * 3]

    assert statuses == [200, 200, 200, 200, 429, 429]


# The production default store without Redis (config/settings/base.py; test_settings checks it):
# the tests' own is local memory, for speed.
DATABASE_STORE = {
    "BACKEND": "littlelemon.core.cache.UpsertDatabaseCache",
    "LOCATION": "throttle_cache",
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}


@pytest.fixture
def database_store(settings):
    """The throttles' counters in the database cache, in the table migration core 0004 creates."""
    settings.CACHES = {**settings.CACHES, "throttle": DATABASE_STORE}
    caches["throttle"].clear()
    return caches["throttle"]


def test_counters_survive_more_than_300_other_clients(database_store, throttle_rates):
    """A file cache culls a random third of its entries past 300 (its default MAX_ENTRIES):
    an attacker spraying from many addresses erased live counters, theirs included."""
    throttle_rates(anon="2/min")
    first, last = APIClient(REMOTE_ADDR="198.51.100.1"), APIClient(REMOTE_ADDR="198.51.100.2")
    assert first.get(CATEGORIES).status_code == 200

    throttle, factory = AnonRateThrottle(), RequestFactory()
    for number in range(400):
        request = factory.get(CATEGORIES, REMOTE_ADDR=f"10.{number // 250}.{number % 250}.1")
        request.user = AnonymousUser()
        assert throttle.allow_request(request, None)
    assert last.get(CATEGORIES).status_code == 200

    assert statuses(lambda: first.get(CATEGORIES), 2) == [200, 429]
    assert statuses(lambda: last.get(CATEGORIES), 2) == [200, 429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM throttle_cache")
        assert cursor.fetchone()[0] >= 402  # every client's counter is still there


def test_the_database_store_keeps_what_the_throttles_count(database_store, throttle_rates, api_client):
    throttle_rates(anon="5/min")

    api_client.get(CATEGORIES)
    api_client.get(CATEGORIES)

    assert len(database_store.get("throttle_anon_127.0.0.1")) == 2
