"""django-csp's middleware as shipped, configured in settings: every kind of response gets the
configured policy, a page with an inline style gets its nonce, a report-only policy and the
excluded paths work, and Django's debug pages are left alone in DEBUG."""

import re

import pytest
from csp.constants import NONE, SELF
from csp.exceptions import CSPNonceError
from django.test import override_settings

from .test_http_security import policy, tags

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-report/"}}
CONFIGURED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def emitted(response) -> dict[str, str | None]:
    return {name: response.get(name) for name in HEADERS}


def test_the_middleware_is_django_csps_own(settings):
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert not any(name.startswith("littlelemon.core.csp") for name in settings.MIDDLEWARE)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/menu-items/", 200), ("/health", 200), ("/api/v1/no-such-thing/", 404), ("/", 200)],
)
def test_every_kind_of_response_gets_the_configured_policy(client, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert policy(response) == CONFIGURED
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_304_gets_it_too(client):
    etag = client.get("/api/v1/menu-items/")["ETag"]

    response = client.get("/api/v1/menu-items/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert policy(response) == CONFIGURED


def test_the_nonce_in_the_header_is_the_one_in_the_page(client):
    page = client.get("/api/docs/")

    [nonce] = set(re.findall(r"'nonce-([^']+)'", page["Content-Security-Policy"]))
    assert [attrs["nonce"] for attrs in tags(page, "style")] == [nonce]
    assert policy(page)["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert str(page.wsgi_request.csp_nonce) == nonce


def test_after_the_response_an_unused_nonce_can_no_longer_be_asked_for(client):
    response = client.get("/health")

    with pytest.raises(CSPNonceError):
        str(response.wsgi_request.csp_nonce)


def test_a_changed_setting_takes_effect(client):
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [NONE], "img-src": [SELF]}}):
        changed = client.get("/health")

    assert policy(changed) == {"default-src": ["'none'"], "img-src": ["'self'"]}
    assert policy(client.get("/health")) == CONFIGURED


def test_a_report_only_policy_is_sent_as_such(client):
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=REPORT_ONLY):
        response = client.get("/health")

    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'; report-uri /csp-report/"
    assert policy(response) == CONFIGURED


def test_each_policy_leaves_out_its_own_excluded_paths(client, settings):
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/health"]}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {**REPORT_ONLY, "EXCLUDE_URL_PREFIXES": ["/api/"]}

    health, menu = client.get("/health"), client.get("/api/v1/menu-items/")

    assert emitted(health) == {
        "Content-Security-Policy": None,
        "Content-Security-Policy-Report-Only": "default-src 'self'; report-uri /csp-report/",
    }
    assert policy(menu) == CONFIGURED
    assert "Content-Security-Policy-Report-Only" not in menu
