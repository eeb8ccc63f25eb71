"""Every role × every cart endpoint: anyone signed in has a cart; nobody reaches another's, not
even a manager (a 404, which does not confirm the line exists)."""

from dataclasses import replace

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.api.tests.matrix import ANON, Row, cell_ids, cells, run_row, signed_in
from littlelemon.cart.models import CartLine
from littlelemon.menu.tests.factories import MenuItemFactory

from .factories import CartLineFactory


def _dish(user):
    return {"dish": MenuItemFactory().pk}


def _own_line(user):
    return {"line": CartLineFactory(user=user or UserFactory()).pk}


def _someone_elses_line(user):
    return {"line": CartLineFactory(user=UserFactory()).pk}


def not_yours() -> dict[str, int]:
    return signed_in(404) | {ANON: 401}


ROWS = [
    Row("GET", "/api/v1/cart/", signed_in(200)),
    Row("DELETE", "/api/v1/cart/", signed_in(204), setup=_own_line),
    Row("POST", "/api/v1/cart/items/", signed_in(201), setup=_dish, payload=lambda ctx: {"menuitem": ctx["dish"]}),
    Row("PATCH", "/api/v1/cart/items/{line}/", signed_in(200), setup=_own_line, payload=lambda ctx: {"quantity": 3}),
    Row("DELETE", "/api/v1/cart/items/{line}/", signed_in(204), setup=_own_line),
    Row(
        "PATCH",
        "/api/v1/cart/items/{line}/",
        not_yours(),
        setup=_someone_elses_line,
        payload=lambda ctx: {"quantity": 3},
    ),
    Row("DELETE", "/api/v1/cart/items/{line}/", not_yours(), setup=_someone_elses_line),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role):
    before = {}

    def setup(user):
        context = row.setup(user)
        before.update(CartLine.objects.values_list("pk", "quantity"))
        return context

    response = run_row(replace(row, setup=setup), role)

    if response.status_code >= 400:  # a refused request changed nobody's cart
        assert dict(CartLine.objects.values_list("pk", "quantity")) == before
