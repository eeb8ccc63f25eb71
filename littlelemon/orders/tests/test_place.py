"""Placing an order (the service): totals to the cent, snapshots, the rules that refuse an order
(and leave nothing behind), idempotency, and scheduling against hours, closures, the cut-off and
daylight saving."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.core.exceptions import InvalidInput
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import placement, pricing
from littlelemon.orders.enums import Fulfilment
from littlelemon.orders.exceptions import (
    BelowMinimum,
    CartEmpty,
    DeliveryAddressRequired,
    IdempotencyKeyReused,
    InvalidSchedule,
    ItemUnavailable,
    RestaurantClosed,
)
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.restaurant.selectors import restaurant_settings_get
from littlelemon.restaurant.services import restaurant_settings_update
from littlelemon.restaurant.tests.factories import ClosureFactory, OpeningHoursFactory, open_every_day

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 6, 1)


def at(day: date, hour: int, minute: int = 0, second: int = 0, *, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=CHICAGO).replace(fold=fold)


def configure(**values) -> None:
    restaurant_settings_update(data=values)


def place(customer, **kwargs):
    kwargs.setdefault("fulfilment", Fulfilment.PICKUP)
    return placement.order_place(customer=customer, **kwargs)


def nothing_written() -> bool:
    return not (Order.objects.exists() or OrderItem.objects.exists() or OrderEvent.objects.exists()) and not (
        OutboxEvent.objects.exists()
    )


class TestTotals:
    def test_a_delivery_order_with_tax_fee_and_tip_to_the_cent(self, customer):
        configure(tax_rate=Decimal("10.250"), delivery_fee=Decimal("4.99"), minimum_order=Decimal("15.00"))
        CartLineFactory(
            user=customer, menuitem=MenuItemFactory(title="Greek Salad", price=Decimal("12.99")), quantity=2
        )
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Falafel", price=Decimal("7.25")), quantity=1)

        order, created = place(
            customer, fulfilment="delivery", delivery_address="  1 Lemon St  ", tip=Decimal("5"), notes=" Ring twice "
        )

        assert created
        order.refresh_from_db()
        # 2 × 12.99 + 7.25 = 33.23; tax 10.25% of (33.23 + 4.99) = 3.91755 -> 3.92; tip untaxed.
        assert (order.subtotal, order.delivery_fee, order.tax, order.tip, order.total) == (
            Decimal("33.23"),
            Decimal("4.99"),
            Decimal("3.92"),
            Decimal("5.00"),
            Decimal("47.14"),
        )
        assert (order.status, order.payment_method, order.payment_status) == ("placed", "cash", "pending")
        assert (order.delivery_address, order.notes, order.scheduled_for) == ("1 Lemon St", "Ring twice", None)
        assert list(order.items.values_list("title", "unit_price", "quantity", "price")) == [
            ("Greek Salad", Decimal("12.99"), 2, Decimal("25.98")),
            ("Falafel", Decimal("7.25"), 1, Decimal("7.25")),
        ]

    def test_tax_rounds_half_up_not_to_even(self, customer):
        configure(tax_rate=Decimal("5"))
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("10.10")))

        order, _ = place(customer)

        # 5% of 10.10 is 0.505: half up gives 0.51 (banker's rounding would give 0.50).
        assert (order.tax, order.total) == (Decimal("0.51"), Decimal("10.61"))

    @pytest.mark.parametrize(
        ("prices", "fulfilment", "fee", "rate", "tip", "expected"),
        [
            ([Decimal("10.00")], "pickup", "4.99", "0", "0", ("10.00", "0.00", "0.00", "0.00", "10.00")),
            ([Decimal("10.00")], "delivery", "4.99", "0", "0", ("10.00", "4.99", "0.00", "0.00", "14.99")),
            ([Decimal("0.01")], "pickup", "0", "49.999", "0", ("0.01", "0.00", "0.00", "0.00", "0.01")),
            ([Decimal("0.01")], "pickup", "0", "50", "0", ("0.01", "0.00", "0.01", "0.00", "0.02")),
            (
                [Decimal("1.99"), Decimal("2.99")],
                "delivery",
                "1.01",
                "8.875",
                "2.50",
                ("4.98", "1.01", "0.53", "2.50", "9.02"),
            ),
            (
                [Decimal("99999.99") * 99],
                "pickup",
                "0",
                "100",
                "9999.99",
                ("9899999.01", "0.00", "9899999.01", "9999.99", "19809998.01"),
            ),
        ],
    )
    def test_order_totals(self, prices, fulfilment, fee, rate, tip, expected):
        settings = restaurant_settings_get()
        settings.delivery_fee, settings.tax_rate = Decimal(fee), Decimal(rate)

        totals = pricing.order_totals(line_prices=prices, fulfilment=fulfilment, tip=Decimal(tip), settings=settings)

        assert (totals.subtotal, totals.delivery_fee, totals.tax, totals.tip, totals.total) == tuple(
            map(Decimal, expected)
        )

    def test_prices_are_re_read_when_placing_and_snapshotted_in_the_order(self, customer):
        dish = MenuItemFactory(title="Moussaka", price=Decimal("18.50"))
        CartLineFactory(user=customer, menuitem=dish, quantity=1)  # added at 18.50
        dish.price = Decimal("19.75")
        dish.save()

        order, _ = place(customer)
        dish.title, dish.price = "Moussaka (new recipe)", Decimal("25.00")
        dish.save()

        item = OrderItem.objects.get(order=order)
        assert (item.title, item.unit_price, order.subtotal) == ("Moussaka", Decimal("19.75"), Decimal("19.75"))

    def test_a_pickup_order_has_no_fee_and_no_address(self, customer):
        configure(delivery_fee=Decimal("4.99"))
        CartLineFactory(user=customer)

        order, _ = place(customer, fulfilment="pickup", delivery_address="ignored for pickup")

        assert (order.delivery_fee, order.delivery_address) == (Decimal("0.00"), "")

    def test_the_minimum_compares_the_subtotal_only(self, customer):
        configure(minimum_order=Decimal("15.00"), delivery_fee=Decimal("4.99"), tax_rate=Decimal("10"))
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("15.00")))

        order, _ = place(customer, fulfilment="delivery", delivery_address="1 Lemon St")

        assert order.subtotal == Decimal("15.00")


class TestPlacementRecords:
    def test_the_cart_is_emptied_and_the_timeline_and_outbox_written(self, customer, other_customer):
        configure(tax_rate=Decimal("10"))
        line = CartLineFactory(
            user=customer, menuitem=MenuItemFactory(title="Hummus", price=Decimal("6.50")), quantity=3
        )
        theirs = CartLineFactory(user=other_customer)

        order, _ = place(customer, fulfilment="delivery", delivery_address="1 Lemon St", payment_method="card")

        assert list(CartLine.objects.all()) == [theirs]
        event = OrderEvent.objects.get(order=order)
        assert (event.kind, event.from_status, event.to_status, event.actor, event.note) == (
            "placed",
            "",
            "placed",
            customer,
            "",
        )
        outbox = OutboxEvent.objects.get()
        assert (outbox.type, outbox.aggregate, outbox.aggregate_id) == ("order.placed", "order", str(order.pk))
        assert outbox.payload == {
            "order_id": order.pk,
            "customer_id": customer.pk,
            "status": "placed",
            "fulfilment": "delivery",
            "scheduled_for": None,
            "delivery_address": "1 Lemon St",
            "payment_method": "card",
            "payment_status": "pending",
            "currency": "USD",
            "subtotal": "19.50",
            "delivery_fee": "0.00",
            "tax": "1.95",
            "tip": "0.00",
            "total": "21.45",
            "items": [
                {
                    "menuitem_id": line.menuitem_id,
                    "title": "Hummus",
                    "quantity": 3,
                    "unit_price": "6.50",
                    "price": "19.50",
                    "options": [],
                }
            ],
            "placed_at": outbox.payload["placed_at"],
        }
        # DjangoJSONEncoder writes milliseconds
        assert datetime.fromisoformat(outbox.payload["placed_at"]) == order.created.replace(
            microsecond=order.created.microsecond // 1000 * 1000
        )


class TestRefusals:
    def test_an_empty_cart(self, customer, other_customer):
        CartLineFactory(user=other_customer)

        with pytest.raises(CartEmpty, match="Your cart is empty"):
            place(customer)

        assert nothing_written()

    def test_a_sold_out_dish_is_named_and_nothing_is_written(self, customer):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))
        moussaka = MenuItemFactory(title="Moussaka", available=False)
        baklava = MenuItemFactory(title="Baklava", available=False)
        CartLineFactory(user=customer, menuitem=moussaka)
        CartLineFactory(user=customer, menuitem=baklava)

        with pytest.raises(ItemUnavailable) as error:
            place(customer)

        assert error.value.message == "Moussaka and Baklava are sold out: remove them from your cart to order."
        assert error.value.extra == {
            "unavailable": [
                {"menuitem": moussaka.pk, "title": "Moussaka"},
                {"menuitem": baklava.pk, "title": "Baklava"},
            ]
        }
        assert nothing_written()
        assert CartLine.objects.filter(user=customer).count() == 3

    def test_below_the_minimum_says_the_minimum_the_subtotal_and_by_how_much(self, customer):
        configure(minimum_order=Decimal("15.00"))
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("14.99")))

        with pytest.raises(BelowMinimum) as error:
            place(customer)

        assert error.value.message == (
            "The minimum order is 15.00 USD and your subtotal is 14.99 USD: add 0.01 USD more to order."
        )
        assert error.value.extra == {"minimum_order": "15.00", "subtotal": "14.99", "short_by": "0.01"}
        assert nothing_written()
        assert CartLine.objects.filter(user=customer).count() == 1

    @pytest.mark.parametrize("address", ["", "   "])
    def test_a_delivery_needs_an_address(self, customer, address):
        CartLineFactory(user=customer)

        with pytest.raises(DeliveryAddressRequired) as error:
            place(customer, fulfilment="delivery", delivery_address=address)

        assert (error.value.code, error.value.field) == ("delivery_address_required", "delivery_address")
        assert nothing_written()

    @pytest.mark.parametrize("tip", [Decimal("-0.01"), Decimal("10000.00")])
    def test_a_tip_between_0_and_9999_99(self, customer, tip):
        CartLineFactory(user=customer)

        with pytest.raises(InvalidInput) as error:
            place(customer, tip=tip)

        assert error.value.field == "tip"
        assert nothing_written()

    def test_an_overlong_idempotency_key(self, customer):
        CartLineFactory(user=customer)

        with pytest.raises(InvalidInput):
            place(customer, idempotency_key="k" * 256)

        assert nothing_written()


class TestIdempotency:
    def test_the_same_key_and_request_return_the_first_order(self, customer):
        CartLineFactory(user=customer)
        first, created = place(customer, idempotency_key="abc-123", tip=Decimal("1"))
        later_line = CartLineFactory(user=customer)  # the customer carries on shopping

        again, created_again = place(customer, idempotency_key="abc-123", tip=Decimal("1.00"))

        assert (created, created_again) == (True, False)
        assert again.pk == first.pk
        assert Order.objects.count() == 1
        assert list(CartLine.objects.filter(user=customer)) == [later_line]
        assert OutboxEvent.objects.filter(type="order.placed").count() == 1

    def test_the_same_key_with_a_different_request_is_refused(self, customer):
        CartLineFactory(user=customer)
        first, _ = place(customer, idempotency_key="abc-123")
        CartLineFactory(user=customer)

        with pytest.raises(IdempotencyKeyReused) as error:
            place(customer, idempotency_key="abc-123", notes="different")

        assert error.value.http_status == 409
        assert error.value.extra == {"order": first.pk}
        assert Order.objects.count() == 1

    def test_keys_belong_to_one_customer(self, customer, other_customer):
        CartLineFactory(user=customer)
        CartLineFactory(user=other_customer)

        mine, _ = place(customer, idempotency_key="same")
        theirs, created = place(other_customer, idempotency_key="same")

        assert created
        assert mine.pk != theirs.pk

    def test_the_fingerprint_ignores_formatting_but_not_meaning(self):
        moment = at(MONDAY, 12)
        base = {
            "fulfilment": "delivery",
            "delivery_address": "1 Lemon St",
            "scheduled_for": moment,
            "tip": Decimal("1"),
            "notes": "",
            "payment_method": "cash",
        }

        same = placement.request_fingerprint(
            **base | {"tip": Decimal("1.00"), "scheduled_for": moment.astimezone(ZoneInfo("UTC"))}
        )
        different = placement.request_fingerprint(**base | {"scheduled_for": moment + timedelta(minutes=15)})

        assert placement.request_fingerprint(**base) == same != different


class TestScheduling:
    """Opening 11:00-22:00 every day, 15 minutes' order cut-off (the default), in Chicago."""

    @pytest.fixture(autouse=True)
    def _hours(self, customer):
        open_every_day(time(11), time(22))
        CartLineFactory(user=customer)

    def test_asap_while_taking_orders(self, customer):
        order, _ = place(customer, now=at(MONDAY, 21, 45))

        assert order.scheduled_for is None

    def test_asap_while_closed_says_when_it_opens(self, customer):
        with pytest.raises(RestaurantClosed) as error:
            place(customer, now=at(MONDAY, 23))

        assert error.value.message == (
            "We are not taking orders right now (the restaurant is closed); we open again tomorrow at 11:00. "
            "You can also schedule the order."
        )
        assert error.value.extra == {"opens_at": at(MONDAY + timedelta(days=1), 11).isoformat()}
        assert nothing_written()

    def test_asap_within_the_cut_off_is_refused(self, customer):
        with pytest.raises(RestaurantClosed, match="we stop taking orders 15 minutes before closing"):
            place(customer, now=at(MONDAY, 21, 46))

        assert nothing_written()

    def test_asap_on_a_closure_says_the_next_opening(self, customer):
        ClosureFactory(date=MONDAY, reason="Staff party")

        with pytest.raises(RestaurantClosed) as error:
            place(customer, now=at(MONDAY, 12))

        assert error.value.extra == {"opens_at": at(MONDAY + timedelta(days=1), 11).isoformat()}

    def test_scheduled_while_closed_now(self, customer):
        order, _ = place(customer, now=at(MONDAY, 23), scheduled_for=at(MONDAY + timedelta(days=1), 12, 30))

        order.refresh_from_db()
        assert order.scheduled_for == at(MONDAY + timedelta(days=1), 12, 30)

    def test_a_minute_of_grace_for_a_time_just_passed(self, customer):
        order, _ = place(customer, now=at(MONDAY, 12, 0, 59), scheduled_for=at(MONDAY, 12))

        assert order.scheduled_for == at(MONDAY, 12)

    @pytest.mark.parametrize(
        ("scheduled", "message"),
        [
            (at(MONDAY, 11, 58), "The scheduled time is in the past."),
            (at(MONDAY + timedelta(days=7), 12, 0, 1), "Orders can be scheduled at most 7 days ahead."),
            (
                at(MONDAY + timedelta(days=1), 10, 30),
                "We cannot prepare an order for tomorrow at 10:30: we are open 11:00-22:00 that day.",
            ),
            (
                at(MONDAY, 21, 50),
                "We cannot prepare an order for today at 21:50: that is within 15 minutes of closing.",
            ),
            (datetime(9999, 12, 31, 23, tzinfo=ZoneInfo("UTC")), "Orders can be scheduled at most 7 days ahead."),
            (datetime(1, 1, 1, tzinfo=ZoneInfo("UTC")), "The scheduled time is in the past."),
        ],
    )
    def test_times_the_kitchen_cannot_honour(self, customer, scheduled, message):
        with pytest.raises(InvalidSchedule) as error:
            place(customer, now=at(MONDAY, 12), scheduled_for=scheduled)

        assert error.value.message == message
        assert (error.value.code, error.value.field) == ("invalid_schedule", "scheduled_for")
        assert nothing_written()

    def test_seven_days_ahead_is_the_horizon(self, customer):
        order, _ = place(customer, now=at(MONDAY, 12), scheduled_for=at(MONDAY + timedelta(days=7), 12))

        assert order.scheduled_for == at(MONDAY + timedelta(days=7), 12)

    def test_a_closure_is_named(self, customer):
        ClosureFactory(date=MONDAY + timedelta(days=3), reason="Thanksgiving")

        with pytest.raises(InvalidSchedule) as error:
            place(customer, now=at(MONDAY, 12), scheduled_for=at(MONDAY + timedelta(days=3), 13))

        assert error.value.message == (
            "We cannot prepare an order for Thursday 4 June at 13:00: we are closed that day (Thanksgiving)."
        )

    def test_a_weekday_without_hours(self, customer):
        from littlelemon.restaurant.models import OpeningHours

        OpeningHours.objects.filter(weekday=2).delete()

        with pytest.raises(InvalidSchedule, match="we are closed on Wednesdays"):
            place(customer, now=at(MONDAY, 12), scheduled_for=at(MONDAY + timedelta(days=2), 13))


