"""Cart services: adding and incrementing, the 1..99 rule, sold-out and unknown dishes,
another user's lines (folding a visitor's cart into the account's: test_guest_cart.py)."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connections, transaction

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart import services
from littlelemon.cart.enums import MAX_LINES
from littlelemon.cart.exceptions import CartFull, CartLineNotFound, ItemUnavailable, QuantityLimit, UnknownMenuItem
from littlelemon.cart.models import CartLine
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory

from .factories import CartLineFactory

pytestmark = pytest.mark.django_db


def lines_of(user) -> list[tuple[int, int]]:
    return list(CartLine.objects.filter(user=user).order_by("menuitem_id").values_list("menuitem_id", "quantity"))


class TestAdd:
    def test_a_new_dish_makes_a_line_remembering_its_price(self, customer):
        dish = MenuItemFactory(price=Decimal("7.25"))

        line, created = services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=2)

        assert created
        line.refresh_from_db()
        assert (line.user, line.menuitem, line.quantity, line.price_when_added) == (customer, dish, 2, Decimal("7.25"))

    def test_the_same_dish_again_adds_to_its_line(self, customer):
        dish = MenuItemFactory()
        services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=2)

        line, created = services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=3)

        assert not created
        assert line.quantity == 5
        assert lines_of(customer) == [(dish.pk, 5)]

    def test_a_line_holds_at_most_99_and_a_refused_add_changes_nothing(self, customer):
        dish = MenuItemFactory(title="Hummus")
        services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=98)

        with pytest.raises(QuantityLimit, match=r"already holds 98 × Hummus; a line holds at most 99") as error:
            services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=2)

        assert error.value.field == "quantity"
        assert error.value.extra == {"in_cart": 98}
        assert lines_of(customer) == [(dish.pk, 98)]
        services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=1)
        assert lines_of(customer) == [(dish.pk, 99)]

    @pytest.mark.parametrize("quantity", [0, -1, 100, 10**6])
    def test_quantity_outside_1_to_99_is_refused(self, customer, quantity):
        dish = MenuItemFactory()

        with pytest.raises(QuantityLimit):
            services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=quantity)

        assert lines_of(customer) == []

    @pytest.mark.parametrize("menuitem_id", [999_999, 0, -3, 2**63, 10**30])
    def test_an_unknown_dish_is_refused(self, customer, menuitem_id):
        with pytest.raises(UnknownMenuItem, match=f"no dish with id {menuitem_id}"):
            services.cart_item_add(owner=customer, menuitem_id=menuitem_id, quantity=1)

        assert lines_of(customer) == []

    def test_a_sold_out_dish_is_refused_by_name(self, customer):
        dish = MenuItemFactory(title="Moussaka", available=False)

        with pytest.raises(ItemUnavailable, match="Moussaka is sold out") as error:
            services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=1)

        assert error.value.code == "item_unavailable"
        assert lines_of(customer) == []

    def test_a_cart_holds_at_most_100_different_dishes(self, customer):
        category = CategoryFactory()
        dishes = MenuItem.objects.bulk_create(
            MenuItem(title=f"D{n}", slug=f"d-{n}", price=Decimal("1.00"), category=category)
            for n in range(MAX_LINES + 1)
        )
        CartLine.objects.bulk_create(
            CartLine(user=customer, menuitem=dish, quantity=1, price_when_added=dish.price)
            for dish in dishes[:MAX_LINES]
        )

        with pytest.raises(CartFull):
            services.cart_item_add(owner=customer, menuitem_id=dishes[-1].pk, quantity=1)
        services.cart_item_add(owner=customer, menuitem_id=dishes[0].pk, quantity=1)  # an existing line still grows

        assert CartLine.objects.filter(user=customer).count() == MAX_LINES

    def test_the_database_holds_one_line_per_dish_and_the_quantity_range(self, customer):
        line = CartLineFactory(user=customer)

        with pytest.raises(IntegrityError), transaction.atomic():
            CartLine.objects.create(user=customer, menuitem=line.menuitem, quantity=1, price_when_added=Decimal(1))
        with pytest.raises(IntegrityError), transaction.atomic():
            CartLine.objects.filter(pk=line.pk).update(quantity=100)
        with pytest.raises(IntegrityError), transaction.atomic():
            CartLine.objects.filter(pk=line.pk).update(quantity=0)


class TestChange:
    def test_update_sets_the_quantity(self, customer):
        line = CartLineFactory(user=customer, quantity=2)

        updated = services.cart_item_update(owner=customer, line_id=line.pk, quantity=7)

        assert updated.quantity == 7
        assert lines_of(customer) == [(line.menuitem_id, 7)]

    def test_another_users_line_is_not_found_and_unchanged(self, customer, other_customer):
        theirs = CartLineFactory(user=other_customer, quantity=2)

        with pytest.raises(CartLineNotFound):
            services.cart_item_update(owner=customer, line_id=theirs.pk, quantity=9)
        with pytest.raises(CartLineNotFound):
            services.cart_item_remove(owner=customer, line_id=theirs.pk)

        assert lines_of(other_customer) == [(theirs.menuitem_id, 2)]

    @pytest.mark.parametrize("quantity", [0, 100])
    def test_update_keeps_to_1_to_99(self, customer, quantity):
        line = CartLineFactory(user=customer, quantity=2)

        with pytest.raises(QuantityLimit):
            services.cart_item_update(owner=customer, line_id=line.pk, quantity=quantity)

        assert lines_of(customer) == [(line.menuitem_id, 2)]

    def test_remove_and_clear_touch_only_the_users_own_cart(self, customer, other_customer):
        first, second = CartLineFactory(user=customer), CartLineFactory(user=customer)
        theirs = CartLineFactory(user=other_customer)

        services.cart_item_remove(owner=customer, line_id=first.pk)
        assert lines_of(customer) == [(second.menuitem_id, 1)]

        assert services.cart_clear(owner=customer) == 1
        assert services.cart_clear(owner=customer) == 0
        assert lines_of(customer) == []
        assert lines_of(other_customer) == [(theirs.menuitem_id, 1)]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_adds_of_a_new_dish_make_one_line_of_ten():
    user, dish = UserFactory(), MenuItemFactory()
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def add():
        try:
            barrier.wait()
            services.cart_item_add(owner=user, menuitem_id=dish.pk, quantity=1)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert lines_of(user) == [(dish.pk, 10)]
