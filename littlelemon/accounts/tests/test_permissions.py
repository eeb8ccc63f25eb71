import pytest

from littlelemon.api.tests.matrix import (
    ADMIN,
    ANON,
    CREW,
    CUSTOMER,
    KITCHEN,
    MANAGER,
    Row,
    admins,
    cell_ids,
    cells,
    managers,
    run_row,
    signed_in,
)

from .factories import UserFactory


def _member(role):
    return lambda user: {"member": UserFactory(roles=[role]).pk}


def _someone(user):
    return {"someone": UserFactory().pk}


ROWS = [
    Row(
        "POST",
        "/api/v1/auth/users/",
        dict.fromkeys((ANON, CUSTOMER, KITCHEN, CREW, MANAGER, ADMIN), 201),
        payload=lambda ctx: {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password": "a-Good-passphrase-1",
        },
    ),
    Row("GET", "/api/v1/auth/users/me/", signed_in(200)),
    Row("PATCH", "/api/v1/auth/users/me/", signed_in(200), payload=lambda ctx: {"first_name": "Sam"}),
    Row("GET", "/api/v1/groups/manager/users/", admins(200)),
    Row(
        "POST",
        "/api/v1/groups/manager/users/",
        admins(201),
        payload=lambda ctx: {"user": ctx["someone"]},
        setup=_someone,
    ),
    Row("DELETE", "/api/v1/groups/manager/users/{member}/", admins(204), setup=_member("manager")),
]
for role in ("kitchen", "delivery-crew"):
    ROWS += [
        Row("GET", f"/api/v1/groups/{role}/users/", managers(200)),
        Row(
            "POST",
            f"/api/v1/groups/{role}/users/",
            managers(201),
            payload=lambda ctx: {"user": ctx["someone"]},
            setup=_someone,
        ),
        Row("DELETE", f"/api/v1/groups/{role}/users/{{member}}/", managers(204), setup=_member(role)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role):
    run_row(row, role)
