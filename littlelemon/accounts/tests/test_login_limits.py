"""The log-in limits on every entry point (accounts/ratelimit.py): password spraying (one
address, many accounts) and credential stuffing (one account, many addresses), with one set
of counters for the API, the web log-in page, the admin's log-in page and password resets,
and the owner never locked out of their account from where they log in."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import resolve
from rest_framework.test import APIClient

from littlelemon.accounts.apis import TokenObtainPairView
from littlelemon.accounts.ratelimit import LoginAccountThrottle
from littlelemon.core.ratelimit import LoginRateThrottle

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME, ATTACKER, ELSEWHERE = "192.0.2.10", "198.51.100.66", "203.0.113.5"


def api(address, username, password):
    return APIClient(REMOTE_ADDR=address).post("/api/v1/auth/jwt/create/", {"username": username, "password": password})


def web(address, username, password):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/account/login/", {"username": username, "password": password})
    response.logged_in = SESSION_KEY in client.session
    return response


def admin(address, username, password):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    response.logged_in = SESSION_KEY in client.session
    return response


ENTRY_POINTS = {"api": api, "web": web, "admin": admin}


def logged_in(response) -> bool:
    if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
        return "access" in response.json()
    return getattr(response, "logged_in", False)


def assert_refused(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    if response["Content-Type"].startswith("application/json"):
        assert response.json() == {
            "detail": f"Request was throttled. Expected available in {response['Retry-After']} seconds.",
            "code": "throttled",
            "request_id": response["X-Request-ID"],
        }
    else:
        html = response.content.decode()
        assert "Please wait a moment" in html and "Too many log-in attempts. Please try again in" in html
    assert not logged_in(response)


@pytest.fixture
def owner(db):
    # Staff, so that the admin's log-in accepts them too.
    return UserFactory(username="owner", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_spraying_many_accounts_from_one_address_is_stopped(entry, owner, throttle_rates):
    throttle_rates(login="3/min")
    attempt = ENTRY_POINTS[entry]

    tries = [attempt(ATTACKER, f"user{number}", "Summer2024!") for number in range(3)]
    with_the_right_password = attempt(ATTACKER, "owner", PASSWORD)
    owner_elsewhere = attempt(HOME, "owner", PASSWORD)

    assert [response.status_code for response in tries] == ([401] * 3 if entry == "api" else [200] * 3)
    assert_refused(with_the_right_password)
    assert logged_in(owner_elsewhere)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_stuffing_one_account_from_many_addresses_is_stopped_but_the_owner_gets_in(entry, owner, throttle_rates):
    throttle_rates(login_username="3/hour")
    attempt = ENTRY_POINTS[entry]
    assert logged_in(attempt(HOME, "owner", PASSWORD))  # the owner's usual address

    failures = [attempt(f"198.51.100.{number}", "owner", "wrong-guess") for number in range(1, 4)]
    from_a_new_address = attempt(ELSEWHERE, "owner", PASSWORD)
    look_alike_name = attempt("198.51.100.9", "OWNER", "wrong-guess")  # one account, one budget
    owner_at_home = attempt(HOME, "owner", PASSWORD)

    assert all(response.status_code in (200, 401) and not logged_in(response) for response in failures)
    assert_refused(from_a_new_address)
    assert_refused(look_alike_name)
    assert logged_in(owner_at_home)


def test_the_entry_points_share_one_set_of_counters(owner, throttle_rates):
    throttle_rates(login_username="3/hour", login="4/min")

    api(ATTACKER, "owner", "wrong-1")
    web("198.51.100.7", "owner", "wrong-2")
    admin("198.51.100.8", "owner", "wrong-3")

    for attempt in ENTRY_POINTS.values():
        assert_refused(attempt(ELSEWHERE, "owner", PASSWORD))
    # Spraying: the attacker's address has used 1 of its 4 attempts, whichever entry point is next.
    web(ATTACKER, "someone", "x")
    admin(ATTACKER, "someone-else", "x")
    api(ATTACKER, "another", "x")
    assert_refused(web(ATTACKER, "owner", PASSWORD))


def test_an_unknown_account_is_limited_like_a_real_one(db, throttle_rates):
    """A 429 must not tell which usernames exist."""
    throttle_rates(login_username="2/hour")
    for number in range(2):
        api(f"198.51.100.{number}", "nobody", "guess")

    assert_refused(api(ELSEWHERE, "nobody", "guess"))


def reset(address, email):
    return Client(REMOTE_ADDR=address).post("/account/password/reset/", {"email": email})


def test_password_reset_requests_count_per_address(owner, throttle_rates):
    throttle_rates(login="3/min")

    sent = [reset(ATTACKER, f"someone{number}@example.com").status_code for number in range(3)]
    refused = reset(ATTACKER, owner.email)

    assert sent == [302, 302, 302]
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Too many password reset requests. Please try again in" in refused.content.decode()
    assert mail.outbox == []  # none of those addresses has an account, and the owner's was refused
    assert reset(HOME, owner.email).status_code == 302
    assert len(mail.outbox) == 1


def test_password_reset_requests_count_per_email_address_and_log_in_attempts_with_them(owner, throttle_rates):
    throttle_rates(login_username="2/hour", login="2/min")

    first = [reset(f"198.51.100.{number}", owner.email.upper()).status_code for number in range(2)]
    flood = reset(ELSEWHERE, owner.email)
    reset(ATTACKER, "a@example.com")
    reset(ATTACKER, "b@example.com")

    assert first == [302, 302]
    assert flood.status_code == 429
    assert len(mail.outbox) == 2
    assert_refused(api(ATTACKER, "owner", PASSWORD))  # the address's 2 attempts are spent


def test_every_log_in_entry_point_is_behind_the_limits():
    for path in ("/account/login/", "/account/password/reset/", "/admin/login/"):
        assert getattr(resolve(path).func, "login_limited", False), path
    assert resolve("/api/v1/auth/jwt/create/").func.view_class is TokenObtainPairView
    assert {LoginRateThrottle, LoginAccountThrottle} <= set(TokenObtainPairView.throttle_classes)


def test_the_web_layer_does_not_import_the_api():
    from pathlib import Path

    import littlelemon.web

    root = Path(littlelemon.web.__file__).parent
    importing = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "littlelemon.api" in path.read_text()
    ]
    assert importing == []
