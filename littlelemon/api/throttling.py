"""Throttles whose counters live in the `throttle` cache, which every server process shares
(Redis when configured, else the database cache), so running more workers does not multiply
limits, and which keeps every live counter until it expires.

DRF's throttles read their rates and their cache once, when the module is imported. Ours read
both when a request is checked, so the rates in settings (from `THROTTLE_*_RATE`) are the ones
in force, also under `override_settings` in tests. The client address is `client_address()`:
the socket's, unless `TRUSTED_PROXIES` says how many proxies' `X-Forwarded-For` to believe.
"""

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

from littlelemon.core.http import client_address


class _Shared:
    scope: str | None

    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate set for the {self.scope!r} scope")
        return rates[self.scope]

    def get_ident(self, request) -> str:
        return client_address(request) or ""


class AnonRateThrottle(_Shared, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_Shared, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_Shared, throttling.ScopedRateThrottle):
    """Per-view stricter scopes (`throttle_scope = "order"`), counted per user or address."""


class _PerAddress(_Shared, throttling.SimpleRateThrottle):
    """Counted per client address, signed in or not (a token does not buy more attempts)."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginRateThrottle(_PerAddress):
    scope = "login"


class SignupRateThrottle(_PerAddress):
    scope = "signup"
