"""`Authorization: Api-Key <key>`: which keys authenticate, what a refusal looks like, how a
malformed key stays away from the database, when the last use is written, and the per-key rate."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from littlelemon.apikeys import services
from littlelemon.apikeys.models import ApiKey
from littlelemon.apikeys.scopes import MENU_READ, MENU_WRITE, ORDERS_READ
from littlelemon.menu.models import Category
from littlelemon.menu.tests.factories import CategoryFactory

from .factories import issue_key, key_client

pytestmark = pytest.mark.django_db

MENU = "/api/v1/categories/"


def test_a_valid_key_reads_within_its_scope_and_notes_its_use():
    api_key, key = issue_key([MENU_READ])
    CategoryFactory(title="Mains")

    response = key_client(key).get(MENU)

    assert response.status_code == 200
    assert [category["title"] for category in response.data["results"]] == ["Mains"]
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    assert timezone.now() - api_key.last_used_at < timedelta(seconds=5)


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key",
        "Api-Key  ",
        "Api-Key abc def",
        "Api-Key not-a-key",
        "Api-Key abcdefgh",  # a prefix alone
        "Api-Key abcdefgh.",  # no secret
        "Api-Key abcdefgh.tooshort",
        "Api-Key abcdefgh." + "x" * 33,  # one character too many
        "Api-Key abcdefg." + "x" * 32,  # prefix one short
        "Api-Key abcdefgh-" + "x" * 32,  # wrong separator
        "Api-Key abcdefgh." + "x" * 31 + "!",
        "Api-Key ' OR 1=1 --",
        "api-key " + "a" * 500,
    ],
)
def test_a_malformed_key_is_a_401_without_touching_the_database(header):
    issue_key([MENU_READ], name="Other")  # some key exists

    client = key_client("x")
    client.credentials(HTTP_AUTHORIZATION=header)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MENU)

    assert response.status_code == 401
    assert response.data["code"] == "invalid_api_key"
    assert response.has_header("WWW-Authenticate")
    assert len(queries) == 0, [query["sql"] for query in queries]


def test_a_non_ascii_key_is_a_401():
    client = key_client("x")
    client.credentials(HTTP_AUTHORIZATION="Api-Key abcdéfgh." + "x" * 32)

    response = client.get(MENU)

    assert response.status_code == 401
    assert response.data["code"] == "invalid_api_key"


def test_a_right_prefix_with_a_wrong_secret_is_a_401_after_one_query_by_prefix_alone():
    api_key, key = issue_key([MENU_READ])
    wrong = f"{api_key.prefix}.{'A' * 32}"
    assert wrong != key

    with CaptureQueriesContext(connection) as queries:
        response = key_client(wrong).get(MENU)

    assert response.status_code == 401
    assert response.data == {
        "detail": "Invalid API key.",
        "code": "invalid_api_key",
        "request_id": response.data["request_id"],
    }
    assert len(queries) == 1
    assert "A" * 32 not in str(queries[0]["sql"])  # looked up by the prefix, never by the secret
    assert api_key.prefix in str(queries[0]["sql"])
    api_key.refresh_from_db()
    assert api_key.last_used_at is None


def test_an_unknown_prefix_is_the_same_401():
    issue_key([MENU_READ])

    response = key_client("ZZZZZZZZ." + "a" * 32).get(MENU)

    assert response.status_code == 401
    assert response.data["code"] == "invalid_api_key"


def test_the_keys_stored_hashed_and_never_whole():
    api_key, key = issue_key([MENU_READ])
    api_key.refresh_from_db()
    secret = key.split(".", 1)[1]

    row = ApiKey.objects.filter(pk=api_key.pk).values().get()
    assert not any(secret in str(value) for value in row.values())
    assert api_key.hashed_key.startswith("sha512$$")
    assert key.startswith(api_key.prefix + ".")


def test_a_revoked_key_is_a_401_and_writes_nothing(manager):
    api_key, key = issue_key([MENU_WRITE])
    services.api_key_revoke(actor=manager, api_key=api_key)

    response = key_client(key).post(MENU, {"title": "Soups"}, format="json")

    assert response.status_code == 401
    assert response.data["code"] == "api_key_revoked"
    assert not Category.objects.exists()
    api_key.refresh_from_db()
    assert api_key.last_used_at is None


def test_an_expired_key_is_a_401_and_writes_nothing():
    api_key, key = issue_key([MENU_WRITE], expiry_date=timezone.now() - timedelta(seconds=1))

    response = key_client(key).post(MENU, {"title": "Soups"}, format="json")

    assert response.status_code == 401
    assert response.data["code"] == "api_key_expired"
    assert not Category.objects.exists()
    api_key.refresh_from_db()
    assert api_key.last_used_at is None


def test_a_key_that_has_not_expired_yet_works():
    _, key = issue_key([MENU_READ], expiry_date=timezone.now() + timedelta(minutes=5))

    assert key_client(key).get(MENU).status_code == 200


def test_a_key_without_the_scope_is_a_403_that_names_it_and_writes_nothing():
    api_key, key = issue_key([MENU_READ, ORDERS_READ])

    response = key_client(key).post(MENU, {"title": "Soups"}, format="json")

    assert response.status_code == 403
    assert response.data["code"] == "api_key_scope"
    assert "menu:write" in response.data["detail"]
    assert not Category.objects.exists()
    api_key.refresh_from_db()
    assert api_key.last_used_at is None  # a refused request is not a use


def test_the_last_use_is_written_at_most_once_a_minute(monkeypatch):
    api_key, key = issue_key([MENU_READ])
    client = key_client(key)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    client.get(MENU)
    api_key.refresh_from_db()
    assert api_key.last_used_at == start

    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=59))
    with CaptureQueriesContext(connection) as queries:
        client.get(MENU)
    assert not [query for query in queries if query["sql"].startswith("UPDATE")]
    api_key.refresh_from_db()
    assert api_key.last_used_at == start

    later = start + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.get(MENU)
    api_key.refresh_from_db()
    assert api_key.last_used_at == later


def test_the_last_use_update_is_conditional():
    """Two requests that both read a stale row: the second UPDATE matches nothing."""
    api_key, _ = issue_key([MENU_READ])
    stale_copy = ApiKey.objects.get(pk=api_key.pk)
    now = timezone.now()
    services.api_key_used(api_key=api_key, now=now)

    services.api_key_used(api_key=stale_copy, now=now + timedelta(seconds=30))

    api_key.refresh_from_db()
    assert api_key.last_used_at == now


def test_each_key_has_its_own_rate(throttle_rates):
    throttle_rates(api_key="2/min", anon="1/min", user="1/min")
    _, first = issue_key([MENU_READ], name="Kiosk")
    _, second = issue_key([MENU_READ], name="POS")
    kiosk = key_client(first)

    assert [kiosk.get(MENU).status_code for _ in range(3)] == [200, 200, 429]
    refused = kiosk.get(MENU)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another key from the same address still has its budget, and neither counts as anonymous.
    assert [key_client(second).get(MENU).status_code for _ in range(2)] == [200, 200]


def test_the_anonymous_rate_does_not_apply_to_keys(throttle_rates):
    throttle_rates(api_key="10/min", anon="1/min")
    _, key = issue_key([MENU_READ])

    assert [key_client(key).get(MENU).status_code for _ in range(3)] == [200, 200, 200]


def test_bearer_tokens_and_anonymous_401s_are_unchanged(client_as, customer):
    assert client_as(customer).get("/api/v1/cart/").status_code == 200
    anonymous = client_as(None).get("/api/v1/cart/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
