"""Placing an order against the menu's time windows and daily portions (menu.windows,
menu.portions): refusals name the dish and leave nothing written; portions reset with the local
date and come back when an order is rejected or cancelled."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from conftest import api_client_for
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.exceptions import NotEnoughPortions, OutsideWindow
from littlelemon.menu.models import AvailabilityWindow, MenuItem
from littlelemon.menu.portions import portions_release
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.orders import placement, transitions
from littlelemon.orders.enums import Fulfilment
from littlelemon.orders.exceptions import InvalidSchedule, ItemUnavailable
from littlelemon.orders.models import Order, OrderEvent, OrderItem

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 6, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def place(customer, **kwargs):
    kwargs.setdefault("fulfilment", Fulfilment.PICKUP)
    return placement.order_place(customer=customer, **kwargs)


def nothing_written() -> bool:
    return not (
        Order.objects.exists()
        or OrderItem.objects.exists()
        or OrderEvent.objects.exists()
        or OutboxEvent.objects.filter(type="order.placed").exists()
    )


def portions(dish: MenuItem) -> tuple:
    dish.refresh_from_db()
    return dish.portions_left, dish.portions_date


@pytest.fixture
def breakfast():
    """Eggs in a breakfast category served 07:00-11:00 Monday to Friday; soup with no window."""
    category = CategoryFactory(slug="breakfast", title="Breakfast")
    for weekday in range(5):
        AvailabilityWindow.objects.create(category=category, weekday=weekday, starts=time(7), ends=time(11))
    return MenuItemFactory(title="Eggs Benedict", category=category)


class TestWindows:
    def test_asap_outside_the_window_is_refused_naming_the_dish_and_nothing_is_written(
        self, customer, breakfast, freeze
    ):
        now = freeze(at(MONDAY, 11, 30))
        CartLineFactory(user=customer, menuitem=breakfast)
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Soup"))

        with pytest.raises(OutsideWindow) as refused:
            place(customer, now=now)

        assert refused.value.message == (
            "Not served now: Eggs Benedict (tomorrow from 07:00). Remove it, or schedule the order for a time "
            "when served."
        )
        assert refused.value.extra == {"unavailable": [{"menuitem": breakfast.pk, "title": "Eggs Benedict"}]}
        assert nothing_written()
        assert CartLine.objects.filter(user=customer).count() == 2

    def test_inside_the_window_it_is_placed(self, customer, breakfast, freeze):
        now = freeze(at(MONDAY, 10, 59))
        CartLineFactory(user=customer, menuitem=breakfast)

        order, created = place(customer, now=now)

        assert created and order.items.get().title == "Eggs Benedict"

    def test_a_scheduled_order_is_judged_at_its_scheduled_time(self, customer, breakfast, freeze):
        now = freeze(at(MONDAY, 20, 0))  # breakfast is over for today
        CartLineFactory(user=customer, menuitem=breakfast)

        order, created = place(customer, now=now, scheduled_for=at(MONDAY + timedelta(days=1), 8, 0))
        assert created

    def test_a_scheduled_time_outside_the_window_is_refused_on_that_field(self, customer, breakfast, freeze):
        now = freeze(at(MONDAY, 8, 0))  # served now, but not at the time chosen
        CartLineFactory(user=customer, menuitem=breakfast)

        with pytest.raises(OutsideWindow) as refused:
            place(customer, now=now, scheduled_for=at(MONDAY, 12, 0))

        assert refused.value.field == "scheduled_for"
        assert "Eggs Benedict (tomorrow from 07:00)" in refused.value.message
        assert nothing_written()

    def test_the_api_answers_400_naming_the_dish(self, customer, breakfast, freeze):
        freeze(at(MONDAY, 6, 0))
        CartLineFactory(user=customer, menuitem=breakfast)

        response = api_client_for(customer).post("/api/v1/orders/", {"fulfilment": "pickup"})

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "item_not_served_then"
        assert "Eggs Benedict (from 07:00)" in body["detail"]
        assert nothing_written()


class TestPortions:
    def test_placing_takes_portions_and_the_last_one_sells_out(self, customer, freeze):
        now = freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(title="Daily Special", daily_portions=3)
        CartLineFactory(user=customer, menuitem=special, quantity=3)

        place(customer, now=now)

        assert portions(special) == (0, MONDAY)
        assert special.sold_out and not special.orderable
        menu = api_client_for().get(f"/api/v1/menu-items/{special.pk}/").json()
        assert (menu["available"], menu["portions_left"], menu["daily_portions"]) == (False, 0, 3)

    def test_asking_for_more_than_is_left_is_refused_naming_the_dish_and_nothing_is_written(self, customer, freeze):
        now = freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=2, portions_date=MONDAY)
        other = MenuItemFactory(title="Lemonade", daily_portions=10)
        CartLineFactory(user=customer, menuitem=other, quantity=1)  # taken first (lower pk), then given back
        CartLineFactory(user=customer, menuitem=special, quantity=3)

        with pytest.raises(NotEnoughPortions) as refused:
            place(customer, now=now)

        assert refused.value.message == (
            "Only 2 portions of Daily Special are left today and your cart asks for 3: lower the quantity to order."
        )
        assert refused.value.extra["portions_left"] == 2
        assert nothing_written()
        assert portions(special) == (2, MONDAY)
        assert portions(other) == (None, None)  # the whole placement rolled back
        assert CartLine.objects.filter(user=customer).count() == 2

    def test_a_dish_out_of_portions_is_refused_as_sold_out_before_anything(self, customer, freeze):
        now = freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=0, portions_date=MONDAY)
        CartLineFactory(user=customer, menuitem=special, quantity=1)

        with pytest.raises(ItemUnavailable, match="Daily Special is sold out"):
            place(customer, now=now)
        assert nothing_written()

    def test_the_count_starts_again_on_a_new_local_day(self, customer, freeze):
        special = MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=0, portions_date=MONDAY)
        freeze(at(MONDAY, 23, 59))
        assert special.portions_left_today == 0

        # 00:30 in Chicago is already Tuesday there (05:30 UTC): the full five again, untouched.
        tuesday = freeze(at(MONDAY + timedelta(days=1), 0, 30))
        assert special.portions_left_today == 5
        assert api_client_for().get(f"/api/v1/menu-items/{special.pk}/").json()["available"] is True
        CartLineFactory(user=customer, menuitem=special, quantity=2)

        place(customer, now=tuesday)

        assert portions(special) == (3, MONDAY + timedelta(days=1))

    def test_an_unlimited_dish_is_never_written(self, customer, freeze, django_assert_num_queries):
        now = freeze(at(MONDAY, 12, 0))
        dish = MenuItemFactory(daily_portions=None)
        CartLineFactory(user=customer, menuitem=dish, quantity=99)

        place(customer, now=now)

        assert portions(dish) == (None, None)

    @pytest.mark.parametrize("status", ["rejected", "cancelled"])
    def test_portions_come_back_when_the_order_is_rejected_or_cancelled(self, customer, manager, freeze, status):
        now = freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(title="Daily Special", daily_portions=5)
        CartLineFactory(user=customer, menuitem=special, quantity=2)
        order, _ = place(customer, now=now)
        assert portions(special) == (3, MONDAY)

        transitions.order_status_change(order=order, actor=manager, status=status)

        assert portions(special) == (5, MONDAY)

    def test_an_unpaid_order_that_expires_gives_them_back(self, customer, freeze, stripe_keys, settings):
        from littlelemon.payments.expiry import unpaid_orders_expire_now

        now = freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(daily_portions=5)
        CartLineFactory(user=customer, menuitem=special, quantity=2)
        order, _ = place(customer, now=now, payment_method="online")
        assert (order.status, portions(special)) == ("pending_payment", (3, MONDAY))

        freeze(now + timedelta(minutes=settings.PAYMENT_EXPIRY_MINUTES + 1))
        assert unpaid_orders_expire_now() == [order.pk]

        order.refresh_from_db()
        assert (order.status, portions(special)) == ("expired", (5, MONDAY))

    def test_a_customer_cancelling_gives_them_back_too(self, customer, freeze):
        now = freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(daily_portions=5)
        CartLineFactory(user=customer, menuitem=special, quantity=4)
        order, _ = place(customer, now=now)

        response = api_client_for(customer).post(f"/api/v1/orders/{order.pk}/status/", {"status": "cancelled"})

        assert response.status_code == 200
        assert portions(special) == (5, MONDAY)

    def test_yesterdays_portions_are_not_given_to_today(self, customer, manager, freeze):
        now = freeze(at(MONDAY, 21, 0))
        special = MenuItemFactory(daily_portions=5)
        CartLineFactory(user=customer, menuitem=special, quantity=2)
        order, _ = place(customer, now=now)
        tuesday = MONDAY + timedelta(days=1)
        MenuItem.objects.filter(pk=special.pk).update(portions_left=1, portions_date=tuesday)

        freeze(at(tuesday, 9, 0))
        transitions.order_status_change(order=order, actor=manager, status="rejected")

        assert portions(special) == (1, tuesday)

    def test_release_never_passes_the_daily_allowance(self, customer, freeze):
        now = freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(daily_portions=5)
        CartLineFactory(user=customer, menuitem=special, quantity=2)
        order, _ = place(customer, now=now)
        MenuItem.objects.filter(pk=special.pk).update(portions_left=4)  # a manager gave some back by hand

        portions_release(order)

        assert portions(special) == (5, MONDAY)

    def test_a_sold_out_dish_cannot_be_added_to_a_cart(self, customer, freeze):
        freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=0, portions_date=MONDAY)

        response = api_client_for(customer).post("/api/v1/cart/items/", {"menuitem": special.pk, "quantity": 1})

        assert response.status_code == 400
        assert response.json()["detail"] == "Daily Special is sold out for today."
        assert not CartLine.objects.exists()

    def test_the_menu_filter_available_leaves_out_dishes_out_of_portions(self, freeze):
        freeze(at(MONDAY, 12, 0))
        gone = MenuItemFactory(daily_portions=5, portions_left=0, portions_date=MONDAY)
        yesterday = MenuItemFactory(daily_portions=5, portions_left=0, portions_date=MONDAY - timedelta(days=1))
        plain = MenuItemFactory()

        client = api_client_for()
        shown = {item["id"] for item in client.get("/api/v1/menu-items/?available=true").json()["results"]}
        hidden = {item["id"] for item in client.get("/api/v1/menu-items/?available=false").json()["results"]}

        assert shown == {yesterday.pk, plain.pk}
        assert hidden == {gone.pk}


def test_the_menu_page_shows_sold_out_and_when_a_dish_is_served(client, breakfast, freeze):
    freeze(at(MONDAY, 12, 0))
    MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=0, portions_date=MONDAY)
    MenuItemFactory(title="Lemon Tart", daily_portions=8, portions_left=3, portions_date=MONDAY)

    page = client.get("/menu/").content.decode()

    assert "Served tomorrow from 07:00" in page
    assert "3 left today" in page
    assert page.count("badge--sold-out") == 1


def test_the_scheduled_window_check_comes_after_the_opening_hours(customer, breakfast, freeze):
    """A time the restaurant cannot take is refused as such first (InvalidSchedule)."""
    now = freeze(at(MONDAY, 8, 0))
    CartLineFactory(user=customer, menuitem=breakfast)
    with pytest.raises(InvalidSchedule):
        place(customer, now=now, scheduled_for=now - timedelta(hours=1))
    assert nothing_written()


def test_the_cart_says_when_a_line_is_no_longer_orderable(client, customer, breakfast, freeze):
    freeze(at(MONDAY, 12, 0))
    special = MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=0, portions_date=MONDAY)
    CartLineFactory(user=customer, menuitem=breakfast)
    CartLineFactory(user=customer, menuitem=special)
    client.force_login(customer)

    page = client.get("/cart/").content.decode()
    api = api_client_for(customer).get("/api/v1/cart/").json()

    assert "Not served now: tomorrow from 07:00. Schedule the order for then, or remove it." in page
    assert "Sold out since you added it: remove it to order." in page
    assert [(item["title"], item["available"]) for item in api["items"]] == [
        ("Eggs Benedict", True),
        ("Daily Special", False),
    ]


class TestManagersEditingADish:
    def test_saving_a_dish_read_earlier_keeps_the_days_count(self, freeze):
        freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(daily_portions=5)
        stale = MenuItem.objects.get(pk=special.pk)
        MenuItem.objects.filter(pk=special.pk).update(portions_left=2, portions_date=MONDAY)  # placements since

        stale.price = Decimal("21.00")
        stale.save()

        assert portions(special) == (2, MONDAY)

    @pytest.mark.parametrize(("after", "left"), [(8, 5), (3, 0), (None, None)])
    def test_changing_the_allowance_moves_todays_count(self, manager, freeze, after, left):
        freeze(at(MONDAY, 12, 0))
        special = MenuItemFactory(daily_portions=5, portions_left=2, portions_date=MONDAY)

        response = api_client_for(manager).patch(
            f"/api/v1/menu-items/{special.pk}/", {"daily_portions": after}, format="json"
        )

        assert response.status_code == 200, response.json()
        assert response.json()["portions_left"] == left
        special.refresh_from_db()
        assert (special.daily_portions, special.portions_left_today) == (after, left)
