"""Our CorsMiddleware (littlelemon/core/cors.py) answers exactly as django-cors-headers' does,
with or without an Origin, on the paths CORS covers and on the others, for reads, writes,
preflights and answers served from memory."""

import pytest
from corsheaders import middleware as upstream
from django.http import HttpResponse
from django.test import RequestFactory

from littlelemon.core.cors import CorsMiddleware

pytestmark = pytest.mark.django_db

ALLOWED = "https://app.example.com"
CORS_HEADERS = ("Vary", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Access-Control-Allow-Methods")


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def answer(middleware_class, method: str, path: str, origin: str | None) -> dict[str, str | None]:
    """The CORS headers `middleware_class` puts on a view's answer to this request."""
    headers = {"Origin": origin} if origin is not None else {}
    if method == "OPTIONS":
        headers["Access-Control-Request-Method"] = "GET"
    request = RequestFactory().generic(method, path, headers=headers)

    def view(request):
        response = HttpResponse(b"{}", content_type="application/json")
        response["Vary"] = "Accept"
        return response

    answered = middleware_class(view)(request)
    return {name: answered.get(name) for name in CORS_HEADERS}


@pytest.mark.parametrize("path", ["/api/v1/menu-items/", "/api/v1/cart/", "/health", "/admin/login/", "/"])
@pytest.mark.parametrize("origin", [None, "", ALLOWED, "https://evil.example.net"])
@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_the_same_headers_as_upstream(path, origin, method):
    ours = answer(CorsMiddleware, method, path, origin)

    assert ours == answer(upstream.CorsMiddleware, method, path, origin)
    on_api = path.startswith("/api/")
    assert ("origin" in (ours["Vary"] or "").lower()) is on_api
    assert ours["Access-Control-Allow-Origin"] == (ALLOWED if on_api and origin == ALLOWED else None)


def test_a_cached_menu_page_carries_vary_origin_and_the_allowed_origin(client):
    client.get("/api/v1/menu-items/")  # rendered and kept

    plain = client.get("/api/v1/menu-items/")
    cross = client.get("/api/v1/menu-items/", headers={"Origin": ALLOWED})

    assert plain.content == cross.content
    assert "origin" in plain["Vary"].lower() and "origin" in cross["Vary"].lower()
    assert "Access-Control-Allow-Origin" not in plain
    assert cross["Access-Control-Allow-Origin"] == ALLOWED
    assert cross["Access-Control-Expose-Headers"] == "Retry-After"
