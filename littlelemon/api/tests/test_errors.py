"""Every 4xx has one shape: {"detail", "code"} plus "fields" for validation errors."""

import pytest
from rest_framework.exceptions import Throttled

from littlelemon.api import throttling

pytestmark = pytest.mark.django_db


def test_validation_error_shape(client_as, manager):
    response = client_as(manager).post("/api/v1/categories/", {"title": ""})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "title: This field may not be blank.",
        "code": "invalid",
        "fields": {"title": ["This field may not be blank."]},
    }


def test_malformed_json_is_a_400(client_as, manager):
    response = client_as(manager).generic("POST", "/api/v1/categories/", '{"title": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"].startswith("JSON parse error")


def test_method_not_allowed_shape(api_client):
    response = api_client.delete("/api/v1/auth/jwt/create/")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.', "code": "method_not_allowed"}


def test_unsupported_media_type_shape(client_as, manager):
    response = client_as(manager).generic("POST", "/api/v1/categories/", "title=x", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_malformed_bearer_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.get("/api/v1/menu-items/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response.json()["detail"] == "Given token not valid for any token type"


def test_throttling_answers_429_with_retry_after(api_client, monkeypatch):
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})

    statuses = [api_client.get("/api/v1/categories/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = api_client.get("/api/v1/categories/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == Throttled.default_code


def test_login_has_its_own_stricter_scope(api_client, monkeypatch):
    monkeypatch.setattr(throttling.LoginRateThrottle, "THROTTLE_RATES", {"login": "1/min"})

    first = api_client.post("/api/v1/auth/jwt/create/", {"username": "x", "password": "y"})
    second = api_client.post("/api/v1/auth/jwt/create/", {"username": "x", "password": "y"})

    assert first.status_code == 401
    assert second.status_code == 429


def test_client_address_comes_from_the_socket_not_x_forwarded_for(api_client, monkeypatch):
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})

    api_client.get("/api/v1/categories/", HTTP_X_FORWARDED_FOR="10.0.0.1")
    forged = api_client.get("/api/v1/categories/", HTTP_X_FORWARDED_FOR="10.0.0.2")

    assert forged.status_code == 429
