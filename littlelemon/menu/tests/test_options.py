"""menu.options: reading a dish's options in a fixed number of queries, and checking and pricing
a selection (each broken rule an InvalidInput naming the group or slot)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from littlelemon.menu.exceptions import (
    ComboDishNotOffered,
    ComboSlotInvalid,
    OptionCountInvalid,
    OptionNotOffered,
    OptionRequired,
    OptionsInvalid,
    OptionUnavailable,
)
from littlelemon.menu.models import OptionChoice
from littlelemon.menu.options import catalog_load, selection_key, selection_price

from .factories import (
    MenuItemFactory,
    burger_with_options,
    combo_with_slots,
    group_with_choices,
    menu_at_options_size,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def burger():
    return burger_with_options()


def ids(dish, *names):
    by_name = dict(OptionChoice.objects.filter(group__menuitem_links__menuitem=dish).values_list("name", "id"))
    return [by_name[name] for name in names]


def price(dish, choices=None, slots=None):
    return selection_price(catalog=catalog_load([dish]), dish=dish, choices=choices, slots=slots)


class TestPricing:
    def test_the_unit_price_is_the_dish_plus_its_choices(self, burger):
        priced = price(burger, ids(burger, "Large", "Cheese", "Bacon"))

        assert priced.unit_price == Decimal("17.25")  # 12.50 + 2.25 + 1.00 + 1.50
        assert priced.snapshot == [
            {"group": "Size", "choice": "Large", "price_delta": "2.25"},
            {"group": "Extras", "choice": "Cheese", "price_delta": "1.00"},
            {"group": "Extras", "choice": "Bacon", "price_delta": "1.50"},
        ]

    def test_a_negative_delta_lowers_the_price(self):
        dish = MenuItemFactory(price=Decimal("9.00"))
        group_with_choices(dish=dish, name="Portion", max_choices=1, choices=[("Half", "-3.50")])

        assert price(dish, ids(dish, "Half")).unit_price == Decimal("5.50")

    def test_a_price_that_would_not_stay_above_zero_is_refused(self):
        dish = MenuItemFactory(price=Decimal("3.00"))
        group_with_choices(dish=dish, name="Portion", max_choices=1, choices=[("Tiny", "-3.00")])

        with pytest.raises(OptionsInvalid, match="free or less"):
            price(dish, ids(dish, "Tiny"))

    def test_the_same_choices_in_any_order_make_the_same_key(self, burger):
        one = price(burger, ids(burger, "Regular", "Bacon", "Cheese"))
        other = price(burger, ids(burger, "Cheese", "Regular", "Bacon"))

        assert one.key == other.key != ""
        assert one.selection == other.selection

    def test_a_plain_dish_has_no_selection_and_an_empty_key(self):
        dish = MenuItemFactory(price=Decimal("4.00"))

        priced = price(dish)

        assert (priced.selection, priced.key, priced.unit_price, priced.snapshot) == ({}, "", Decimal("4.00"), [])
        assert selection_key({}) == ""


class TestRules:
    def test_a_required_group_left_empty_names_it(self, burger):
        with pytest.raises(OptionRequired, match="Choose a size for Burger") as caught:
            price(burger, ids(burger, "Cheese"))

        assert caught.value.http_status == 400 and caught.value.extra["group_name"] == "Size"

    def test_too_many_extras_names_the_limit(self, burger):
        with pytest.raises(OptionCountInvalid, match="Up to 3 extras for Burger"):
            price(burger, ids(burger, "Regular", "Cheese", "Bacon", "Egg", "Avocado"))

    def test_two_choices_in_a_pick_one_group(self, burger):
        with pytest.raises(OptionCountInvalid, match="Choose only one size"):
            price(burger, ids(burger, "Regular", "Large"))

    def test_too_few_for_a_group_that_needs_two(self):
        dish = MenuItemFactory(title="Mezze plate")
        group_with_choices(
            dish=dish, name="Dips", min_choices=2, max_choices=3, choices=[("Hummus", "0"), ("Tzatziki", "0")]
        )

        with pytest.raises(OptionCountInvalid, match="Choose at least 2 dips"):
            price(dish, ids(dish, "Hummus"))

    def test_a_choice_of_another_dishs_group(self, burger):
        other = MenuItemFactory(title="Salad")
        group_with_choices(dish=other, name="Dressing", max_choices=1, choices=[("Lemon", "0")])

        with pytest.raises(OptionNotOffered, match="not one of Burger's options"):
            price(burger, [*ids(burger, "Regular"), *ids(other, "Lemon")])

    def test_an_unavailable_choice(self, burger):
        OptionChoice.objects.filter(name="Bacon").update(available=False)

        with pytest.raises(OptionUnavailable, match="Extras: Bacon is not available"):
            price(burger, ids(burger, "Regular", "Bacon"))

    @pytest.mark.parametrize("choices", ["1,2", [True], ["x"], [{"id": 1}], [1, 1]])
    def test_malformed_choices(self, burger, choices):
        with pytest.raises(OptionsInvalid):
            price(burger, choices)

    def test_slots_for_a_dish_that_is_no_combo(self, burger):
        with pytest.raises(ComboSlotInvalid, match="not a combo"):
            price(burger, ids(burger, "Regular"), slots=[{"slot": 1, "dish": 1}])


class TestCombos:
    @pytest.fixture
    def deal(self, burger):
        self.falafel = MenuItemFactory(title="Falafel", price=Decimal("7.00"))
        self.fries = MenuItemFactory(title="Fries", price=Decimal("4.00"))
        self.salad = MenuItemFactory(title="Salad", price=Decimal("8.00"))
        self.burger = burger
        return combo_with_slots(
            price="19.00",
            slots=[
                ("A main", [(burger, "0"), (self.falafel, "0")]),
                ("A side", [(self.fries, "0"), (self.salad, "2.00")]),
            ],
        )

    def slots(self, deal, main, side, main_choices=()):
        main_slot, side_slot = deal.slots.all()
        return [
            {"slot": main_slot.pk, "dish": main.pk, "choices": list(main_choices)},
            {"slot": side_slot.pk, "dish": side.pk},
        ]

    def test_a_combo_is_its_price_plus_supplements_and_its_dishes_choices(self, deal):
        priced = price(deal, slots=self.slots(deal, self.burger, self.salad, ids(self.burger, "Large", "Egg")))

        assert priced.unit_price == Decimal("24.50")  # 19.00 + 2.25 + 1.25 + 2.00 (salad)
        assert priced.snapshot == [
            {
                "slot": "A main",
                "dish": "Burger",
                "supplement": "0.00",
                "options": [
                    {"group": "Size", "choice": "Large", "price_delta": "2.25"},
                    {"group": "Extras", "choice": "Egg", "price_delta": "1.25"},
                ],
            },
            {"slot": "A side", "dish": "Salad", "supplement": "2.00", "options": []},
        ]
        assert [entry["dish"] for entry in priced.selection["slots"]] == [self.burger.pk, self.salad.pk]

    def test_a_slot_left_empty_names_it(self, deal):
        main_slot, _ = deal.slots.all()

        with pytest.raises(ComboSlotInvalid, match="Choose a side for Lunch Deal") as caught:
            price(deal, slots=[{"slot": main_slot.pk, "dish": self.falafel.pk}])

        assert caught.value.field == f"slot_{deal.slots.all()[1].pk}"

    def test_a_dish_the_slot_does_not_offer(self, deal):
        with pytest.raises(ComboDishNotOffered, match="not offered as A side"):
            price(deal, slots=self.slots(deal, self.falafel, self.burger))

    def test_the_component_dishs_own_rules_hold(self, deal):
        with pytest.raises(OptionRequired, match="Choose a size for Burger"):
            price(deal, slots=self.slots(deal, self.burger, self.fries))

    def test_a_slot_of_another_combo(self, deal):
        other = combo_with_slots(title="Other deal", slots=[("A drink", [(self.fries, "0")])])

        with pytest.raises(ComboSlotInvalid, match="not part of Lunch Deal"):
            price(deal, slots=[*self.slots(deal, self.falafel, self.fries), {"slot": other.slots.get().pk, "dish": 1}])

    def test_a_sold_out_component(self, deal):
        self.fries.available = False
        self.fries.save()

        with pytest.raises(ComboDishNotOffered, match="Fries is sold out"):
            price(deal, slots=self.slots(deal, self.falafel, self.fries))


@pytest.mark.parametrize("size", [1, 8])
def test_the_catalog_is_a_fixed_number_of_queries_whatever_the_options(django_assert_num_queries, size):
    dishes = [MenuItemFactory() for _ in range(size)]
    for dish in dishes:
        for position in range(size):
            group_with_choices(dish=dish, max_choices=2, choices=[("a", "1"), ("b", "2")] * size, position=position)
    combo = combo_with_slots(slots=[(f"Slot {n}", [(dish, "0") for dish in dishes]) for n in range(size)])

    with django_assert_num_queries(4):  # the slots, the dishes they offer, the groups, the choices
        catalog = catalog_load([*dishes, combo])

    assert len(catalog.groups_of(dishes[0])) == size and len(catalog.slots_of(combo)) == size


class TestDetailApi:
    def test_a_dish_shows_its_groups_and_choices(self, api_client, burger):
        body = api_client.get(f"/api/v1/menu-items/{burger.pk}/").json()

        assert body["has_options"] is True and body["combo_slots"] == []
        assert [(group["name"], group["min_choices"], group["max_choices"]) for group in body["option_groups"]] == [
            ("Size", 1, 1),
            ("Extras", 0, 3),
        ]
        assert body["option_groups"][0]["choices"] == [
            {"id": ids(burger, "Regular")[0], "name": "Regular", "price_delta": "0.00", "available": True},
            {"id": ids(burger, "Large")[0], "name": "Large", "price_delta": "2.25", "available": True},
        ]

    def test_a_combo_shows_its_slots_with_their_dishes_and_options(self, api_client, burger):
        deal = combo_with_slots(slots=[("A main", [(burger, "1.50")])])

        body = api_client.get(f"/api/v1/menu-items/{deal.pk}/").json()

        assert body["is_combo"] is True and body["has_options"] is True
        [slot] = body["combo_slots"]
        assert slot["name"] == "A main"
        [offer] = slot["dishes"]
        assert (offer["menuitem"], offer["title"], offer["supplement"]) == (burger.pk, "Burger", "1.50")
        assert [group["name"] for group in offer["option_groups"]] == ["Size", "Extras"]

    def test_the_list_says_which_dishes_have_options(self, api_client, burger):
        MenuItemFactory(title="Plain")

        results = api_client.get("/api/v1/menu-items/?page_size=100").json()["results"]

        assert {item["title"]: item["has_options"] for item in results} == {"Burger": True, "Plain": False}

    @pytest.mark.parametrize("rich", [False, True])
    def test_the_list_is_the_same_queries_without_options_and_with_many(
        self, api_client, django_assert_num_queries, freeze, rich
    ):
        items = menu_at_options_size(rich=rich)
        freeze(timezone.now())  # the ETag holds the day and the last window edge passed

        with django_assert_num_queries(4):  # the time windows, the menu stamp, COUNT(*), one joined SELECT
            response = api_client.get("/api/v1/menu-items/?page_size=100")

        results = response.json()["results"]
        assert [item["id"] for item in results] == [item.pk for item in items]
        assert [(item["has_options"], item["is_combo"]) for item in results] == [(rich, False)] * 3 + [(rich, rich)]

    @pytest.mark.parametrize("size", [1, 8])
    def test_a_dish_is_a_fixed_number_of_queries_whatever_its_options(
        self, api_client, django_assert_num_queries, size
    ):
        side = MenuItemFactory()
        deal = combo_with_slots(slots=[(f"Slot {n}", [(side, "0")]) for n in range(size)])
        for position in range(size):
            group_with_choices(dish=deal, max_choices=2, choices=[("a", "1")] * size, position=position)
            group_with_choices(dish=side, max_choices=2, choices=[("b", "1")] * size, position=position)

        # the stamp, the dish, the time windows; its slots, their dishes, the groups, the choices
        with django_assert_num_queries(7):
            body = api_client.get(f"/api/v1/menu-items/{deal.pk}/").json()

        assert len(body["option_groups"]) == size and len(body["combo_slots"]) == size


def test_a_very_long_selection_is_keyed_by_its_hash():
    long = {"choices": list(range(10**15, 10**15 + 40))}

    key = selection_key(long)

    assert key.startswith("sha256:") and len(key) == 71 and key == selection_key(dict(long))
