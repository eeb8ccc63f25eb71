from unittest import mock

import pytest
from django.db import OperationalError

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
