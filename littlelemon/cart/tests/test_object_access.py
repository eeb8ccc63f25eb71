"""Object-level access to cart lines: nobody reaches another user's cart, whatever their role.

The owner is a customer with two lines; the caller is a fresh user in each role. A line that is
not yours is a 404 (never a 403 that would confirm it exists), the owner's cart is unchanged
afterwards, and the caller's answers never show the owner's dishes.
"""

import pytest

from littlelemon.api.tests.matrix import ANON, ObjectRow, object_cell_ids, object_cells, run_object_row, signed_in
from littlelemon.cart.models import CartLine
from littlelemon.menu.tests.factories import MenuItemFactory

from .factories import CartLineFactory


def _owners_cart(owner) -> dict:
    first = CartLineFactory(user=owner, menuitem=MenuItemFactory(title="Owner's secret saffron risotto"), quantity=2)
    CartLineFactory(user=owner, menuitem=MenuItemFactory(title="Owner's hidden lemon tart"))
    return {"owner": owner.pk, "line": first.pk, "dish": first.menuitem_id}


def _cart(context) -> list[dict]:
    return list(CartLine.objects.filter(user=context["owner"]).order_by("pk").values())


def _secrets(context) -> list[str]:
    return ["Owner's secret saffron risotto", "Owner's hidden lemon tart"]


def row(method: str, path: str, expected: dict[str, int], payload=None) -> ObjectRow:
    return ObjectRow(method, path, expected, setup=_owners_cart, state=_cart, secrets=_secrets, payload=payload)


def not_yours() -> dict[str, int]:
    return signed_in(404) | {ANON: 401}


ROWS = [
    row("GET", "/api/v1/cart/items/{line}/", signed_in(405)),  # a line is read through the cart only
    row("PATCH", "/api/v1/cart/items/{line}/", not_yours(), payload=lambda ctx: {"quantity": 99}),
    row("PUT", "/api/v1/cart/items/{line}/", signed_in(405), payload=lambda ctx: {"quantity": 99}),
    row("DELETE", "/api/v1/cart/items/{line}/", not_yours()),
    # the cart is always the caller's: ids smuggled into the query or body address nothing
    row("GET", "/api/v1/cart/?user={owner}&user_id={owner}", signed_in(200)),
    row("DELETE", "/api/v1/cart/?user={owner}", signed_in(204)),
    # the same dish as the owner's line goes into the caller's cart (its title is on the menu)
    ObjectRow(
        "POST",
        "/api/v1/cart/items/",
        signed_in(201),
        setup=_owners_cart,
        state=_cart,
        secrets=lambda ctx: _secrets(ctx)[1:],
        payload=lambda ctx: {"menuitem": ctx["dish"], "quantity": 5, "user": ctx["owner"], "id": ctx["line"]},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), object_cells(ROWS), ids=object_cell_ids(ROWS))
def test_no_role_reaches_another_users_cart(row, role):
    run_object_row(row, role)
