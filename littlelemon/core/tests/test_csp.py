"""Our CSPMiddleware (littlelemon/core/csp.py) answers exactly as django-csp's does: the same
headers on every kind of response, the same exemptions, the same post-response nonce guard,
with the configured policy built once per settings value instead of twice per response.
"""

import re

import pytest
from csp import middleware as upstream
from csp.constants import NONE, SELF
from csp.exceptions import CSPNonceError
from django.http import HttpResponse
from django.test import override_settings

from littlelemon.core import csp
from littlelemon.core.csp import CSPMiddleware

from .test_http_security import policy, tags

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
OURS = "littlelemon.core.csp.CSPMiddleware"
REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp-report/"}}


class BothMiddleware(CSPMiddleware):
    """Ours, after upstream's has answered the very same request and response: the headers
    upstream set are taken off and kept on the response as `upstream_headers`."""

    def process_response(self, request, response):
        upstream.CSPMiddleware(self.get_response).process_response(request, response)
        response.upstream_headers = emitted(response)
        for name in HEADERS:
            del response[name]
        return super().process_response(request, response)


def emitted(response) -> dict[str, str | None]:
    return {name: response.get(name) for name in HEADERS}


@pytest.fixture
def both(settings):
    settings.MIDDLEWARE = [f"{__name__}.BothMiddleware" if name == OURS else name for name in settings.MIDDLEWARE]


@pytest.fixture
def upstream_calls(monkeypatch) -> list[str]:
    """Paths for which our middleware handed the response to upstream's (not its fast path)."""
    calls = []
    process_response = upstream.CSPMiddleware.process_response

    def spy(self, request, response):
        if isinstance(self, CSPMiddleware):
            calls.append(request.path)
        return process_response(self, request, response)

    monkeypatch.setattr(upstream.CSPMiddleware, "process_response", spy)
    return calls


@pytest.mark.parametrize(
    ("path", "status", "fast"),
    [
        ("/api/v1/menu-items/", 200, True),
        ("/health", 200, True),
        ("/api/v1/no-such-thing/", 404, True),
        ("/", 200, True),  # the home page has no inline script or style: no nonce
        ("/api/docs/", 200, False),  # Swagger UI's <style nonce="{{ CSP_NONCE }}">
        ("/api/redoc/", 200, False),  # csp_update
    ],
)
def test_every_kind_of_response_gets_the_header_upstream_would_give_it(
    client, both, upstream_calls, path, status, fast
):
    response = client.get(path)

    assert response.status_code == status
    assert emitted(response) == response.upstream_headers
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert upstream_calls == ([] if fast else [path])


def test_a_menu_page_answered_from_memory_too(client, both, upstream_calls):
    client.get("/api/v1/menu-items/")
    response = client.get("/api/v1/menu-items/")

    assert not hasattr(response.wsgi_request, "session")  # CachedResponseMiddleware answered
    assert emitted(response) == response.upstream_headers
    assert response["Content-Security-Policy"] == upstream.build_policy()
    assert upstream_calls == []


def test_the_nonce_in_the_header_is_the_one_in_the_page(client):
    page = client.get("/api/docs/")

    [nonce] = set(re.findall(r"'nonce-([^']+)'", page["Content-Security-Policy"]))
    assert [attrs["nonce"] for attrs in tags(page, "style")] == [nonce]
    assert policy(page)["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert str(page.wsgi_request.csp_nonce) == nonce  # as upstream: still readable, unchanged


@pytest.mark.parametrize("path", ["/health", "/api/v1/menu-items/"])
def test_after_the_response_the_nonce_can_no_longer_be_asked_for(client, path):
    client.get(path)  # so that the menu is answered from memory next
    response = client.get(path)

    with pytest.raises(CSPNonceError):
        str(response.wsgi_request.csp_nonce)


def test_the_policy_is_built_once_and_again_when_the_setting_changes(client, monkeypatch):
    builds = []
    build_policy = csp.build_policy

    def counted(**kwargs):
        builds.append(kwargs)
        return build_policy(**kwargs)

    monkeypatch.setattr(csp, "build_policy", counted)
    csp.policies.cache_clear()
    configured = [client.get("/health")["Content-Security-Policy"] for _ in range(3)]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [NONE], "img-src": [SELF]}}):
        changed = client.get("/health")
    restored = client.get("/health")

    assert configured == [upstream.build_policy()] * 3
    assert policy(changed) == {"default-src": ["'none'"], "img-src": ["'self'"]}
    assert restored["Content-Security-Policy"] == configured[0]
    assert builds == [{}, {"report_only": True}] * 3  # configured, changed, restored


def test_a_report_only_policy_is_sent_as_such(client):
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=REPORT_ONLY):
        response = client.get("/health")

    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'; report-uri /csp-report/"
    assert response["Content-Security-Policy"] == upstream.build_policy()


def test_each_policy_leaves_out_its_own_excluded_paths(client, settings):
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/health"]}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {**REPORT_ONLY, "EXCLUDE_URL_PREFIXES": ["/api/"]}

    health, menu = client.get("/health"), client.get("/api/v1/menu-items/")

    assert emitted(health) == {
        "Content-Security-Policy": None,
        "Content-Security-Policy-Report-Only": "default-src 'self'; report-uri /csp-report/",
    }
    assert emitted(menu) == {
        "Content-Security-Policy": upstream.build_policy(),
        "Content-Security-Policy-Report-Only": None,
    }


def answer(middleware_class, rf, status=200, preset=None, **attributes) -> dict[str, str | None]:
    """The CSP headers `middleware_class` gives a response to GET /health."""
    response = HttpResponse(status=status, headers=preset)
    for name, value in attributes.items():
        setattr(response, name, value)
    return emitted(middleware_class(lambda request: response)(rf.get("/health")))


CASES = {
    "exempt": (
        {"_csp_exempt": True},
        {"Content-Security-Policy": None, "Content-Security-Policy-Report-Only": "report-only"},
    ),
    "exempt from report-only": (
        {"_csp_exempt_ro": True},
        {"Content-Security-Policy": "enforced", "Content-Security-Policy-Report-Only": None},
    ),
    "header already set": (
        {"preset": {"Content-Security-Policy": "default-src 'none'"}},
        {"Content-Security-Policy": "default-src 'none'", "Content-Security-Policy-Report-Only": "report-only"},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_exempt_responses_and_headers_already_set_as_upstream(rf, settings, case):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    attributes, expected = CASES[case]
    built = {"enforced": upstream.build_policy(), "report-only": upstream.build_policy(report_only=True)}
    expected = {name: built.get(value, value) for name, value in expected.items()}

    assert answer(CSPMiddleware, rf, **attributes) == expected
    assert answer(upstream.CSPMiddleware, rf, **attributes) == expected


@pytest.mark.parametrize(("status", "sent"), [(404, False), (500, False), (200, True)])
def test_in_debug_not_found_and_server_errors_get_no_policy_as_upstream(rf, settings, status, sent):
    settings.DEBUG = True
    expected = upstream.build_policy() if sent else None

    assert answer(CSPMiddleware, rf, status)["Content-Security-Policy"] == expected
    assert answer(upstream.CSPMiddleware, rf, status)["Content-Security-Policy"] == expected
