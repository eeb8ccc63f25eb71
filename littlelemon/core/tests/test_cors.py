"""django-cors-headers' middleware as shipped, configured in settings: only the configured
origins, only the API's paths, on every kind of answer (a 304 included), preflights too."""

import pytest

pytestmark = pytest.mark.django_db

ALLOWED = "https://app.example.com"


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def test_the_middleware_is_django_cors_headers_own(settings):
    assert "corsheaders.middleware.CorsMiddleware" in settings.MIDDLEWARE
    assert not any(name.startswith("littlelemon.core.cors") for name in settings.MIDDLEWARE)


@pytest.mark.parametrize("path", ["/api/v1/menu-items/", "/api/v1/cart/", "/health", "/admin/login/", "/"])
@pytest.mark.parametrize("origin", [None, ALLOWED, "https://evil.example.net"])
def test_allowed_origin_only_on_the_api(client, path, origin):
    headers = {"Origin": origin} if origin else {}

    response = client.get(path, headers=headers)

    on_api = path.startswith("/api/")
    assert ("origin" in response.get("Vary", "").lower()) is on_api
    allowed = on_api and origin == ALLOWED
    assert response.get("Access-Control-Allow-Origin") == (ALLOWED if allowed else None)
    assert response.get("Access-Control-Expose-Headers") == ("Retry-After" if allowed else None)


def test_a_preflight_from_the_allowed_origin(client):
    response = client.options(
        "/api/v1/cart/items/",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "idempotency-key",
        },
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "idempotency-key" in response["Access-Control-Allow-Headers"]
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_a_menu_answer_and_its_304_carry_vary_origin_and_the_allowed_origin(client):
    plain = client.get("/api/v1/menu-items/")
    cross = client.get("/api/v1/menu-items/", headers={"Origin": ALLOWED, "If-None-Match": plain["ETag"]})

    assert cross.status_code == 304
    assert "origin" in plain["Vary"].lower() and "origin" in cross["Vary"].lower()
    assert "accept" in plain["Vary"].lower() and "accept" in cross["Vary"].lower()
    assert "Access-Control-Allow-Origin" not in plain
    assert cross["Access-Control-Allow-Origin"] == ALLOWED
