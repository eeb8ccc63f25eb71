"""Which URLs a webhook may be sent to, checked when an endpoint is registered and again before
every send (a host name can change what it resolves to: DNS rebinding), and the checked address
is the one connected to.

Refused: a scheme other than https (http only when WEBHOOKS_ALLOW_HTTP, the development
default), credentials in the URL, and, unless WEBHOOKS_ALLOW_PRIVATE, any host that is or
resolves to an address that is not public: loopback, private, link-local (the cloud metadata
service at 169.254.169.254), shared, reserved, unspecified or multicast. A host with several
addresses is refused if any one of them is.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from .exceptions import WebhookHostUnresolved, WebhookUrlRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Destination:
    """Where one POST goes: to `address`, with `host` for the Host header, TLS SNI and certificate."""

    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent in the request line
    address: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def url_parse(url: str) -> SplitResult:
    """The URL's parts, when its shape is acceptable. Raises WebhookUrlRefused (names the rule)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number in range)
    except ValueError:
        raise WebhookUrlRefused("This is not a valid URL.", field="url") from None
    if parts.scheme not in ("https", "http"):
        raise WebhookUrlRefused("A webhook URL must start with https://.", field="url")
    if parts.scheme == "http" and not settings.WEBHOOKS_ALLOW_HTTP:
        raise WebhookUrlRefused(
            "A webhook URL must use https (plain http is allowed only in development).", field="url"
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise WebhookUrlRefused(
            "A webhook URL must not contain a user name or password: the signature authenticates the deliveries.",
            field="url",
        )
    if not parts.hostname:
        raise WebhookUrlRefused("A webhook URL needs a host name.", field="url")
    if parts.port == 0:
        raise WebhookUrlRefused("This is not a valid URL: port 0.", field="url")
    if parts.fragment:
        raise WebhookUrlRefused("A webhook URL must not have a #fragment.", field="url")
    return parts


def destination_resolve(url: str) -> Destination:
    """Check the URL, resolve its host and check every address it resolves to.

    Raises WebhookUrlRefused (see the module) or WebhookHostUnresolved (DNS gave no answer).
    """
    parts = url_parse(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = host_addresses(host, port)
    if not addresses:
        raise WebhookHostUnresolved(f"{host!r} does not resolve to any address.", field="url")
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if reason := address_refusal(address):
                shown = "" if _is_literal(host) else f" resolves to {address}, which"
                raise WebhookUrlRefused(
                    f"{host!r}{shown} is {reason}: webhooks may only be sent to public internet addresses.",
                    field="url",
                )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(scheme=parts.scheme, host=host, port=port, target=target, address=str(addresses[0]))


def address_refusal(address: IPAddress) -> str:
    """Why this address may not receive webhooks ("a loopback address"), or "" when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for flag, reason in (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, flag):
            return reason
    if not address.is_global:
        return "not a public address"
    return ""


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an address literal is itself). Raises WebhookHostUnresolved."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise WebhookHostUnresolved(f"{host!r} could not be resolved ({error}).", field="url") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    return addresses
