"""Placing a cart whose lines have options: unit prices with the options (Decimal sums, never
rounded) and the tax on them (rounded half up, also on exactly half a cent), the
items' snapshot of the options' names and prices, a choice gone since refused with nothing
written, the API's orders showing them, and placement in a fixed number of queries whatever the
number of options."""

from decimal import Decimal

import pytest

from littlelemon.cart import services as cart_services
from littlelemon.cart.models import CartLine
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.models import OptionChoice
from littlelemon.menu.tests.factories import MenuItemFactory, combo_with_slots, group_with_choices
from littlelemon.orders import placement
from littlelemon.orders.models import Order, OrderItem
from littlelemon.restaurant.services import restaurant_settings_update

from .counting import savepoints

pytestmark = pytest.mark.django_db


@pytest.fixture
def burger():
    dish = MenuItemFactory(title="Burger", price=Decimal("12.50"))
    group_with_choices(
        dish=dish, name="Size", min_choices=1, max_choices=1, choices=[("Regular", "0"), ("Large", "2.25")]
    )
    group_with_choices(
        dish=dish, name="Extras", max_choices=3, choices=[("Cheese", "1.00"), ("Bacon", "1.50")], position=1
    )
    return dish


def ids(*names):
    by_name = dict(OptionChoice.objects.values_list("name", "id"))
    return [by_name[name] for name in names]


def test_items_keep_the_options_and_their_price_rounded_half_up(customer, burger):
    restaurant_settings_update(data={"tax_rate": Decimal("10.250"), "minimum_order": Decimal("0")})
    fries = MenuItemFactory(title="Fries", price=Decimal("3.00"))
    deal = combo_with_slots(price="17.05", slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0.40")])])
    main, side = deal.slots.all()
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=3, choices=ids("Large", "Bacon"))
    cart_services.cart_item_add(
        owner=customer,
        menuitem_id=deal.pk,
        quantity=1,
        slots=[{"slot": main.pk, "dish": burger.pk, "choices": ids("Regular")}, {"slot": side.pk, "dish": fries.pk}],
    )

    order, _ = placement.order_place(customer=customer, fulfilment="pickup")

    burger_item, deal_item = order.items.order_by("id")
    assert (burger_item.unit_price, burger_item.price) == (Decimal("16.25"), Decimal("48.75"))
    assert burger_item.options == [
        {"group": "Size", "choice": "Large", "price_delta": "2.25"},
        {"group": "Extras", "choice": "Bacon", "price_delta": "1.50"},
    ]
    assert (deal_item.unit_price, deal_item.title) == (Decimal("17.45"), "Lunch Deal")
    assert deal_item.options == [
        {
            "slot": "A main",
            "dish": "Burger",
            "supplement": "0.00",
            "options": [{"group": "Size", "choice": "Regular", "price_delta": "0.00"}],
        },
        {"slot": "A side", "dish": "Fries", "supplement": "0.40", "options": []},
    ]
    # 66.20 subtotal; 10.25 % is 6.7855 -> 6.79 (past half a cent: the next test has an exact half)
    assert (order.subtotal, order.tax, order.total) == (Decimal("66.20"), Decimal("6.79"), Decimal("72.99"))
    placed = OutboxEvent.objects.get(type="order.placed").payload
    assert placed["items"][0]["options"] == burger_item.options


@pytest.mark.parametrize(
    ("quantity", "fulfilment", "expected"),
    [
        (2, "pickup", ("32.50", "0.00", "1.63", "34.13")),  # 5 % of 32.50 is 1.625
        (1, "delivery", ("16.25", "4.25", "1.03", "21.53")),  # 5 % of 16.25 + 4.25 is 1.025
    ],
)
def test_the_tax_on_a_line_with_options_rounds_half_a_cent_up(customer, burger, quantity, fulfilment, expected):
    """Unit prices and line totals are sums and whole multiples of two-place amounts (the dish,
    its choices' differences, a combo's supplements): they never need rounding. The tax, a
    percent of them (up to three places), does: here it lands on exactly half a cent after an
    even cent, where half up and banker's rounding (ROUND_HALF_EVEN: 1.62, 1.02) differ."""
    restaurant_settings_update(
        data={"tax_rate": Decimal("5"), "delivery_fee": Decimal("4.25"), "minimum_order": Decimal("0")}
    )
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=quantity, choices=ids("Large", "Bacon"))
    where = {"delivery_address": "1 Lemon St"} if fulfilment == "delivery" else {}

    order, _ = placement.order_place(customer=customer, fulfilment=fulfilment, **where)

    item = order.items.get()
    assert (item.unit_price, item.price) == (Decimal("16.25"), Decimal("16.25") * quantity)  # 12.50 + 2.25 + 1.50
    assert (order.subtotal + order.delivery_fee) * Decimal("0.05") % Decimal("0.01") == Decimal("0.005")
    assert (order.subtotal, order.delivery_fee, order.tax, order.total) == tuple(map(Decimal, expected))


