"""What an API key may do: its scopes, and which scope each endpoint asks of a key.

A scope is `<resource>:<read|write>`. `write` includes `read` of the same resource (an
integration that accepts orders must see them). Within its scopes a key acts as a manager does
(littlelemon.apikeys.principal); outside them it is refused.

A view names the scope a key needs per HTTP method in `api_key_scopes` (`read_write("menu")`);
a view that names none refuses every key (littlelemon.apikeys.authentication), so endpoints
built for people (accounts, the cart, placing orders) never see one.
"""

from collections.abc import Iterable

MENU_READ = "menu:read"
MENU_WRITE = "menu:write"
ORDERS_READ = "orders:read"
ORDERS_WRITE = "orders:write"
BOOKINGS_READ = "bookings:read"
BOOKINGS_WRITE = "bookings:write"

#: Every scope, in the order they are shown.
SCOPES: tuple[str, ...] = (MENU_READ, MENU_WRITE, ORDERS_READ, ORDERS_WRITE, BOOKINGS_READ, BOOKINGS_WRITE)

SCOPE_DESCRIPTIONS = {
    MENU_READ: "Read categories and dishes.",
    MENU_WRITE: "Create, change and delete categories and dishes (includes menu:read).",
    ORDERS_READ: "Read every order and its timeline, as a manager does.",
    ORDERS_WRITE: "Move orders through the lifecycle and assign delivery crew as a manager may (includes orders:read).",
    BOOKINGS_READ: "Read every booking, the tables and the availability, as a manager does.",
    BOOKINGS_WRITE: "Book for guests, change, cancel and seat bookings as a manager may (includes bookings:read).",
}

READ_METHODS = ("GET", "HEAD", "OPTIONS")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    return [scope for scope in scopes if scope not in SCOPES]


def normalised(scopes: Iterable[str]) -> list[str]:
    """Known scopes without repeats, in SCOPES order."""
    held = set(scopes)
    return [scope for scope in SCOPES if scope in held]


def grants(scopes: Iterable[str], scope: str) -> bool:
    """Whether a key holding `scopes` may use `scope` (a write scope includes its read)."""
    held = set(scopes)
    if scope in held:
        return True
    resource, _, access = scope.partition(":")
    return access == "read" and f"{resource}:write" in held


def read_only(resource: str) -> dict[str, str]:
    """`api_key_scopes` of a view a key may read with `<resource>:read` and never write."""
    return dict.fromkeys(READ_METHODS, f"{resource}:read")


def read_write(resource: str) -> dict[str, str]:
    """`api_key_scopes` of a view read with `<resource>:read` and written with `<resource>:write`."""
    return read_only(resource) | dict.fromkeys(WRITE_METHODS, f"{resource}:write")


def write_only(resource: str, *methods: str) -> dict[str, str]:
    """`api_key_scopes` of an action (`POST .../status/`) a key takes with `<resource>:write`."""
    return dict.fromkeys(methods or ("POST",), f"{resource}:write")
