"""Facts about the HTTP request that several layers need, computed in one place."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, as the throttles, the log-in lockout and the audit trail see it.

    With `TRUSTED_PROXIES = 0` (the default) it is the socket's address: an `X-Forwarded-For`
    header is the client's own claim and is ignored, so nobody can pose as another address.
    With `TRUSTED_PROXIES = n`, the n-th address from the right of `X-Forwarded-For` is the
    one the outermost trusted proxy saw (each proxy appends the address it received from).
    Anything there that is not an IP address (a misconfigured proxy count lets a client write
    it) is ignored in favour of the socket's address.
    """
    remote_address = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded_for.strip():
        return remote_address
    addresses = [address.strip() for address in forwarded_for.split(",") if address.strip()]
    if not addresses:
        return remote_address
    candidate = addresses[-min(proxies, len(addresses))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_address


def is_api_request(request: HttpRequest) -> bool:
    """Under /api/: errors are JSON there, whatever went wrong."""
    return request.path_info.startswith("/api/")
