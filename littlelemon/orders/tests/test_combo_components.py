"""A dish chosen in a combo's slot counts as that dish ordered: placing the order takes its daily
portions (one conditional UPDATE per dish, summed with the dish's own lines), refuses when too
few are left or none, and gives them back when the order is rejected, cancelled or expires
unpaid; a component outside its time window, archived or sold out is refused. Nothing is
written by a refusal."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import api_client_for
from littlelemon.cart import services as cart_services
from littlelemon.cart.models import CartLine
from littlelemon.menu.exceptions import ComboDishNotOffered, NotEnoughPortions, OutsideWindow
from littlelemon.menu.models import AvailabilityWindow, MenuItem
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory, combo_with_slots
from littlelemon.orders import transitions

from .counting import savepoints
from .test_menu_rules import MONDAY, at, nothing_written, place, portions

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(freeze):
    """A deal of a main (a burger) and a side (fries, with five portions a day; or a salad)."""
    freeze(at(MONDAY, 12, 0))
    burger = MenuItemFactory(title="Burger", price=Decimal("12.00"), allergens=["gluten", "milk"])
    fries = MenuItemFactory(title="Fries", price=Decimal("3.00"), daily_portions=5, allergens=["celery"])
    salad = MenuItemFactory(title="Salad", price=Decimal("4.00"))
    deal = combo_with_slots(
        price="15.00", slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0"), (salad, "0")])]
    )
    return {"burger": burger, "fries": fries, "salad": salad, "deal": deal}


def add_deal(owner, menu, *, side="fries", quantity=1):
    main, side_slot = menu["deal"].slots.all()
    return cart_services.cart_item_add(
        owner=owner,
        menuitem_id=menu["deal"].pk,
        quantity=quantity,
        slots=[{"slot": main.pk, "dish": menu["burger"].pk}, {"slot": side_slot.pk, "dish": menu[side].pk}],
    )[0]


def refused(customer) -> dict:
    """The API's answer to placing the customer's cart: a 400 that wrote nothing."""
    response = api_client_for(customer).post("/api/v1/orders/", {"fulfilment": "pickup"})
    assert response.status_code == 400
    assert nothing_written()
    return response.json()


def menu_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "menu_menuitem" in q["sql"]]


class TestPortions:
    def test_a_component_takes_its_portions_as_when_ordered_alone(self, customer, menu):
        add_deal(customer, menu, quantity=2)

        place(customer, now=at(MONDAY, 12, 0))

        assert portions(menu["fries"]) == (3, MONDAY)
        assert portions(menu["burger"]) == (None, None)  # no limit: never written
        assert portions(menu["deal"]) == (None, None)

    def test_alone_and_inside_combos_one_order_takes_the_sum_in_one_update(self, customer, menu):
        CartLine.objects.create(user=customer, menuitem=menu["fries"], quantity=1, price_when_added=Decimal("3.00"))
        add_deal(customer, menu, quantity=2)
        other_deal = combo_with_slots(title="Snack Deal", price="5.00", slots=[("A side", [(menu["fries"], "0")])])
        cart_services.cart_item_add(
            owner=customer,
            menuitem_id=other_deal.pk,
            quantity=1,
            slots=[{"slot": other_deal.slots.get().pk, "dish": menu["fries"].pk}],
        )

        with CaptureQueriesContext(connection) as queries:
            place(customer, now=at(MONDAY, 12, 0))

        assert portions(menu["fries"]) == (1, MONDAY)  # 1 alone + 2 in the lunch deal + 1 in the snack deal
        [update] = menu_updates(queries.captured_queries)  # one conditional UPDATE, never read-then-write
        assert "portions_left" in update and "WHERE" in update

    def test_too_few_left_is_the_same_clear_400_and_nothing_is_written(self, customer, menu):
        MenuItem.objects.filter(pk=menu["fries"].pk).update(portions_left=2, portions_date=MONDAY)
        CartLine.objects.create(user=customer, menuitem=menu["fries"], quantity=1, price_when_added=Decimal("3.00"))
        add_deal(customer, menu, quantity=2)

        body = refused(customer)

        assert body["code"] == NotEnoughPortions.code
        assert body["detail"] == (
            "Only 2 portions of Fries are left today and your cart asks for 3: lower the quantity to order."
        )
        assert portions(menu["fries"]) == (2, MONDAY)
        assert CartLine.objects.filter(user=customer).count() == 2

    def test_a_component_out_of_portions_is_refused_naming_it(self, customer, menu):
        add_deal(customer, menu)
        MenuItem.objects.filter(pk=menu["fries"].pk).update(portions_left=0, portions_date=MONDAY)

        body = refused(customer)

        assert (body["code"], body["detail"]) == (
            "invalid_options",
            "Fries is sold out for today: choose another side. Change or remove the line to order.",
        )
        assert portions(menu["fries"]) == (0, MONDAY)

    def test_a_sold_out_component_cannot_go_in_the_cart(self, customer, menu):
        MenuItem.objects.filter(pk=menu["fries"].pk).update(portions_left=0, portions_date=MONDAY)

        with pytest.raises(ComboDishNotOffered, match="Fries is sold out for today: choose another side."):
            add_deal(customer, menu)

        assert not CartLine.objects.exists()
        add_deal(customer, menu, side="salad")  # another side is fine
        assert CartLine.objects.count() == 1

    def test_an_archived_component_is_refused(self, customer, menu):
        add_deal(customer, menu, side="salad")
        MenuItem.objects.filter(pk=menu["salad"].pk).update(archived=True)

        with pytest.raises(ComboDishNotOffered, match="Salad is no longer on the menu: choose another side."):
            add_deal(customer, menu, side="salad")
        with pytest.raises(Exception, match="Salad is no longer on the menu"):
            place(customer, now=at(MONDAY, 12, 0))
        assert nothing_written()

    @pytest.mark.parametrize("status", ["rejected", "cancelled"])
    def test_they_come_back_when_the_order_is_rejected_or_cancelled(self, customer, manager, menu, status):
        CartLine.objects.create(user=customer, menuitem=menu["fries"], quantity=1, price_when_added=Decimal("3.00"))
        add_deal(customer, menu, quantity=2)
        order, _ = place(customer, now=at(MONDAY, 12, 0))
        assert portions(menu["fries"]) == (2, MONDAY)

        transitions.order_status_change(order=order, actor=manager, status=status)

        assert portions(menu["fries"]) == (5, MONDAY)
        assert portions(menu["burger"]) == (None, None)

    def test_they_come_back_when_an_unpaid_order_expires(self, customer, menu, freeze, stripe_keys, settings):
        from littlelemon.payments.expiry import unpaid_orders_expire_now

        add_deal(customer, menu, quantity=2)
        order, _ = place(customer, now=at(MONDAY, 12, 0), payment_method="online")
        assert (order.status, portions(menu["fries"])) == ("pending_payment", (3, MONDAY))

        freeze(at(MONDAY, 12, 0) + timedelta(minutes=settings.PAYMENT_EXPIRY_MINUTES + 1))
        assert unpaid_orders_expire_now() == [order.pk]

        order.refresh_from_db()
        assert (order.status, portions(menu["fries"])) == ("expired", (5, MONDAY))

    @pytest.mark.parametrize("size", [1, 5])
    def test_placing_combos_with_limited_components_is_a_fixed_number_of_queries(
        self, client_as, customer, menu, django_assert_num_queries, size
    ):
        for _ in range(size):
            deal = combo_with_slots(
                title="Deal",
                price="15.00",
                slots=[("A main", [(menu["burger"], "0")]), ("A side", [(menu["fries"], "0")])],
            )
            main, side = deal.slots.all()
            cart_services.cart_item_add(
                owner=customer,
                menuitem_id=deal.pk,
                quantity=1,
                slots=[{"slot": main.pk, "dish": menu["burger"].pk}, {"slot": side.pk, "dish": menu["fries"].pk}],
            )

        # the user, the cart, the slots, their dishes, their option groups (none: no choice query),
        # settings, opening hours, closures, windows, the order, ONE UPDATE for the fries whatever
        # the number of lines, the items, the event, the cart emptied, the outbox, the response's
        # items, the roles
        with django_assert_num_queries(17 + savepoints(1)):
            response = client_as(customer).post("/api/v1/orders/", {"fulfilment": "pickup"})

        assert response.status_code == 201, response.json()
        assert portions(menu["fries"]) == (5 - size, MONDAY)


class TestWindows:
    @pytest.fixture
    def breakfast_deal(self, menu):
        """Pancakes, served 07:00-11:00 on weekdays, offered in a deal that has no window of its own."""
        category = CategoryFactory(slug="breakfast", title="Breakfast")
        for weekday in range(5):
            AvailabilityWindow.objects.create(category=category, weekday=weekday, starts=time(7), ends=time(11))
        menu["pancakes"] = MenuItemFactory(title="Pancakes", category=category, price=Decimal("8.00"))
        menu["deal"] = combo_with_slots(
            title="Morning Deal", price="10.00", slots=[("A main", [(menu["pancakes"], "0"), (menu["burger"], "0")])]
        )
        return menu

    def add(self, customer, menu, dish):
        return cart_services.cart_item_add(
            owner=customer,
            menuitem_id=menu["deal"].pk,
            quantity=1,
            slots=[{"slot": menu["deal"].slots.get().pk, "dish": menu[dish].pk}],
        )

    def test_a_component_outside_its_window_is_refused_naming_it_and_the_combo(self, customer, breakfast_deal):
        self.add(customer, breakfast_deal, "pancakes")

        body = refused(customer)

        assert body["code"] == OutsideWindow.code
        assert body["detail"] == (
            "Not served now: Pancakes in Morning Deal (tomorrow from 07:00). Remove it, or schedule the order "
            "for a time when served."
        )

    def test_scheduled_in_the_components_window_it_is_placed(self, customer, breakfast_deal):
        self.add(customer, breakfast_deal, "pancakes")

        order, created = place(customer, now=at(MONDAY, 12, 0), scheduled_for=at(MONDAY + timedelta(days=1), 8, 0))

        assert created and order.items.get().options[0]["dish"] == "Pancakes"

    def test_another_component_served_now_is_placed(self, customer, breakfast_deal):
        self.add(customer, breakfast_deal, "burger")

        order, created = place(customer, now=at(MONDAY, 12, 0))

        assert created and order.items.get().title == "Morning Deal"

    def test_the_cart_says_a_component_is_not_served_now(self, client, customer, breakfast_deal):
        self.add(customer, breakfast_deal, "pancakes")
        client.force_login(customer)

        page = client.get("/cart/").content.decode()

        assert (
            "Not served now: Pancakes in this deal, tomorrow from 07:00. Schedule the order for then, or remove it."
            in page
        )

    def test_the_cart_has_nothing_to_say_when_the_components_are_served(self, client, customer, breakfast_deal):
        self.add(customer, breakfast_deal, "burger")
        client.force_login(customer)

        page = client.get("/cart/").content.decode()

        assert "Morning Deal" in page and "Not served now" not in page
