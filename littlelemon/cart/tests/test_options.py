"""Cart lines with options: identity (dish, options), prices with options, the API's `choices`
and `slots`, every refused selection a 400 with nothing written, and the cart read in a fixed
number of queries whatever the number of options."""

from decimal import Decimal

import pytest

from littlelemon.cart import services
from littlelemon.cart.models import CartLine
from littlelemon.menu.models import OptionChoice
from littlelemon.menu.tests.factories import MenuItemFactory, burger_with_options, combo_with_slots, group_with_choices

from .factories import choice_ids

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
ITEMS = "/api/v1/cart/items/"


@pytest.fixture
def burger():
    return burger_with_options()


class TestLineIdentity:
    def test_same_dish_different_options_are_two_lines(self, customer, burger):
        services.cart_item_add(
            owner=customer, menuitem_id=burger.pk, quantity=1, choices=choice_ids("Regular", "Cheese")
        )
        services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=2, choices=choice_ids("Large"))

        lines = CartLine.objects.filter(user=customer).order_by("id")
        assert [(line.quantity, line.selection["choices"]) for line in lines] == [
            (1, choice_ids("Regular", "Cheese")),
            (2, choice_ids("Large")),
        ]

    def test_same_options_in_another_order_add_to_the_same_line(self, customer, burger):
        first, created = services.cart_item_add(
            owner=customer, menuitem_id=burger.pk, quantity=1, choices=choice_ids("Bacon", "Regular", "Cheese")
        )
        again, created_again = services.cart_item_add(
            owner=customer, menuitem_id=burger.pk, quantity=3, choices=choice_ids("Cheese", "Bacon", "Regular")
        )

        assert (created, created_again, again.pk) == (True, False, first.pk)
        line = CartLine.objects.get(user=customer)
        assert line.quantity == 4
        assert line.price_when_added == Decimal("15.00")  # 12.50 + 1.00 + 1.50

    def test_a_plain_dish_keeps_one_line_with_an_empty_key(self, customer):
        dish = MenuItemFactory()
        services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=1)
        services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=1)

        assert list(CartLine.objects.values_list("options_key", "quantity", "selection")) == [("", 2, {})]


