"""A guest's cart through the API: made by `POST /api/v1/cart/guest/`, used with `X-Cart-Token`,
invisible to everyone without its token, and limited per address like sign-up."""

from decimal import Decimal

import pytest

from littlelemon.cart.models import CartLine, GuestCart
from littlelemon.menu.tests.factories import MenuItemFactory

pytestmark = pytest.mark.django_db

GUEST = "/api/v1/cart/guest/"
CART = "/api/v1/cart/"
ITEMS = "/api/v1/cart/items/"


def new_token(api_client) -> str:
    response = api_client.post(GUEST)
    assert response.status_code == 201, response.content
    return response.json()["token"]


class TestGuestCart:
    def test_a_token_is_issued_and_names_an_empty_cart(self, api_client):
        token = new_token(api_client)

        assert len(token) >= 43
        assert GuestCart.objects.get().token == token
        response = api_client.get(CART, HTTP_X_CART_TOKEN=token)
        assert response.status_code == 200
        assert response.json() == {"items": [], "total": "0.00"}

    def test_adding_changing_and_removing_lines_with_the_token(self, api_client):
        dish = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
        token = new_token(api_client)

        added = api_client.post(ITEMS, {"menuitem": dish.pk, "quantity": 2}, HTTP_X_CART_TOKEN=token)
        again = api_client.post(ITEMS, {"menuitem": dish.pk, "quantity": 1}, HTTP_X_CART_TOKEN=token)
        line = CartLine.objects.get()
        assert (added.status_code, again.status_code) == (201, 200)
        assert (line.user_id, line.guest_cart.token, line.quantity) == (None, token, 3)

        changed = api_client.patch(f"{ITEMS}{line.pk}/", {"quantity": 5}, HTTP_X_CART_TOKEN=token)
        assert changed.json()["quantity"] == 5
        cart = api_client.get(CART, HTTP_X_CART_TOKEN=token).json()
        assert cart["total"] == "32.50"
        assert api_client.delete(f"{ITEMS}{line.pk}/", HTTP_X_CART_TOKEN=token).status_code == 204
        assert not CartLine.objects.exists()

    def test_another_guest_cannot_see_or_touch_the_cart(self, api_client):
        dish = MenuItemFactory()
        mine, theirs = new_token(api_client), new_token(api_client)
        api_client.post(ITEMS, {"menuitem": dish.pk}, HTTP_X_CART_TOKEN=mine)
        line = CartLine.objects.get()

        assert api_client.get(CART, HTTP_X_CART_TOKEN=theirs).json()["items"] == []
        assert api_client.patch(f"{ITEMS}{line.pk}/", {"quantity": 9}, HTTP_X_CART_TOKEN=theirs).status_code == 404
        assert api_client.delete(f"{ITEMS}{line.pk}/", HTTP_X_CART_TOKEN=theirs).status_code == 404
        assert CartLine.objects.get().quantity == 1

    @pytest.mark.parametrize("token", ["guessed", "x" * 43, "x" * 500, " "])
    def test_a_guessed_token_is_a_404_and_writes_nothing(self, api_client, token):
        dish = MenuItemFactory()
        new_token(api_client)

        response = api_client.post(ITEMS, {"menuitem": dish.pk}, HTTP_X_CART_TOKEN=token)

        assert response.status_code in (404, 401)
        if response.status_code == 404:
            assert response.json()["code"] == "cart_not_found"
        assert not CartLine.objects.exists()

    def test_without_token_or_sign_in_it_is_a_401(self, api_client):
        assert api_client.get(CART).status_code == 401

    def test_a_signed_in_user_gets_their_own_cart_whatever_token_they_send(self, client_as, customer, api_client):
        dish = MenuItemFactory()
        token = new_token(api_client)
        api_client.post(ITEMS, {"menuitem": dish.pk}, HTTP_X_CART_TOKEN=token)

        response = client_as(customer).get(CART, HTTP_X_CART_TOKEN=token)

        assert response.json()["items"] == []

    def test_making_guest_carts_is_throttled_per_address(self, api_client, throttle_rates):
        throttle_rates(guest="2/min")

        statuses = [api_client.post(GUEST).status_code for _ in range(3)]

        assert statuses == [201, 201, 429]
        assert GuestCart.objects.count() == 2

    def test_the_database_refuses_a_line_with_two_owners_or_none(self, customer):
        from django.db import IntegrityError, transaction

        dish, guest_cart = MenuItemFactory(), GuestCart.objects.create()
        for owners in ({"user": customer, "guest_cart": guest_cart}, {}):
            with pytest.raises(IntegrityError), transaction.atomic():
                CartLine.objects.create(menuitem=dish, quantity=1, price_when_added=dish.price, **owners)


def test_reading_a_guest_cart_costs_the_same_for_one_line_as_for_ten(api_client, django_assert_num_queries):
    counts = []
    for lines in (1, 10):
        token = new_token(api_client)
        for _ in range(lines):
            api_client.post(ITEMS, {"menuitem": MenuItemFactory().pk}, HTTP_X_CART_TOKEN=token)
        with django_assert_num_queries(2):  # the guest cart by its token, its lines with their dishes
            response = api_client.get(CART, HTTP_X_CART_TOKEN=token)
        counts.append(len(response.json()["items"]))
    assert counts == [1, 10]
