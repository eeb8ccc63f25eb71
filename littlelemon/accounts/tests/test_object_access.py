"""Object-level access to profiles: nobody reaches another user's account through the API.

The profile is only ever `/auth/users/me/`: the caller's own. Djoser's other user routes
(`/auth/users/<id>/`, activation, password and username resets) are not exposed, and ids or
usernames smuggled into the query or the body address nothing. Cart lines, orders and bookings
join this matrix as rows when they land.
"""

import pytest

from littlelemon.accounts.models import User
from littlelemon.api.tests.matrix import ObjectRow, everyone, object_cell_ids, object_cells, run_object_row, signed_in


def _owner(owner) -> dict:
    return {"owner": owner.pk, "username": owner.username, "email": owner.email}


def _profile(context) -> dict:
    return User.objects.filter(pk=context["owner"]).values().get()


def _secrets(context) -> list[str]:
    return [context["email"], context["username"]]


def row(method: str, path: str, expected: dict[str, int], payload=None) -> ObjectRow:
    return ObjectRow(method, path, expected, setup=_owner, state=_profile, secrets=_secrets, payload=payload)


ROWS = [
    # djoser's routes to other users' accounts do not exist here
    *(row(method, "/api/v1/auth/users/{owner}/", everyone(404)) for method in ("GET", "PUT", "PATCH", "DELETE")),
    row("GET", "/api/v1/auth/users/", signed_in(405)),
    row("POST", "/api/v1/auth/users/activation/", everyone(404), payload=lambda ctx: {"uid": ctx["owner"]}),
    row("POST", "/api/v1/auth/users/set_password/", everyone(404), payload=lambda ctx: {"new_password": "x"}),
    row("POST", "/api/v1/auth/users/reset_password/", everyone(404), payload=lambda ctx: {"email": ctx["email"]}),
    row("POST", "/api/v1/auth/users/set_username/", everyone(404), payload=lambda ctx: {"new_username": "x"}),
    # the profile is the caller's, whatever id or username the request carries
    row("GET", "/api/v1/auth/users/me/?id={owner}&username={username}&user_id={owner}", signed_in(200)),
    row(
        "PATCH",
        "/api/v1/auth/users/me/?id={owner}",
        signed_in(200),
        payload=lambda ctx: {"id": ctx["owner"], "username": ctx["username"], "first_name": "Mallory"},
    ),
    row("PUT", "/api/v1/auth/users/me/", signed_in(405)),
    row("DELETE", "/api/v1/auth/users/me/", signed_in(405)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), object_cells(ROWS), ids=object_cell_ids(ROWS))
def test_no_role_reaches_another_users_profile(row, role):
    run_object_row(row, role)


@pytest.mark.django_db
def test_a_patch_carrying_another_users_id_changes_only_the_caller(client_as, customer, other_customer):
    response = client_as(customer).patch(
        "/api/v1/auth/users/me/", {"id": other_customer.pk, "first_name": "Mallory"}, format="json"
    )

    assert response.status_code == 200 and response.json()["id"] == customer.pk
    customer.refresh_from_db()
    other_customer.refresh_from_db()
    assert customer.first_name == "Mallory"
    assert other_customer.first_name != "Mallory"
