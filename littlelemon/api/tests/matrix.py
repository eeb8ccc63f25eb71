"""Data-driven permission matrices: a row is (method, path, payload) with the status each role gets.

Each app's `tests/test_permissions.py` declares its rows; `run_row` makes a fresh user for the
role, fills the path's `{placeholders}` from objects the row's `setup` creates, and checks
the status. Rows are parametrised per role, so a failure names the exact cell.

Every row is also run with an API key of each scope, one with every scope and one with none
(`KEY_ROLES`). A row names the `scope` a key needs for it (None: no key may, e.g. the cart, the
accounts, placing an order); a key that holds it gets what a manager gets (or `key_status`),
any other key a 403. Whatever the caller, a refused request (4xx) must leave the database as it
was (`database_state`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from conftest import ROLES, api_client_for, user_with_role
from littlelemon.apikeys.scopes import BOOKINGS_READ, BOOKINGS_WRITE, MENU_READ, MENU_WRITE, ORDERS_READ, ORDERS_WRITE

ANON, CUSTOMER, KITCHEN, CREW, MANAGER, ADMIN = ROLES

# API keys as callers: name -> the scopes the key is issued with.
KEY_SCOPES: dict[str, list[str]] = {
    "key(no scope)": [],
    "key(menu:read)": [MENU_READ],
    "key(menu:write)": [MENU_WRITE],
    "key(orders:read)": [ORDERS_READ],
    "key(orders:write)": [ORDERS_WRITE],
    "key(bookings:read)": [BOOKINGS_READ],
    "key(bookings:write)": [BOOKINGS_WRITE],
    "key(all scopes)": [MENU_READ, MENU_WRITE, ORDERS_READ, ORDERS_WRITE, BOOKINGS_READ, BOOKINGS_WRITE],
}
KEY_ROLES = tuple(KEY_SCOPES)
# What each key may use: written out here (a write scope includes its read), not asked of the code.
KEY_GRANTS: dict[str, frozenset[str]] = {
    "key(no scope)": frozenset(),
    "key(menu:read)": frozenset({MENU_READ}),
    "key(menu:write)": frozenset({MENU_READ, MENU_WRITE}),
    "key(orders:read)": frozenset({ORDERS_READ}),
    "key(orders:write)": frozenset({ORDERS_READ, ORDERS_WRITE}),
    "key(bookings:read)": frozenset({BOOKINGS_READ}),
    "key(bookings:write)": frozenset({BOOKINGS_READ, BOOKINGS_WRITE}),
    "key(all scopes)": frozenset(KEY_SCOPES["key(all scopes)"]),
}
CALLERS = ROLES + KEY_ROLES


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: dict[str, int]
    payload: Callable[[dict[str, Any]], Any] | None = None
    setup: Callable[[Any], dict[str, Any]] = field(default=lambda user: {})
    scope: str | None = None  # what an API key needs here; None: no key may
    key_status: int | None = None  # what a key holding `scope` gets; None: what a manager gets

    def __post_init__(self):
        assert set(self.expected) == set(ROLES), f"{self.method} {self.path}: give a status for every role"

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def status_for(self, caller: str) -> int:
        if caller in ROLES:
            return self.expected[caller]
        if self.scope is not None and self.scope in KEY_GRANTS[caller]:
            return self.key_status or self.expected[MANAGER]
        return _refused_key_status(self.expected)


def _refused_key_status(expected: dict[str, int]) -> int:
    """A key outside its scopes is a 403, but where nobody finds anything (a 404 for every
    role: no such route) there is no view to refuse it either."""
    return 404 if set(expected.values()) == {404} else 403


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict[str, int]:
    return {ANON: 401} | dict.fromkeys(ROLES[1:], status)


def managers(status: int) -> dict[str, int]:
    return {ANON: 401, CUSTOMER: 403, KITCHEN: 403, CREW: 403, MANAGER: status, ADMIN: status}


def admins(status: int) -> dict[str, int]:
    return {ANON: 401, CUSTOMER: 403, KITCHEN: 403, CREW: 403, MANAGER: 403, ADMIN: status}


def cells(rows: list[Row]) -> list[tuple[Row, str]]:
    return [(row, role) for row in rows for role in CALLERS]


def cell_ids(rows: list[Row]) -> list[str]:
    return [f"{row.id} as {role}" for row, role in cells(rows)]


def api_key_client(scopes: list[str], **fields: Any) -> tuple[Any, Any]:
    """(an APIClient sending `Authorization: Api-Key <key>`, the ApiKey) for a new key."""
    from rest_framework.test import APIClient

    from littlelemon.apikeys.models import ApiKey

    api_key, key = ApiKey.objects.create_key(name=fields.pop("name", "Test integration"), scopes=scopes, **fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client, api_key


def database_state() -> dict[str, list[tuple]]:
    """Every row of every model (but when a key was last used, which any accepted key updates)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in ("contenttypes", "sessions") or model._meta.label == "auth.Permission":
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_used_at"]
        state[model._meta.label] = list(model.objects.order_by("pk").values_list(*names))
    return state