class TestApi:
    def test_adding_with_choices_answers_the_line_with_its_options_and_price(self, client_as, customer, burger):
        response = client_as(customer).post(
            ITEMS, {"menuitem": burger.pk, "quantity": 2, "choices": choice_ids("Large", "Egg")}, format="json"
        )

        assert response.status_code == 201
        body = response.json()
        assert (body["unit_price"], body["price"]) == ("16.00", "32.00")  # 12.50 + 2.25 + 1.25
        assert body["options"] == [
            {"group": "Size", "choice": "Large", "price_delta": "2.25"},
            {"group": "Extras", "choice": "Egg", "price_delta": "1.25"},
        ]
        assert body["selection"] == {"choices": choice_ids("Large", "Egg")}

    def test_the_cart_prices_lines_with_their_options_at_todays_prices(self, client_as, customer, burger):
        services.cart_item_add(
            owner=customer, menuitem_id=burger.pk, quantity=2, choices=choice_ids("Regular", "Bacon")
        )
        OptionChoice.objects.filter(name="Bacon").update(price_delta=Decimal("1.75"))

        body = client_as(customer).get(CART).json()

        assert [(item["unit_price"], item["price"]) for item in body["items"]] == [("14.25", "28.50")]
        assert body["total"] == "28.50"

    def test_a_line_whose_choice_ran_out_says_so(self, client_as, customer, burger):
        services.cart_item_add(
            owner=customer, menuitem_id=burger.pk, quantity=1, choices=choice_ids("Regular", "Bacon")
        )
        OptionChoice.objects.filter(name="Bacon").update(available=False)

        [item] = client_as(customer).get(CART).json()["items"]

        assert item["options_problem"] == "Extras: Bacon is not available at the moment."

    def test_a_combo_with_a_dish_for_each_slot(self, client_as, customer, burger):
        fries = MenuItemFactory(title="Fries")
        deal = combo_with_slots(price="18.00", slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0.50")])])
        main, side = deal.slots.all()

        response = client_as(customer).post(
            ITEMS,
            {
                "menuitem": deal.pk,
                "slots": [
                    {"slot": main.pk, "dish": burger.pk, "choices": choice_ids("Regular", "Cheese")},
                    {"slot": side.pk, "dish": fries.pk},
                ],
            },
            format="json",
        )

        assert response.status_code == 201, response.json()
        assert response.json()["unit_price"] == "19.50"  # 18.00 + 1.00 cheese + 0.50 supplement
        assert [option["dish"] for option in response.json()["options"]] == ["Burger", "Fries"]

    @pytest.mark.parametrize(
        ("choices", "code", "message"),
        [
            (["Cheese"], "option_required", "Choose a size for Burger."),
            (["Regular", "Cheese", "Bacon", "Egg", "Avocado"], "option_count", "Up to 3 extras for Burger."),
            (["Regular", "Large"], "option_count", "Choose only one size for Burger."),
            (["Regular", "Lemon"], "option_not_offered", None),
            (["Regular", "Off"], "option_unavailable", "Extras: Off is not available at the moment."),
        ],
    )
    def test_a_bad_selection_is_a_400_naming_the_group_and_writes_nothing(
        self, client_as, customer, burger, choices, code, message
    ):
        group_with_choices(dish=MenuItemFactory(), name="Dressing", choices=[("Lemon", "0")])
        OptionChoice.objects.create(group=burger.option_groups.get(name="Extras"), name="Off", available=False)

        response = client_as(customer).post(
            ITEMS, {"menuitem": burger.pk, "choices": choice_ids(*choices)}, format="json"
        )

        assert response.status_code == 400
        assert response.json()["code"] == code
        if message:
            assert response.json()["detail"] == message
        assert not CartLine.objects.exists()

    def test_a_combo_slot_with_a_dish_it_does_not_offer_is_a_400(self, client_as, customer, burger):
        fries, cake = MenuItemFactory(title="Fries"), MenuItemFactory(title="Cake")
        deal = combo_with_slots(slots=[("A side", [(fries, "0")])])

        response = client_as(customer).post(
            ITEMS, {"menuitem": deal.pk, "slots": [{"slot": deal.slots.get().pk, "dish": cake.pk}]}, format="json"
        )

        assert response.status_code == 400
        assert response.json()["code"] == "combo_dish_not_offered"
        assert "A side" in response.json()["detail"]
        assert not CartLine.objects.exists()

    def test_a_combo_without_its_slots_is_a_400(self, client_as, customer):
        deal = combo_with_slots(slots=[("A drink", [(MenuItemFactory(), "0")])])

        response = client_as(customer).post(ITEMS, {"menuitem": deal.pk}, format="json")

        assert (response.status_code, response.json()["code"]) == (400, "combo_slot_invalid")
        assert response.json()["detail"] == "Choose a drink for Lunch Deal."
        assert not CartLine.objects.exists()


@pytest.mark.parametrize("size", [1, 6])
def test_the_cart_is_a_fixed_number_of_queries_whatever_its_options(
    client_as, customer, django_assert_num_queries, size
):
    fries = MenuItemFactory(title="Fries")
    for index in range(size):
        dish = MenuItemFactory()
        groups = [
            group_with_choices(dish=dish, max_choices=size, choices=[("x", "0.50")] * size, position=position)
            for position in range(size)
        ]
        choices = [choice.pk for group in groups for choice in group.choices.all()]
        services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=1, choices=choices)
        deal = combo_with_slots(title=f"Deal {index}", slots=[("A side", [(fries, "0"), (dish, "1.00")])])
        services.cart_item_add(
            owner=customer, menuitem_id=deal.pk, quantity=1, slots=[{"slot": deal.slots.get().pk, "dish": fries.pk}]
        )
    client = client_as(customer)

    # the user, the stamps, the lines with their dishes; their options: the slots, the dishes
    # they offer, the groups, the choices
    with django_assert_num_queries(7):
        response = client.get(CART)

    assert len(response.json()["items"]) == 2 * size
