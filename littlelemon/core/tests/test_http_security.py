"""HTTP-level protections: security headers, the Content-Security-Policy (and the pages that must
work under it), CORS for configured origins only, CSRF on session-authenticated writes.

The production values of the settings behind them (HSTS length, secure cookies) are checked in
a production-settings process by test_settings.py.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from rest_framework.test import APIClient

from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.menu.models import Category

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(response, name: str) -> list[dict[str, str | None]]:
    parser = Tags()
    parser.feed(response.content.decode())
    return [attrs for tag, attrs in parser.tags if tag == name]


@pytest.mark.parametrize("path", ["/api/v1/menu-items/", "/admin/login/", "/api/docs/", "/health"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path, secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]


def test_the_policy_allows_no_inline_script_or_style_without_the_nonce(client):
    response = client.get("/api/v1/menu-items/")

    directives = policy(response)
    assert directives["script-src"] == ["'self'"]  # no page asked for a nonce: nothing inline at all
    assert directives["style-src"] == ["'self'"]


def test_swagger_ui_runs_under_the_policy(client):
    page = client.get("/api/docs/")

    directives = policy(page)
    [nonce] = re.findall(r"'nonce-([^']+)'", " ".join(directives["style-src"]))
    assert [attrs.get("nonce") for attrs in tags(page, "style")] == [nonce]
    scripts = tags(page, "script")
    assert scripts and all(attrs["src"].startswith("/") for attrs in scripts)  # files of this site, no inline code
    [init] = [attrs["src"] for attrs in scripts if "script" in attrs["src"]]
    script = client.get(init)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    for link in tags(page, "link"):
        assert link["href"].startswith("/static/"), link


def test_redoc_runs_under_the_policy_and_calls_no_third_party(client):
    page = client.get("/api/redoc/")

    directives = policy(page)
    assert "'unsafe-inline'" in directives["style-src"]  # Redoc injects its own <style> elements
    assert directives["worker-src"] == ["'self'", "blob:"]  # its search runs in a blob: worker
    assert directives["script-src"] == ["'self'"]
    assert [attrs["src"] for attrs in tags(page, "script")] == [
        "/static/api/redoc-attribution.js",  # before Redoc: drops Redocly's logo from its CDN
        "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
    ]
    assert "googleapis" not in page.content.decode()
    assert "cdn.redoc.ly" in client.get("/static/api/redoc-attribution.js").getvalue().decode()


def test_the_admin_has_no_inline_script(admin_user):
    client = Client()
    client.force_login(admin_user)

    for path in ("/admin/", "/admin/menu/menuitem/add/", "/admin/audit/auditentry/"):
        page = client.get(path)
        assert page.status_code == 200
        for attrs in tags(page, "script"):
            assert attrs.get("src") or attrs.get("type") == "application/json", (path, attrs)


class TestCors:
    ORIGIN = "https://app.littlelemon.example"

    def preflight(self, client, path, origin):
        return client.options(
            path,
            HTTP_ORIGIN=origin,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
        )

    def test_a_configured_origin_may_call_the_api(self, client, settings):
        settings.CORS_ALLOWED_ORIGINS = [self.ORIGIN]

        preflight = self.preflight(client, "/api/v1/menu-items/", self.ORIGIN)
        response = client.get("/api/v1/menu-items/", HTTP_ORIGIN=self.ORIGIN)

        assert preflight.status_code == 200
        assert preflight["Access-Control-Allow-Origin"] == self.ORIGIN
        assert {"authorization", "content-type", "idempotency-key"} <= set(
            preflight["Access-Control-Allow-Headers"].split(", ")
        )
        assert "Access-Control-Allow-Credentials" not in preflight
        assert response["Access-Control-Allow-Origin"] == self.ORIGIN
        assert response["Access-Control-Expose-Headers"] == "Retry-After"

    @pytest.mark.parametrize("origin", ["https://evil.example", "https://app.littlelemon.example.evil.example", "null"])
    def test_any_other_origin_gets_no_cors_headers(self, client, settings, origin):
        settings.CORS_ALLOWED_ORIGINS = [self.ORIGIN]

        preflight = self.preflight(client, "/api/v1/menu-items/", origin)
        response = client.get("/api/v1/menu-items/", HTTP_ORIGIN=origin)

        assert "Access-Control-Allow-Origin" not in preflight
        assert "Access-Control-Allow-Origin" not in response

    def test_no_origin_is_allowed_by_default_and_never_outside_the_api(self, client, settings):
        assert settings.CORS_ALLOWED_ORIGINS == []
        settings.CORS_ALLOWED_ORIGINS = [self.ORIGIN]

        admin = client.get("/admin/login/", HTTP_ORIGIN=self.ORIGIN)

        assert "Access-Control-Allow-Origin" not in admin


class TestCsrf:
    def test_a_session_authenticated_api_write_needs_the_csrf_token(self, manager):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(manager)

        response = client.post("/api/v1/categories/", {"title": "Specials"}, format="json")

        assert response.status_code == 403
        assert response.json()["detail"].startswith("CSRF Failed")
        assert not Category.objects.exists()

    def test_with_the_token_the_same_write_goes_through(self, manager):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(manager)
        client.get("/admin/login/")  # any page that sets the CSRF cookie
        token = client.cookies["csrftoken"].value

        response = client.post("/api/v1/categories/", {"title": "Specials"}, format="json", HTTP_X_CSRFTOKEN=token)

        assert response.status_code == 201
        assert Category.objects.get().title == "Specials"

    def test_a_bearer_token_needs_no_csrf_token(self, client_as, manager):
        client = client_as(manager)
        client.handler.enforce_csrf_checks = True

        assert client.post("/api/v1/categories/", {"title": "Specials"}, format="json").status_code == 201

    def test_admin_forms_refuse_a_post_without_the_token(self, admin_user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin_user)

        response = client.post("/admin/menu/category/add/", {"title": "Specials", "slug": "specials", "position": 0})

        assert response.status_code == 403
        assert not Category.objects.exists()

    def test_the_admin_login_form_refuses_a_post_without_the_token(self, admin_user):
        response = Client(enforce_csrf_checks=True).post(
            "/admin/login/", {"username": admin_user.username, "password": "x"}
        )

        assert response.status_code == 403


def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_http_only(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    UserFactory(username="owner", is_staff=True, is_superuser=True)
    client = Client()

    form = client.get("/admin/login/", secure=True)
    login = client.post("/admin/login/", {"username": "owner", "password": PASSWORD}, secure=True)

    csrf, session = form.cookies["csrftoken"], login.cookies[settings.SESSION_COOKIE_NAME]
    assert login.status_code == 302
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
