"""A visitor's cart kept outside the database (the web pages keep it in the session): the same
rules and messages as an account's cart, on a plain {dish id: quantity} mapping."""

from decimal import Decimal

import pytest

from littlelemon.cart import selectors, services
from littlelemon.cart.enums import MAX_LINES
from littlelemon.cart.exceptions import CartFull, CartLineNotFound, ItemUnavailable, QuantityLimit, UnknownMenuItem
from littlelemon.cart.models import CartLine
from littlelemon.menu.tests.factories import MenuItemFactory

from .factories import CartLineFactory

pytestmark = pytest.mark.django_db


class TestAdd:
    def test_a_new_dish_then_the_same_again(self):
        dish = MenuItemFactory(title="Hummus")
        lines: dict[int, int] = {}

        added, item = services.guest_cart_add(lines=lines, menuitem_id=dish.pk, quantity=2)
        again, _ = services.guest_cart_add(lines=added, menuitem_id=dish.pk, quantity=3)

        assert item == dish
        assert (lines, added, again) == ({}, {dish.pk: 2}, {dish.pk: 5})  # the given mapping is left alone

    def test_one_query_the_dish(self, django_assert_num_queries):
        dish = MenuItemFactory()

        with django_assert_num_queries(1):
            services.guest_cart_add(lines={}, menuitem_id=dish.pk, quantity=1)

    @pytest.mark.parametrize(
        ("setup", "menuitem", "quantity", "error"),
        [
            ("in_cart_98", "dish", 2, QuantityLimit),
            ("empty", "dish", 0, QuantityLimit),
            ("empty", "dish", 100, QuantityLimit),
            ("empty", "unknown", 1, UnknownMenuItem),
            ("empty", "sold_out", 1, ItemUnavailable),
        ],
    )
    def test_refused_with_the_account_carts_own_error_and_message(self, customer, setup, menuitem, quantity, error):
        dishes = {
            "dish": MenuItemFactory(title="Hummus"),
            "sold_out": MenuItemFactory(title="Moussaka", available=False),
        }
        menuitem_id = dishes[menuitem].pk if menuitem in dishes else 999_999
        guest = {dishes["dish"].pk: 98} if setup == "in_cart_98" else {}
        if setup == "in_cart_98":
            CartLineFactory(user=customer, menuitem=dishes["dish"], quantity=98)

        with pytest.raises(error) as from_guest:
            services.guest_cart_add(lines=guest, menuitem_id=menuitem_id, quantity=quantity)
        with pytest.raises(error) as from_account:
            services.cart_item_add(owner=customer, menuitem_id=menuitem_id, quantity=quantity)

        assert (from_guest.value.message, from_guest.value.field, from_guest.value.extra) == (
            from_account.value.message,
            from_account.value.field,
            from_account.value.extra,
        )

    def test_a_full_cart_takes_no_new_dish_but_its_lines_still_grow(self):
        dish = MenuItemFactory()
        full = {dish.pk: 1} | {1_000_000 + n: 1 for n in range(MAX_LINES - 1)}

        with pytest.raises(CartFull, match=f"at most {MAX_LINES} different dishes"):
            services.guest_cart_add(lines=full, menuitem_id=MenuItemFactory().pk, quantity=1)
        grown, _ = services.guest_cart_add(lines=full, menuitem_id=dish.pk, quantity=1)

        assert grown[dish.pk] == 2


class TestUpdateAndRemove:
    def test_update_sets_the_quantity_of_a_dish_in_the_cart(self):
        assert services.guest_cart_update(lines={7: 1, 8: 2}, menuitem_id=8, quantity=5) == {7: 1, 8: 5}

    @pytest.mark.parametrize("quantity", [0, 100])
    def test_update_keeps_to_1_to_99(self, quantity):
        with pytest.raises(QuantityLimit, match="between 1 and 99"):
            services.guest_cart_update(lines={7: 1}, menuitem_id=7, quantity=quantity)

    def test_a_dish_not_in_the_cart_is_not_found(self):
        with pytest.raises(CartLineNotFound):
            services.guest_cart_update(lines={7: 1}, menuitem_id=8, quantity=1)
        with pytest.raises(CartLineNotFound):
            services.guest_cart_remove(lines={7: 1}, menuitem_id=8)

    def test_remove_keeps_the_other_lines_in_order(self):
        lines = {7: 1, 8: 2, 9: 3}

        assert list(services.guest_cart_remove(lines=lines, menuitem_id=8).items()) == [(7, 1), (9, 3)]
        assert lines == {7: 1, 8: 2, 9: 3}


class TestRead:
    def test_a_guest_cart_reads_as_unsaved_lines_in_its_order_with_current_prices(self, django_assert_num_queries):
        falafel = MenuItemFactory(title="Falafel", price=Decimal("7.25"))
        hummus = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
        sold_out = MenuItemFactory(title="Moussaka", available=False)

        with django_assert_num_queries(1):
            cart = selectors.guest_cart_get(lines={hummus.pk: 2, 999_999: 1, falafel.pk: 1, sold_out.pk: 1})

        assert [(line.menuitem.title, line.quantity, line.price, line.pk) for line in cart.lines] == [
            ("Hummus", 2, Decimal("13.00"), None),
            ("Falafel", 1, Decimal("7.25"), None),
            ("Moussaka", 1, sold_out.price, None),  # kept, marked by menuitem.available: the page says so
        ]
        assert cart.quantity == 4
        assert cart.total == Decimal("20.25") + sold_out.price

    def test_an_empty_guest_cart_reads_nothing(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert selectors.guest_cart_get(lines={}).lines == []

    def test_an_account_carts_quantity_is_one_query(self, customer, other_customer, django_assert_num_queries):
        CartLineFactory(user=customer, quantity=2)
        CartLineFactory(user=customer, quantity=3)
        CartLineFactory(user=other_customer, quantity=9)

        with django_assert_num_queries(1):
            assert selectors.cart_quantity(owner=customer) == 5
        assert selectors.cart_quantity(owner=CartLineFactory().user) == 1
        CartLine.objects.filter(user=customer).delete()
        assert selectors.cart_quantity(owner=customer) == 0
