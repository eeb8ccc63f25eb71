"""The API's throttles: per anonymous client, per signed-in user, and stricter per-view scopes.

They count in the shared `throttle` cache with rates read per request (littlelemon.core.ratelimit,
where the limits the API shares with the pages live: log-in, sign-up).
"""

from rest_framework import throttling

from littlelemon.core.ratelimit import LoginRateThrottle, SharedRateThrottle, SignupRateThrottle

__all__ = ["AnonRateThrottle", "LoginRateThrottle", "ScopedRateThrottle", "SignupRateThrottle", "UserRateThrottle"]


class AnonRateThrottle(SharedRateThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SharedRateThrottle, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(SharedRateThrottle, throttling.ScopedRateThrottle):
    """Per-view stricter scopes (`throttle_scope = "order"`), counted per user or address."""
