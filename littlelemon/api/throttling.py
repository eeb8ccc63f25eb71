"""Throttles whose counters live in the `throttle` cache, which every server process shares
(Redis when configured, else a file cache), so running more workers does not multiply limits."""

from django.core.cache import caches
from rest_framework import throttling


class _SharedCache:
    cache = caches["throttle"]


class AnonRateThrottle(_SharedCache, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_SharedCache, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_SharedCache, throttling.ScopedRateThrottle):
    """Per-view stricter scopes (`throttle_scope = "login"`), counted per user or address."""


class LoginRateThrottle(_SharedCache, throttling.AnonRateThrottle):
    """Log-in attempts are counted per client address, signed in or not."""

    scope = "login"


class SignupRateThrottle(_SharedCache, throttling.AnonRateThrottle):
    scope = "signup"
