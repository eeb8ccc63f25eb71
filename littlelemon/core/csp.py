"""django-csp's middleware, without rebuilding the same policy on every response.

Upstream `CSPMiddleware.process_response` calls `build_policy` twice per response (enforced and
report-only), copying and joining every directive again. Nearly every response needs just the
configured policy, so that one is built once per settings value (cleared by `setting_changed`,
which override_settings sends). A response that needs more (a nonce, a view's `csp_update` &c.)
goes through upstream unchanged.
"""

from functools import cache
from typing import Any

from csp import middleware as upstream
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")

#: What the view decorators csp, csp_update and csp_replace set on a response.
OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")

#: Responses DEBUG leaves without a policy, so Django's debug pages work.
DEBUG_EXEMPT = (500, 404)

#: (header, policy, response attribute that exempts from it, excluded path prefixes)
Policy = tuple[str, str, str, tuple[str, ...]]


def _prefixes(setting: str) -> tuple[str, ...]:
    config = getattr(settings, setting, None) or {}
    return tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())


@cache
def policies() -> tuple[Policy, Policy]:
    """The configured policies as upstream builds them with no nonce and no per-view change."""
    return (
        (HEADER, build_policy(), "_csp_exempt", _prefixes(SETTINGS[0])),
        (HEADER_REPORT_ONLY, build_policy(report_only=True), "_csp_exempt_ro", _prefixes(SETTINGS[1])),
    )


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs: Any) -> None:
    if setting in SETTINGS:
        policies.cache_clear()


class CSPMiddleware(upstream.CSPMiddleware):
    """Upstream's, with the plain configured policy taken from `policies()`."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in DEBUG_EXEMPT and settings.DEBUG:
            return response
        for header, policy, exempt, prefixes in policies():
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = policy
        # As upstream: the header is written, so a later `request.csp_nonce` is an error.
        request.csp_nonce = upstream.CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