class TestDaylightSaving:
    """Sunday 8 March 2026 (clocks spring forward at 02:00) and 1 November 2026 (fall back)."""

    SPRING = date(2026, 3, 8)
    FALL = date(2026, 11, 1)

    @pytest.fixture(autouse=True)
    def _hours(self, customer):
        OpeningHoursFactory(weekday=6, opens=time(1), closes=time(12))
        CartLineFactory(user=customer)

    @pytest.mark.parametrize(
        ("hour", "minute", "accepted"),
        [(1, 0, True), (1, 59, True), (3, 0, True), (11, 45, True), (11, 46, False), (0, 59, False)],
    )
    def test_spring_forward(self, customer, hour, minute, accepted):
        now = at(self.SPRING - timedelta(days=1), 12)
        scheduled = at(self.SPRING, hour, minute)

        if accepted:
            order, _ = place(customer, now=now, scheduled_for=scheduled)
            assert order.scheduled_for == scheduled
        else:
            with pytest.raises(InvalidSchedule):
                place(customer, now=now, scheduled_for=scheduled)

    @pytest.mark.parametrize("fold", [0, 1])
    def test_fall_back_both_half_past_ones_are_open(self, customer, fold):
        moment = at(self.FALL, 1, 30, fold=fold)  # 06:30 UTC, then 07:30 UTC

        order, _ = place(customer, now=moment)

        assert order.scheduled_for is None

    def test_fall_back_cut_off_is_real_minutes_before_closing(self, customer):
        order, _ = place(customer, now=at(self.FALL, 11, 45))
        assert order.pk

        CartLineFactory(user=customer)
        with pytest.raises(RestaurantClosed):
            place(customer, now=at(self.FALL, 11, 45, 1))


@pytest.mark.parametrize(("field", "value"), [("fulfilment", "drone"), ("payment_method", "bitcoin")])
def test_unknown_choices_are_invalid_input(customer, field, value):
    CartLineFactory(user=customer)

    with pytest.raises(InvalidInput) as error:
        place(customer, **{field: value})

    assert error.value.field == field
    assert nothing_written()