def test_a_choice_that_ran_out_since_refuses_the_order_and_writes_nothing(client_as, customer, burger):
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=1, choices=ids("Regular", "Bacon"))
    OptionChoice.objects.filter(name="Bacon").update(available=False)

    response = client_as(customer).post("/api/v1/orders/", {"fulfilment": "pickup"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_options"
    assert "Extras: Bacon is not available" in response.json()["detail"]
    assert not Order.objects.exists() and not OrderItem.objects.exists() and not OutboxEvent.objects.exists()
    assert CartLine.objects.filter(user=customer).count() == 1


def test_the_api_shows_each_items_options(client_as, customer, burger):
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=2, choices=ids("Large", "Cheese"))
    client = client_as(customer)

    placed = client.post("/api/v1/orders/", {"fulfilment": "pickup"}).json()
    listed = client.get("/api/v1/orders/").json()["results"][0]
    shown = client.get(f"/api/v1/orders/{placed['id']}/").json()

    expected = [
        {"group": "Size", "choice": "Large", "price_delta": "2.25"},
        {"group": "Extras", "choice": "Cheese", "price_delta": "1.00"},
    ]
    for body in (placed, listed, shown):
        assert body["items"][0]["options"] == expected
        assert body["items"][0]["unit_price"] == "15.75"


@pytest.mark.parametrize("size", [1, 6])
def test_placing_with_options_is_a_fixed_number_of_queries(client_as, customer, django_assert_num_queries, size):
    side = MenuItemFactory(title="Fries")
    for index in range(size):
        dish = MenuItemFactory(price=Decimal("20.00"))
        groups = [
            group_with_choices(dish=dish, max_choices=size, choices=[("x", "0.50")] * size, position=position)
            for position in range(size)
        ]
        choices = [choice.pk for group in groups for choice in group.choices.all()]
        cart_services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=1, choices=choices)
        deal = combo_with_slots(title=f"Deal {index}", slots=[("A side", [(side, "0"), (dish, "1.00")])])
        cart_services.cart_item_add(
            owner=customer, menuitem_id=deal.pk, quantity=1, slots=[{"slot": deal.slots.get().pk, "dish": side.pk}]
        )
    client = client_as(customer)

    # as without options (test_queries.py), plus the options: slots, their dishes, groups, choices
    with django_assert_num_queries(14 + 4 + savepoints(2)):
        response = client.post("/api/v1/orders/", {"fulfilment": "pickup"}, HTTP_IDEMPOTENCY_KEY=f"size-{size}")

    assert response.status_code == 201
    assert len(response.json()["items"]) == 2 * size


def test_ordering_again_puts_the_lines_back_with_their_options_at_todays_prices(customer, burger):
    fries = MenuItemFactory(title="Fries", price=Decimal("3.00"))
    deal = combo_with_slots(price="17.00", slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0.40")])])
    main, side = deal.slots.all()
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=2, choices=ids("Large", "Bacon"))
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=1, choices=ids("Regular"))
    combo_slots = [
        {"slot": main.pk, "dish": burger.pk, "choices": ids("Regular", "Cheese")},
        {"slot": side.pk, "dish": fries.pk, "choices": []},
    ]
    cart_services.cart_item_add(owner=customer, menuitem_id=deal.pk, quantity=1, slots=combo_slots)
    order, _ = placement.order_place(customer=customer, fulfilment="pickup")
    assert not CartLine.objects.filter(user=customer).exists()
    assert [item.selection for item in order.items.order_by("id")] == [
        {"choices": ids("Large", "Bacon")},
        {"choices": ids("Regular")},
        {"choices": [], "slots": combo_slots},
    ]
    OptionChoice.objects.filter(name="Large").update(price_delta=Decimal("2.75"))  # today's price

    result = cart_services.cart_reorder(user=customer, order=order)

    assert [(line.title, line.added, line.reason) for line in result.lines] == [
        ("Burger", 2, ""),
        ("Burger", 1, ""),
        ("Lunch Deal", 1, ""),
    ]
    lines = CartLine.objects.filter(user=customer).order_by("id")
    assert [(line.menuitem_id, line.quantity, line.selection, line.price_when_added) for line in lines] == [
        (burger.pk, 2, {"choices": ids("Large", "Bacon")}, Decimal("16.75")),
        (burger.pk, 1, {"choices": ids("Regular")}, Decimal("12.50")),
        (deal.pk, 1, order.items.order_by("id")[2].selection, Decimal("18.40")),
    ]
    # Twice: the same lines (dish and options) grow, no new line.
    cart_services.cart_reorder(user=customer, order=order)
    assert list(CartLine.objects.filter(user=customer).order_by("id").values_list("quantity", flat=True)) == [4, 2, 2]


def test_ordering_again_leaves_out_a_line_whose_options_no_longer_hold(customer, burger):
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=1, choices=ids("Large", "Bacon"))
    cart_services.cart_item_add(owner=customer, menuitem_id=burger.pk, quantity=1, choices=ids("Regular"))
    order, _ = placement.order_place(customer=customer, fulfilment="pickup")
    OptionChoice.objects.filter(name="Bacon").update(available=False)

    result = cart_services.cart_reorder(user=customer, order=order)

    assert [(line.title, line.added, line.reason, line.message) for line in result.lines] == [
        ("Burger", 0, "options_changed", "Extras: Bacon is not available at the moment."),
        ("Burger", 1, "", ""),
    ]
    assert list(CartLine.objects.filter(user=customer).values_list("selection", flat=True)) == [
        {"choices": ids("Regular")}
    ]
