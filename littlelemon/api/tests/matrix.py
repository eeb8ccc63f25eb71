"""Data-driven permission matrices: a row is (method, path, payload) with the status each role gets.

Each app's `tests/test_permissions.py` declares its rows; `run_row` makes a fresh user for the
role, fills the path's `{placeholders}` from objects the row's `setup` creates, and checks
the status. Rows are parametrised per role, so a failure names the exact cell.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conftest import ROLES, api_client_for, user_with_role

ANON, CUSTOMER, KITCHEN, CREW, MANAGER, ADMIN = ROLES


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: dict[str, int]
    payload: Callable[[dict[str, Any]], Any] | None = None
    setup: Callable[[Any], dict[str, Any]] = field(default=lambda user: {})

    def __post_init__(self):
        assert set(self.expected) == set(ROLES), f"{self.method} {self.path}: give a status for every role"

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict[str, int]:
    return {ANON: 401} | dict.fromkeys(ROLES[1:], status)


def managers(status: int) -> dict[str, int]:
    return {ANON: 401, CUSTOMER: 403, KITCHEN: 403, CREW: 403, MANAGER: status, ADMIN: status}


def admins(status: int) -> dict[str, int]:
    return {ANON: 401, CUSTOMER: 403, KITCHEN: 403, CREW: 403, MANAGER: 403, ADMIN: status}


def cells(rows: list[Row]) -> list[tuple[Row, str]]:
    return [(row, role) for row in rows for role in ROLES]


def cell_ids(rows: list[Row]) -> list[str]:
    return [f"{row.id} as {role}" for row, role in cells(rows)]


def run_row(row: Row, role: str) -> Any:
    user = user_with_role(role)
    context = row.setup(user)
    client = api_client_for(user)
    payload = row.payload(context) if row.payload else None
    response = getattr(client, row.method.lower())(row.path.format(**context), payload, format="json")
    assert response.status_code == row.expected[role], (
        f"{row.id} as {role}: expected {row.expected[role]}, got {response.status_code}: "
        f"{getattr(response, 'data', response.content)!r}"
    )
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

    def __post_init__(self):
        assert set(self.expected) == set(ROLES), f"{self.method} {self.path}: give a status for every role"

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def object_cells(rows: list[ObjectRow]) -> list[tuple[ObjectRow, str]]:
    return [(row, role) for row in rows for role in ROLES]


def object_cell_ids(rows: list[ObjectRow]) -> list[str]:
    return [f"{row.id} as {role}" for row, role in object_cells(rows)]


def run_object_row(row: ObjectRow, role: str) -> Any:
    from littlelemon.accounts.tests.factories import UserFactory

    owner = UserFactory()
    context = row.setup(owner)
    caller = user_with_role(role)
    before = row.state(context)
    payload = row.payload(context) if row.payload else None

    response = getattr(api_client_for(caller), row.method.lower())(row.path.format(**context), payload, format="json")

    assert response.status_code == row.expected[role], (
        f"{row.id} as {role}: expected {row.expected[role]}, got {response.status_code}: {response.content[:300]!r}"
    )
    if role not in row.may_change:
        assert row.state(context) == before, f"{row.id} as {role} changed the owner's object"
    if role not in row.may_see:
        content = response.content.decode()
        leaked = [secret for secret in row.secrets(context) if secret in content]
        assert not leaked, f"{row.id} as {role} showed the owner's {leaked}"
    return response
