"""The cart API: exact bodies, current prices, refused input that changes nothing, other users'
lines, and a fixed number of queries whatever the cart's size."""

from decimal import Decimal

import pytest

from littlelemon.cart.models import CartLine
from littlelemon.menu.tests.factories import MenuItemFactory

from .factories import CartLineFactory

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
ITEMS = "/api/v1/cart/items/"


def lines_of(user) -> list[tuple[int, int]]:
    return list(CartLine.objects.filter(user=user).order_by("id").values_list("menuitem_id", "quantity"))


class TestRead:
    def test_an_empty_cart(self, client_as, customer):
        response = client_as(customer).get(CART)

        assert response.status_code == 200
        assert response.json() == {"items": [], "total": "0.00"}

    def test_lines_show_current_menu_prices_and_the_total(self, client_as, customer, other_customer):
        salad = MenuItemFactory(title="Greek Salad", price=Decimal("12.99"))
        falafel = MenuItemFactory(title="Falafel", price=Decimal("7.25"), available=False)
        first = CartLineFactory(user=customer, menuitem=salad, quantity=2)
        second = CartLineFactory(user=customer, menuitem=falafel, quantity=1)
        CartLineFactory(user=other_customer, menuitem=salad, quantity=5)
        salad.price = Decimal("13.49")  # the price went up since it was added
        salad.save()

        response = client_as(customer).get(CART)

        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "id": first.pk,
                    "menuitem": salad.pk,
                    "title": "Greek Salad",
                    "quantity": 2,
                    "unit_price": "13.49",
                    "price": "26.98",
                    "available": True,
                    "selection": {},
                    "options": [],
                    "options_problem": "",
                },
                {
                    "id": second.pk,
                    "menuitem": falafel.pk,
                    "title": "Falafel",
                    "quantity": 1,
                    "unit_price": "7.25",
                    "price": "7.25",
                    "available": False,
                    "selection": {},
                    "options": [],
                    "options_problem": "",
                },
            ],
            "total": "34.23",
        }

    @pytest.mark.parametrize("size", [1, 30])
    def test_the_cart_is_a_fixed_number_of_queries_whatever_its_size(
        self, client_as, customer, django_assert_num_queries, size
    ):
        for _ in range(size):
            CartLineFactory(user=customer)
        client = client_as(customer)

        with django_assert_num_queries(3):  # the signed-in user, the version stamps, the lines with their dishes
            response = client.get(CART)
        with django_assert_num_queries(2):  # unchanged since: the signed-in user, the stamps; a 304
            again = client.get(CART, HTTP_IF_NONE_MATCH=response["ETag"])

        assert len(response.json()["items"]) == size
        assert (again.status_code, again.content) == (304, b"")


class TestAdd:
    def test_adding_a_dish_answers_the_new_line(self, client_as, customer):
        dish = MenuItemFactory(title="Hummus", price=Decimal("6.50"))

        response = client_as(customer).post(ITEMS, {"menuitem": dish.pk, "quantity": 3})

        assert response.status_code == 201
        line = CartLine.objects.get(user=customer)
        assert response.json() == {
            "id": line.pk,
            "menuitem": dish.pk,
            "title": "Hummus",
            "quantity": 3,
            "unit_price": "6.50",
            "price": "19.50",
            "available": True,
            "selection": {},
            "options": [],
            "options_problem": "",
        }
        assert line.price_when_added == Decimal("6.50")

    def test_adding_it_again_increments_the_line(self, client_as, customer):
        dish = MenuItemFactory()
        client = client_as(customer)
        client.post(ITEMS, {"menuitem": dish.pk, "quantity": 3})

        response = client.post(ITEMS, {"menuitem": dish.pk})  # quantity defaults to 1

        assert response.status_code == 200
        assert response.json()["quantity"] == 4
        assert lines_of(customer) == [(dish.pk, 4)]

    def test_a_client_sent_price_is_ignored(self, client_as, customer):
        dish = MenuItemFactory(price=Decimal("18.50"))

        response = client_as(customer).post(
            ITEMS, {"menuitem": dish.pk, "quantity": 1, "unit_price": "0.01", "price": "0.01", "user": 1}
        )

        assert response.status_code == 201
        assert (response.json()["unit_price"], response.json()["price"]) == ("18.50", "18.50")
        assert CartLine.objects.get().price_when_added == Decimal("18.50")

    @pytest.mark.parametrize(
        ("payload", "code", "field"),
        [
            ({}, "invalid", "menuitem"),
            ({"menuitem": "abc"}, "invalid", "menuitem"),
            ({"menuitem": None}, "invalid", "menuitem"),
            ({"menuitem": 10**30}, "invalid", "menuitem"),
            ({"menuitem": 999_999}, "unknown_menuitem", "menuitem"),
            ({"menuitem": "DISH", "quantity": 0}, "invalid", "quantity"),
            ({"menuitem": "DISH", "quantity": 100}, "invalid", "quantity"),
            ({"menuitem": "DISH", "quantity": -1}, "invalid", "quantity"),
            ({"menuitem": "DISH", "quantity": 1.5}, "invalid", "quantity"),
            ({"menuitem": "DISH", "quantity": "many"}, "invalid", "quantity"),
            ({"menuitem": "SOLD_OUT"}, "item_unavailable", "menuitem"),
        ],
    )
    def test_bad_input_is_a_400_that_adds_nothing(self, client_as, customer, payload, code, field):
        dish, sold_out = MenuItemFactory(), MenuItemFactory(available=False)
        payload = {key: {"DISH": dish.pk, "SOLD_OUT": sold_out.pk}.get(value, value) for key, value in payload.items()}

        response = client_as(customer).post(ITEMS, payload)

        assert response.status_code == 400, response.json()
        assert response.json()["code"] == code
        assert list(response.json()["fields"]) == [field]
        assert lines_of(customer) == []

    def test_a_line_past_99_is_a_400_naming_the_limit(self, client_as, customer):
        line = CartLineFactory(user=customer, quantity=98)

        response = client_as(customer).post(ITEMS, {"menuitem": line.menuitem_id, "quantity": 5})

        assert response.status_code == 400
        assert response.json() == {
            "detail": f"Your cart already holds 98 × {line.menuitem.title}; a line holds at most 99.",
            "code": "quantity_limit",
            "fields": {"quantity": [f"Your cart already holds 98 × {line.menuitem.title}; a line holds at most 99."]},
            "in_cart": 98,
            "request_id": response["X-Request-ID"],
        }
        assert lines_of(customer) == [(line.menuitem_id, 98)]