def run_row(row: Row, role: str) -> Any:
    if role in KEY_SCOPES:
        client, _ = api_key_client(KEY_SCOPES[role])
        context = row.setup(None)
    else:
        user = user_with_role(role)
        context = row.setup(user)
        client = api_client_for(user)
    before = database_state()
    payload = row.payload(context) if row.payload else None
    response = getattr(client, row.method.lower())(row.path.format(**context), payload, format="json")
    expected = row.status_for(role)
    assert response.status_code == expected, (
        f"{row.id} as {role}: expected {expected}, got {response.status_code}: "
        f"{getattr(response, 'data', response.content)!r}"
    )
    if response.status_code >= 400:
        assert database_state() == before, f"{row.id} as {role}: a refused request changed the database"
    return response


# --- object-level access: what a caller may do with an object that belongs to someone else -----


@dataclass(frozen=True)
class ObjectRow:
    """An endpoint addressing an object owned by another user, and what each role gets for it.

    `setup(owner)` creates the owner's object(s) and returns the path's placeholders. The caller
    is a fresh user in the role, never the owner. Whatever the answer, `state(context)` (the
    owner's object as stored) must not change unless the role's status is a success listed in
    `may_change`, and the owner's `secrets(context)` (e-mail, address, notes...) must not appear
    in the response unless the role is in `may_see`. What the caller may not see is a 404, not a
    403: an id says nothing about what exists.

    An API key holding `scope` is judged as a manager (status, `may_see`, `may_change`); any
    other key gets a 403, sees nothing and changes nothing.
    """

    method: str
    path: str
    expected: dict[str, int]
    setup: Callable[[Any], dict[str, Any]]
    state: Callable[[dict[str, Any]], Any]
    secrets: Callable[[dict[str, Any]], list[str]]
    payload: Callable[[dict[str, Any]], Any] | None = None
    may_see: frozenset[str] = frozenset()
    may_change: frozenset[str] = frozenset()
    scope: str | None = None  # what an API key needs here; None: no key may

    def __post_init__(self):
        assert set(self.expected) == set(ROLES), f"{self.method} {self.path}: give a status for every role"

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def as_role(self, caller: str) -> str | None:
        """The role whose cell a caller is judged by: itself, a manager for a key holding the
        scope, None for any other key."""
        if caller in ROLES:
            return caller
        return MANAGER if self.scope is not None and self.scope in KEY_GRANTS[caller] else None


def object_cells(rows: list[ObjectRow]) -> list[tuple[ObjectRow, str]]:
    return [(row, role) for row in rows for role in CALLERS]


def object_cell_ids(rows: list[ObjectRow]) -> list[str]:
    return [f"{row.id} as {role}" for row, role in object_cells(rows)]


def run_object_row(row: ObjectRow, role: str) -> Any:
    from littlelemon.accounts.tests.factories import UserFactory

    owner = UserFactory()
    context = row.setup(owner)
    if role in KEY_SCOPES:
        client, _ = api_key_client(KEY_SCOPES[role])
    else:
        client = api_client_for(user_with_role(role))
    before = row.state(context)
    payload = row.payload(context) if row.payload else None
    judged_as = row.as_role(role)
    expected = row.expected[judged_as] if judged_as else _refused_key_status(row.expected)

    response = getattr(client, row.method.lower())(row.path.format(**context), payload, format="json")

    assert response.status_code == expected, (
        f"{row.id} as {role}: expected {expected}, got {response.status_code}: {response.content[:300]!r}"
    )
    if judged_as not in row.may_change:
        assert row.state(context) == before, f"{row.id} as {role} changed the owner's object"
    if judged_as not in row.may_see:
        content = response.content.decode()
        leaked = [secret for secret in row.secrets(context) if secret in content]
        assert not leaked, f"{row.id} as {role} showed the owner's {leaked}"
    return response
