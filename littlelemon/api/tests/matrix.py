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