class TestChange:
    def test_patch_sets_the_quantity(self, client_as, customer):
        line = CartLineFactory(user=customer, quantity=1, menuitem=MenuItemFactory(price=Decimal("5.00")))

        response = client_as(customer).patch(f"{ITEMS}{line.pk}/", {"quantity": 4})

        assert response.status_code == 200
        assert (response.json()["quantity"], response.json()["price"]) == (4, "20.00")
        assert lines_of(customer) == [(line.menuitem_id, 4)]

    @pytest.mark.parametrize("payload", [{}, {"quantity": 0}, {"quantity": 100}, {"quantity": "x"}])
    def test_patch_refuses_bad_quantities(self, client_as, customer, payload):
        line = CartLineFactory(user=customer, quantity=2)

        response = client_as(customer).patch(f"{ITEMS}{line.pk}/", payload)

        assert response.status_code == 400
        assert response.json()["fields"].keys() == {"quantity"}
        assert lines_of(customer) == [(line.menuitem_id, 2)]

    def test_another_users_line_is_a_404_and_stays(self, client_as, customer, other_customer):
        theirs = CartLineFactory(user=other_customer, quantity=2)
        client = client_as(customer)

        patched = client.patch(f"{ITEMS}{theirs.pk}/", {"quantity": 9})
        deleted = client.delete(f"{ITEMS}{theirs.pk}/")

        assert (patched.status_code, deleted.status_code) == (404, 404)
        assert patched.json() == {
            "detail": "No such line in your cart.",
            "code": "not_found",
            "request_id": patched["X-Request-ID"],
        }
        assert lines_of(other_customer) == [(theirs.menuitem_id, 2)]

    @pytest.mark.parametrize("line_id", [999_999, 2**63, 10**30])
    def test_unknown_lines_are_404(self, client_as, customer, line_id):
        response = client_as(customer).patch(f"{ITEMS}{line_id}/", {"quantity": 2})

        assert response.status_code == 404

    def test_delete_removes_the_line(self, client_as, customer):
        keep, drop = CartLineFactory(user=customer), CartLineFactory(user=customer)

        response = client_as(customer).delete(f"{ITEMS}{drop.pk}/")

        assert response.status_code == 204
        assert lines_of(customer) == [(keep.menuitem_id, 1)]

    def test_delete_cart_empties_only_your_cart(self, client_as, customer, other_customer):
        CartLineFactory(user=customer)
        CartLineFactory(user=customer)
        theirs = CartLineFactory(user=other_customer)

        response = client_as(customer).delete(CART)

        assert response.status_code == 204
        assert lines_of(customer) == []
        assert lines_of(other_customer) == [(theirs.menuitem_id, 1)]
        assert client_as(customer).get(CART).json() == {"items": [], "total": "0.00"}
