"""The API's throttles: per anonymous client, per signed-in user, per API key, and stricter
per-view scopes.

They count in the shared `throttle` cache with rates read per request (littlelemon.core.ratelimit,
where the limits the API shares with the pages live: log-in, sign-up). A request made with an
API key (its user is the key's integration, littlelemon.apikeys.principal) is counted per key by
`ApiKeyRateThrottle` alone: not per address (an integration's many clients may share one) nor as
a user (it has no id).
"""

from rest_framework import throttling

from littlelemon.core.ratelimit import LoginRateThrottle, SharedRateThrottle, SignupRateThrottle

__all__ = [
    "AnonRateThrottle",
    "ApiKeyRateThrottle",
    "LoginRateThrottle",
    "ScopedRateThrottle",
    "SignupRateThrottle",
    "UserRateThrottle",
]


def _integration(request) -> bool:
    return getattr(request.user, "is_integration", False)


class AnonRateThrottle(SharedRateThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SharedRateThrottle, throttling.UserRateThrottle):
    def get_cache_key(self, request, view):
        if _integration(request):
            return None
        return super().get_cache_key(request, view)


class ApiKeyRateThrottle(SharedRateThrottle):
    """Every request made with one API key (THROTTLE_API_KEY_RATE), counted by the key's id."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if not _integration(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.api_key.pk}


class ScopedRateThrottle(SharedRateThrottle, throttling.ScopedRateThrottle):
    """Per-view stricter scopes (`throttle_scope = "order"`), counted per user, key or address."""

    def get_cache_key(self, request, view):
        if _integration(request):
            return self.cache_format % {"scope": self.scope, "ident": f"api-key-{request.user.api_key.pk}"}
        return super().get_cache_key(request, view)
