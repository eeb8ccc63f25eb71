"""Fixtures shared by every app's tests: users per role and API clients signed in as them."""

import pytest
from django.core.cache import caches
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from littlelemon.accounts.tests.factories import UserFactory

# Stripe's keys, a fake Stripe HTTP client and localstripe (littlelemon/payments/tests/fixtures.py),
# for the payments' own tests and the pages' (web, staff, browser).
pytest_plugins = ["littlelemon.payments.tests.fixtures"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` run on PostgreSQL only (CI's second leg); on SQLite they are
    deselected, not skipped: they test what SQLite cannot do (concurrent writers)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}".rstrip()


ROLES = ("anonymous", "customer", "kitchen", "delivery-crew", "manager", "admin")


@pytest.fixture(autouse=True)
def _clear_caches():
    """Caches (public responses, throttle counters) are process-wide; no test sees another's."""
    for alias in ("default", "throttle"):
        caches[alias].clear()
    yield


@pytest.fixture
def freeze(monkeypatch):
    """`freeze(moment)` stops the clock: the API, services, selectors and jobs read `timezone.now()`."""

    def stop(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return stop


def api_client_for(user=None) -> APIClient:
    """An API client authenticated the way real clients are: a JWT in `Authorization`."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def user_with_role(role: str, **kwargs):
    if role == "anonymous":
        return None
    if role == "admin":
        return UserFactory(is_superuser=True, is_staff=True, **kwargs)
    if role == "customer":
        return UserFactory(**kwargs)
    return UserFactory(roles=[role], **kwargs)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def throttle_rates(settings):
    """`throttle_rates(anon="2/min")`: set throttle scopes for this test (the others keep theirs).

    Changing settings reloads DRF's api_settings, and our throttles read their rates per
    request, so this is how an operator's `THROTTLE_*_RATE` takes effect too.
    """

    def set_rates(**rates: str | None) -> None:
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**current, **rates}}

    return set_rates


@pytest.fixture
def customer(db):
    return user_with_role("customer")


@pytest.fixture
def other_customer(db):
    return user_with_role("customer")


@pytest.fixture
def kitchen_user(db):
    return user_with_role("kitchen")


@pytest.fixture
def crew_user(db):
    return user_with_role("delivery-crew")


@pytest.fixture
def manager(db):
    return user_with_role("manager")


@pytest.fixture
def admin_user(db):
    return user_with_role("admin")


@pytest.fixture
def client_as():
    """`client_as(user)` -> an APIClient with that user's bearer token (None: anonymous)."""
    return api_client_for


@pytest.fixture
def client_for_role(db):
    """`client_for_role("manager")` -> (client, user) for a fresh user in that role."""

    def make(role: str):
        user = user_with_role(role)
        return api_client_for(user), user

    return make


@pytest.fixture
def asgi_server_factory(transactional_db, tmp_path):
    """`asgi_server_factory(**env)`: a started uvicorn serving config.asgi on a free loopback port
    with the test settings and this run's test database (littlelemon.core.tests.servers.AsgiServer:
    `.url`, `.get(path)`, `.stop()`, `.start()`), e.g. `asgi_server_factory(LIVE_STREAM_MAX_SECONDS="3")`.
    Transactional: what the test writes is committed, so the server sees it. Stopped at the end."""
    from littlelemon.core.tests.servers import AsgiServer

    servers = []

    def make(**env: str) -> AsgiServer:
        server = AsgiServer(tmp_path, **env)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()
        print(f"{server.log.name} (shown when the test failed):\n{server.log.read_text(errors='replace')}")


@pytest.fixture
def asgi_server(asgi_server_factory):
    """A real ASGI server (uvicorn) on the test database: see `asgi_server_factory`."""
    return asgi_server_factory()
