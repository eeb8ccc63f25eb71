"""The board's reads: columns by status, today's boundaries in the restaurant's time zone,
orders scheduled for later today in their own column, search, drivers' loads."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from conftest import user_with_role
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.selectors import delivery_crew_with_load, order_board, order_board_search
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
DAY = date(2026, 6, 1)
LEAD = timedelta(minutes=30)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def keys(board) -> dict[str, list[int]]:
    return {column.key: [order.pk for order in column.orders] for column in board.columns}


def test_open_orders_in_columns_by_status_oldest_first(freeze):
    freeze(at(DAY, 12))
    made = {}
    for minutes, status in enumerate(
        ["placed", "accepted", "preparing", "ready", "out_for_delivery", "placed"], start=1
    ):
        made.setdefault(status, []).append(OrderFactory(status=status, created=at(DAY, 11, minutes), items=1))

    board = order_board(now=at(DAY, 12), scheduled_lead=LEAD)

    assert keys(board) == {
        "placed": [order.pk for order in made["placed"]],
        "scheduled": [],
        "accepted": [made["accepted"][0].pk],
        "preparing": [made["preparing"][0].pk],
        "ready": [made["ready"][0].pk],
        "out_for_delivery": [made["out_for_delivery"][0].pk],
    }
    assert [column.count for column in board.columns] == [2, 0, 1, 1, 1, 1]
    assert len(board.columns[0].orders[0].item_rows) == 1


def test_finished_means_since_local_midnight(freeze):
    """00:30 in Chicago is 05:30 UTC: an order finished at 23:50 the evening before (04:50 UTC,
    the same UTC day) is yesterday's."""
    now = freeze(at(DAY, 0, 30))
    yesterday = OrderFactory(status=OrderStatus.DELIVERED, finished_at=at(DAY - timedelta(days=1), 23, 50))
    today = OrderFactory(status=OrderStatus.CANCELLED, finished_at=at(DAY, 0, 10))
    later = OrderFactory(status=OrderStatus.COLLECTED, fulfilment="pickup", finished_at=at(DAY, 0, 20))

    board = order_board(now=now, scheduled_lead=LEAD)

    assert [order.pk for order in board.finished] == [later.pk, today.pk]  # latest first
    assert yesterday.pk not in [order.pk for column in board.columns for order in column.orders]
    assert board.day_start == at(DAY, 0)


def test_an_open_order_left_from_yesterday_is_still_on_the_board(freeze):
    now = freeze(at(DAY, 9))
    old = OrderFactory(status=OrderStatus.READY, created=at(DAY - timedelta(days=1), 21))

    assert keys(order_board(now=now, scheduled_lead=LEAD))["ready"] == [old.pk]


def test_scheduled_later_today_has_its_own_column(freeze):
    now = freeze(at(DAY, 12))
    evening = OrderFactory(scheduled_for=at(DAY, 19))
    accepted_evening = OrderFactory(status=OrderStatus.ACCEPTED, scheduled_for=at(DAY, 18))
    soon = OrderFactory(scheduled_for=at(DAY, 12, 20))  # within the lead: handled now
    tomorrow = OrderFactory(scheduled_for=at(DAY + timedelta(days=1), 0, 30))
    preparing = OrderFactory(status=OrderStatus.PREPARING, scheduled_for=at(DAY, 19))  # already started

    board = order_board(now=now, scheduled_lead=LEAD)

    columns = keys(board)
    assert columns["scheduled"] == [accepted_evening.pk, evening.pk]  # by due time
    assert columns["placed"] == [soon.pk]
    assert columns["preparing"] == [preparing.pk]
    assert tomorrow.pk not in [pk for pks in columns.values() for pk in pks]
    assert board.later_days == 1


def test_three_queries_whatever_the_size(django_assert_num_queries):
    for _ in range(5):
        OrderFactory(items=3)
        OrderFactory(status="delivered", finished_at=timezone.now(), delivery_crew=None)
    with django_assert_num_queries(3):  # open orders, their items, finished today with their count
        order_board(scheduled_lead=LEAD)


def test_the_finished_list_stops_at_the_latest_few_but_counts_them_all(monkeypatch):
    from littlelemon.orders import selectors

    monkeypatch.setattr(selectors, "BOARD_FINISHED_SHOWN", 3)
    finished = [
        OrderFactory(status="collected", fulfilment="pickup", finished_at=timezone.now() - timedelta(minutes=n))
        for n in range(5)
    ]

    board = order_board(scheduled_lead=LEAD)

    assert board.finished_count == 5
    assert [order.pk for order in board.finished] == [order.pk for order in finished[:3]]


class TestSearch:
    @pytest.fixture
    def orders(self):
        grace = OrderFactory()
        grace.customer.first_name, grace.customer.last_name, grace.customer.phone = "Grace", "Hopper", "312-555-0199"
        grace.customer.save()
        alan = OrderFactory()
        alan.customer.first_name, alan.customer.last_name, alan.customer.phone = "Alan", "Turing", "44 20 7946 0000"
        alan.customer.save()
        return grace, alan

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("grace", ["grace"]),
            ("HOPPER", ["grace"]),
            ("grace hop", ["grace"]),
            ("grace turing", []),
            ("555-0199", ["grace"]),
            ("7946", ["alan"]),
            ("", []),
            ("   ", []),
            ("9" * 40, []),
        ],
    )
    def test_by_name_or_phone(self, orders, query, expected):
        grace, alan = orders
        names = {grace.pk: "grace", alan.pk: "alan"}
        assert [names[order.pk] for order in order_board_search(query=query)] == expected

    def test_by_number(self, orders):
        grace, alan = orders
        assert [order.pk for order in order_board_search(query=f"#{alan.pk}")] == [alan.pk]
        assert alan.pk in [order.pk for order in order_board_search(query=str(alan.pk))]

    def test_newest_first_and_limited(self, orders):
        grace, _ = orders
        more = [OrderFactory(customer=grace.customer) for _ in range(3)]
        found = order_board_search(query="grace", limit=2)
        assert [order.pk for order in found] == [more[2].pk, more[1].pk]


def test_drivers_load_counts_open_assigned_deliveries_only():
    ann = user_with_role("delivery-crew", first_name="Ann")
    bob = user_with_role("delivery-crew", first_name="Bob")
    OrderFactory(status=OrderStatus.PREPARING, delivery_crew=ann)
    OrderFactory(status=OrderStatus.OUT_FOR_DELIVERY, delivery_crew=ann)
    OrderFactory(status=OrderStatus.DELIVERED, delivery_crew=ann)
    OrderFactory(status=OrderStatus.DELIVERED, delivery_crew=bob)
    user_with_role("kitchen", first_name="Aaron")

    assert [(driver.first_name, driver.load) for driver in delivery_crew_with_load()] == [("Bob", 0), ("Ann", 2)]
