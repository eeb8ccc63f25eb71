"""Rate limits whose counters every server process shares, for the API and the pages alike.

Counters live in the `throttle` cache: Redis when configured, else the database cache (table
`throttle_cache`), which keeps every counter until it expires, so running more workers does
not multiply the limits and many clients do not erase one another's counts.

DRF's throttles read their rates and their cache once, when the module is imported. These read
both when a request is checked, so the rates in settings (`THROTTLE_*_RATE`) are the ones in
force, also under `override_settings` in tests. They work on Django's requests as well as on
DRF's, so a page can use the same limit as the API (`allow_request(request, None)`).
"""

import ipaddress

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

from .http import client_address


def client_ident(request) -> str:
    """Who a per-client limit counts: the client's address (`client_address()`: the socket's
    unless TRUSTED_PROXIES), or for IPv6 its /64 network, which one subscriber usually holds
    whole (counting single IPv6 addresses would give each client 2**64 budgets)."""
    address = client_address(request) or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def rate_for(scope: str) -> str | None:
    rates = api_settings.DEFAULT_THROTTLE_RATES
    if scope not in rates:
        raise ImproperlyConfigured(f"No throttle rate set for the {scope!r} scope")
    return rates[scope]


class SharedRateThrottle(throttling.SimpleRateThrottle):
    """A DRF throttle counted in the shared `throttle` cache, with its rate read per request."""

    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self) -> str | None:
        return rate_for(self.scope)

    def get_ident(self, request) -> str:
        return client_ident(request)


class PerAddressRateThrottle(SharedRateThrottle):
    """Counted per client address, signed in or not (a token does not buy more attempts)."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginRateThrottle(PerAddressRateThrottle):
    """Every log-in attempt and password reset request from one address, whatever the account
    (password spraying): the API's, the web pages' and the admin's count together."""

    scope = "login"


class SignupRateThrottle(PerAddressRateThrottle):
    scope = "signup"


class GuestRateThrottle(PerAddressRateThrottle):
    """Guest carts made (the API's, a web visitor's first add), guest orders placed (API and web)
    and guest-order claims asked for, per address (THROTTLE_GUEST_RATE), the way sign-ups are
    limited: each is a way in without an account. One budget for all of them."""

    scope = "guest"
