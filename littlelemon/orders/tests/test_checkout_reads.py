"""What the cart and checkout pages read before an order exists: the quote (the very totals and
refusals `order_place` applies), the times an order can be placed for, an order with its
timeline, the last delivery address; and the lifecycle's happy paths."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from littlelemon.cart.models import GuestCart
from littlelemon.cart.selectors import cart_get
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import lifecycle, placement, pricing, selectors
from littlelemon.orders.enums import Fulfilment, OrderStatus
from littlelemon.orders.exceptions import BelowMinimum, InvalidSchedule, ItemUnavailable, OrderNotFound
from littlelemon.restaurant.selectors import restaurant_settings_get, schedule_load
from littlelemon.restaurant.services import restaurant_settings_update
from littlelemon.restaurant.tests.factories import ClosureFactory, OpeningHoursFactory

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 6, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def local_times(times) -> list[str]:
    return [f"{moment.astimezone(CHICAGO):%a %H:%M}" for moment in times]


class TestQuote:
    @pytest.mark.parametrize("fulfilment", ["delivery", "pickup"])
    def test_the_quote_is_what_the_order_charges(self, customer, fulfilment):
        restaurant_settings_update(data={"tax_rate": Decimal("10.250"), "delivery_fee": Decimal("4.99")})
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("12.99")), quantity=2)
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("7.25")), quantity=1)

        quote = pricing.order_quote(
            lines=cart_get(owner=customer).lines,
            fulfilment=fulfilment,
            tip=Decimal("5"),
            settings=restaurant_settings_get(),
        )
        order, _ = placement.order_place(
            customer=customer, fulfilment=fulfilment, delivery_address="1 Lemon St", tip=Decimal("5")
        )

        assert quote.totals == pricing.Totals(order.subtotal, order.delivery_fee, order.tax, order.tip, order.total)
        assert quote.line_prices == [Decimal("25.98"), Decimal("7.25")]
        assert (quote.unavailable, quote.short_of_minimum, quote.currency) == ([], Decimal("0.00"), "USD")
        quote.check()  # nothing stops it

    def test_a_guest_cart_is_quoted_the_same_way(self, customer):
        restaurant_settings_update(data={"tax_rate": Decimal("10"), "delivery_fee": Decimal("5.00")})
        dish = MenuItemFactory(price=Decimal("9.99"))
        CartLineFactory(user=customer, menuitem=dish, quantity=3)
        settings = restaurant_settings_get()

        guest_cart = GuestCart.objects.create()
        CartLineFactory(user=None, guest_cart=guest_cart, menuitem=dish, quantity=3)

        guest = pricing.order_quote(lines=cart_get(owner=guest_cart).lines, fulfilment="delivery", settings=settings)
        account = pricing.order_quote(lines=cart_get(owner=customer).lines, fulfilment="delivery", settings=settings)

        assert guest == account
        assert guest.totals.total == Decimal("38.47")  # 29.97 + 5.00 + 3.50 (10% of 34.97, half up)

    def test_under_the_minimum_it_says_by_how_much(self, customer):
        restaurant_settings_update(data={"minimum_order": Decimal("15.00")})
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("5.50")), quantity=2)

        quote = pricing.order_quote(
            lines=cart_get(owner=customer).lines, fulfilment="pickup", settings=restaurant_settings_get()
        )

        assert quote.short_of_minimum == Decimal("4.00")
        with pytest.raises(BelowMinimum) as error:
            quote.check()
        assert error.value.message == (
            "The minimum order is 15.00 USD and your subtotal is 11.00 USD: add 4.00 USD more to order."
        )

    def test_sold_out_dishes_are_named_first(self, customer):
        restaurant_settings_update(data={"minimum_order": Decimal("100.00")})
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Moussaka", available=False))
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))

        quote = pricing.order_quote(
            lines=cart_get(owner=customer).lines, fulfilment="pickup", settings=restaurant_settings_get()
        )

        assert [item.title for item in quote.unavailable] == ["Moussaka"]
        with pytest.raises(ItemUnavailable, match="^Moussaka is sold out: remove it from your cart to order.$"):
            quote.check()

    def test_no_query(self, customer, django_assert_num_queries):
        lines, settings = cart_get(owner=CartLineFactory(user=customer).user).lines, restaurant_settings_get()

        with django_assert_num_queries(0):
            pricing.order_quote(lines=lines, fulfilment="delivery", settings=settings)


@pytest.fixture
def dinner_only(db):
    """Open every day 17:00-22:00; orders stop 15 minutes before closing (the default cut-off)."""
    for weekday in range(7):
        OpeningHoursFactory(weekday=weekday, opens=time(17), closes=time(22))


class TestOrderTimes:
    def test_while_closed_it_says_when_it_opens_and_offers_times_inside_the_hours(self, dinner_only):
        times = selectors.order_times(now=at(MONDAY, 9), days=2)

        assert times.asap is False
        assert times.next_opening == at(MONDAY, 17)
        offered = local_times(times.scheduled)
        assert offered[:3] == ["Mon 17:00", "Mon 17:15", "Mon 17:30"]
        # The cut-off: orders stop 15 minutes before closing, so 21:45 is the last time of a day.
        assert offered[18:22] == ["Mon 21:30", "Mon 21:45", "Tue 17:00", "Tue 17:15"]
        assert offered[-1] == "Tue 21:45"
        assert len(offered) == 2 * 5 * 4

    def test_while_open_asap_and_the_grid_starts_half_an_hour_ahead(self, dinner_only):
        times = selectors.order_times(now=at(MONDAY, 18, 7), days=1)

        assert (times.asap, times.next_opening) == (True, None)
        assert local_times(times.scheduled)[:2] == ["Mon 18:45", "Mon 19:00"]
        assert local_times(times.scheduled)[-1] == "Mon 21:45"

    def test_after_the_cut_off_no_asap(self, dinner_only):
        times = selectors.order_times(now=at(MONDAY, 21, 50), days=2)

        assert times.asap is False
        assert times.next_opening == at(MONDAY + timedelta(days=1), 17)
        assert local_times(times.scheduled)[0] == "Tue 17:00"

    def test_closures_offer_nothing_that_day(self, dinner_only):
        ClosureFactory(date=MONDAY + timedelta(days=1))

        times = selectors.order_times(now=at(MONDAY, 9), days=3)

        assert {moment.astimezone(CHICAGO).date() for moment in times.scheduled} == {MONDAY, MONDAY + timedelta(days=2)}

    def test_with_no_hours_any_quarter_hour_from_half_an_hour_ahead(self, db):
        times = selectors.order_times(now=at(MONDAY, 23, 40), days=1)

        assert times.asap is True
        assert times.scheduled == []  # the first day ends at midnight; 00:15 is on the next
        times = selectors.order_times(now=at(MONDAY, 23, 40), days=2)
        assert local_times(times.scheduled)[:2] == ["Tue 00:15", "Tue 00:30"]
        assert len(times.scheduled) == 24 * 4 - 1

    def test_every_offered_time_is_one_order_place_accepts(self, dinner_only, customer):
        now = at(MONDAY, 16)
        times = selectors.order_times(now=now, days=2)
        for moment in (times.scheduled[0], times.scheduled[-1]):
            CartLineFactory(user=customer)
            order, _ = placement.order_place(customer=customer, fulfilment="pickup", scheduled_for=moment, now=now)
            assert order.scheduled_for == moment
        CartLineFactory(user=customer)
        with pytest.raises(InvalidSchedule):
            placement.order_place(
                customer=customer,
                fulfilment="pickup",
                scheduled_for=times.scheduled[-1] + timedelta(minutes=15),
                now=now,
            )

    def test_three_queries_or_none_given_the_schedule_and_settings(self, dinner_only, django_assert_num_queries):
        with django_assert_num_queries(3):
            selectors.order_times(now=at(MONDAY, 9))
        schedule = schedule_load()
        settings = restaurant_settings_get()
        with django_assert_num_queries(0):
            selectors.order_times(now=at(MONDAY, 9), schedule=schedule, settings=settings)


class TestOrderWithTimeline:
    def test_the_order_its_events_oldest_first_and_its_items(self, customer, django_assert_num_queries):
        order = OrderFactory(customer=customer, items=3)
        order.events.create(kind="status_changed", from_status="placed", to_status="accepted")

        with django_assert_num_queries(4):  # roles, the order, its items, its events
            found = selectors.order_with_timeline_get(user=customer, order_id=order.pk)
            assert [event.to_status for event in found.events.all()] == ["placed", "accepted"]
            assert len(found.items.all()) == 3

    def test_without_items_for_a_status_poll(self, customer, django_assert_num_queries):
        order = OrderFactory(customer=customer, items=3)

        with django_assert_num_queries(3):  # roles, the order, its events
            found = selectors.order_with_timeline_get(user=customer, order_id=order.pk, items=False)
            assert [event.to_status for event in found.events.all()] == ["placed"]

    def test_someone_elses_order_is_not_found(self, customer, other_customer):
        order = OrderFactory(customer=other_customer)

        with pytest.raises(OrderNotFound):
            selectors.order_with_timeline_get(user=customer, order_id=order.pk)


def test_the_last_delivery_address_is_offered_again(customer, other_customer):
    assert selectors.order_last_delivery_address(user=customer) == ""
    OrderFactory(customer=customer, delivery_address="1 Old Road")
    OrderFactory(customer=customer, delivery_address="2 New Street")
    OrderFactory(customer=customer, fulfilment="pickup")
    OrderFactory(customer=other_customer, delivery_address="3 Their Lane")

    assert selectors.order_last_delivery_address(user=customer) == "2 New Street"


@pytest.mark.parametrize("fulfilment", list(Fulfilment))
def test_each_happy_path_is_a_run_of_allowed_steps_to_a_finish(fulfilment):
    path = lifecycle.PATHS[fulfilment]

    assert path[0] == OrderStatus.PLACED
    for source, target in zip(path, path[1:], strict=False):
        order = OrderFactory.build(status=source, fulfilment=fulfilment)
        assert target in lifecycle.next_statuses(order)
    assert lifecycle.next_statuses(OrderFactory.build(status=path[-1], fulfilment=fulfilment)) == []
