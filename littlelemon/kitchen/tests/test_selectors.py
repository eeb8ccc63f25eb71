"""Which orders and dishes the kitchen display shows, in which order, and at which station."""

from datetime import UTC, datetime, timedelta

import pytest

from littlelemon.kitchen import selectors
from littlelemon.menu.tests.factories import combo_with_slots

from .factories import CategoryFactory, MenuItemFactory, OrderFactory, combo_item, order_with, station_with

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def kitchen_settings(settings):
    settings.KITCHEN_SHOWS_PLACED = False
    settings.KITCHEN_SCHEDULED_LEAD_MINUTES = 30
    settings.KITCHEN_RECALL_MINUTES = 3


def order_at(created: datetime, **kwargs):
    order = OrderFactory(**kwargs)
    type(order).objects.filter(pk=order.pk).update(created=created)
    order.refresh_from_db()
    return order


def ids(tickets):
    return [ticket.order.pk for ticket in tickets]


def test_open_orders_oldest_first_and_nothing_else():
    second = order_at(NOON - timedelta(minutes=5), status="preparing")
    first = order_at(NOON - timedelta(minutes=9), status="accepted")
    for status in ("placed", "out_for_delivery", "delivered", "cancelled", "rejected"):
        order_at(NOON - timedelta(minutes=20), status=status)
    order_at(NOON - timedelta(minutes=20), status="ready", status_changed_at=NOON - timedelta(minutes=4))

    board = selectors.kitchen_board(now=NOON)

    assert ids(board.tickets) == [first.pk, second.pk]
    assert board.recent == []


def test_placed_orders_show_when_the_setting_says_so(settings):
    settings.KITCHEN_SHOWS_PLACED = True
    placed = order_at(NOON - timedelta(minutes=1), status="placed")

    assert ids(selectors.kitchen_board(now=NOON).tickets) == [placed.pk]


def test_scheduled_orders_appear_the_lead_time_before_they_are_due():
    due_soon = order_at(NOON - timedelta(hours=2), status="accepted", scheduled_for=NOON + timedelta(minutes=30))
    order_at(NOON - timedelta(hours=2), status="accepted", scheduled_for=NOON + timedelta(minutes=31))
    asap = order_at(NOON - timedelta(minutes=10), status="accepted")

    board = selectors.kitchen_board(now=NOON)

    # The scheduled one reached the screen just now (due minus lead): after the ASAP order.
    assert ids(board.tickets) == [asap.pk, due_soon.pk]
    ticket = board.tickets[1]
    assert (ticket.scheduled, ticket.due_at, ticket.shown_since) == (True, NOON + timedelta(minutes=30), NOON)
    assert (board.tickets[0].scheduled, board.tickets[0].due_at) == (False, None)


def test_an_asap_order_is_due_at_its_estimate():
    order = order_at(NOON, status="accepted", estimated_ready_at=NOON + timedelta(minutes=25))

    assert selectors.kitchen_board(now=NOON).tickets[0].due_at == order.estimated_ready_at


def test_orders_made_ready_within_the_recall_window_are_listed_newest_first():
    older = order_at(NOON - timedelta(minutes=30), status="ready", status_changed_at=NOON - timedelta(minutes=2))
    newer = order_at(NOON - timedelta(minutes=20), status="ready", status_changed_at=NOON - timedelta(minutes=1))
    order_at(NOON - timedelta(minutes=20), status="ready", status_changed_at=NOON - timedelta(minutes=3, seconds=1))

    board = selectors.kitchen_board(now=NOON)

    assert ids(board.recent) == [newer.pk, older.pk]
    assert board.recent[0].recall_until == NOON + timedelta(minutes=2)


def test_items_allergens_and_quantities():
    dish = MenuItemFactory(title="Pasta", allergens=["gluten", "milk"], vegetarian=True)
    order = order_with(dish, MenuItemFactory(title="Salad", allergens=["milk"]), quantity=2, status="accepted")

    ticket = selectors.kitchen_board(now=NOON).tickets[0]

    assert ticket.order == order
    assert [(item.title, item.quantity) for item in ticket.items] == [("Pasta", 2), ("Salad", 2)]
    assert ticket.allergens == ["gluten", "milk"]
    assert ticket.items[0].menuitem.dietary == ["vegetarian"]


def test_a_station_sees_only_its_dishes_and_only_orders_with_some():
    grill, cold = CategoryFactory(slug="grill"), CategoryFactory(slug="cold")
    steak, salad = MenuItemFactory(title="Steak", category=grill), MenuItemFactory(title="Salad", category=cold)
    both = order_at(NOON - timedelta(minutes=3), status="accepted")
    for dish in (steak, salad):
        both.items.create(menuitem=dish, title=dish.title, unit_price=dish.price, quantity=1, price=dish.price)
    salad_only = order_with(salad, status="preparing")
    station = station_with("Grill", grill)

    chosen = selectors.station_categories(station.pk)
    board = selectors.kitchen_board(now=NOON + timedelta(hours=1), categories=chosen[1])

    assert chosen == (station.pk, frozenset({grill.pk}))
    assert ids(board.tickets) == [both.pk]
    assert [item.title for item in board.tickets[0].items] == ["Steak"]
    everything = selectors.kitchen_board(now=NOON + timedelta(hours=1))
    assert ids(everything.tickets) == [both.pk, salad_only.pk]


@pytest.mark.parametrize("value", [None, "", "all", "999999", "1; drop"])
def test_an_unknown_station_means_every_dish(value):
    assert selectors.station_categories(value) is None


def test_the_board_is_two_queries_at_any_size(django_assert_num_queries):
    for n in range(1, 4):
        order_with(MenuItemFactory(), MenuItemFactory(), status="accepted")
        order_at(NOON, status="ready", status_changed_at=NOON)
        with django_assert_num_queries(2):
            board = selectors.kitchen_board(now=NOON)
            assert len(board.tickets) == n and len(board.recent) == n


def lunch_deal():
    """A deal of a burger (gluten, milk) and fries (celery), itself declaring no allergen."""
    burger = MenuItemFactory(title="Burger", allergens=["gluten", "milk"])
    fries = MenuItemFactory(title="Fries", allergens=["celery"])
    deal = combo_with_slots(slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0")])])
    return deal, burger, fries


def test_a_combos_components_bring_their_allergens_to_its_item_and_the_ticket():
    deal, burger, fries = lunch_deal()
    soup = MenuItemFactory(title="Soup", allergens=["milk", "mustard"])
    order = order_with(soup, status="accepted")
    combo_item(order, deal, burger, fries, quantity=2)

    ticket = selectors.kitchen_board(now=NOON).tickets[0]

    assert [(item.title, item.allergens) for item in ticket.items] == [
        ("Soup", ["milk", "mustard"]),
        ("Lunch Deal", ["gluten", "milk", "celery"]),
    ]
    assert ticket.allergens == ["milk", "mustard", "gluten", "celery"]


def test_a_component_gone_from_the_menu_since_leaves_the_others():
    deal, burger, fries = lunch_deal()
    order = OrderFactory(status="accepted")
    combo_item(order, deal, burger, fries)
    fries.delete()  # the combo's slot offer goes with it; the order keeps its snapshot

    ticket = selectors.kitchen_board(now=NOON).tickets[0]

    assert ticket.allergens == ["gluten", "milk"]


def test_the_board_with_combos_is_three_queries_at_any_size(django_assert_num_queries):
    for n in range(1, 4):
        deal, burger, fries = lunch_deal()
        order = order_with(MenuItemFactory(allergens=["eggs"]), status="accepted")
        combo_item(order, deal, burger, fries)
        with django_assert_num_queries(3):  # orders, items, the components' allergens
            board = selectors.kitchen_board(now=NOON)
        assert len(board.tickets) == n
        assert all(ticket.allergens == ["eggs", "gluten", "milk", "celery"] for ticket in board.tickets)
