"""Order again (`cart_reorder`): the order's lines go in the cart at today's prices, and each line
that could not (fully) says why; only for the order's own customer. API and the my-orders page."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages

from conftest import api_client_for
from littlelemon.cart.models import CartLine
from littlelemon.cart.services import cart_reorder
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.core.exceptions import PermissionDenied
from littlelemon.menu.models import AvailabilityWindow
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.models import OrderItem
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 6, 1)
NOON = datetime.combine(MONDAY, time(12), tzinfo=CHICAGO)


def order_of(customer, *lines):
    """An order of `customer` with (dish, quantity) lines, priced as when it was placed (4.00)."""
    order = OrderFactory(customer=customer)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            menuitem=dish,
            title=dish.title if dish else "Old Dish",
            unit_price=Decimal("4.00"),
            quantity=quantity,
            price=Decimal("4.00") * quantity,
        )
        for dish, quantity in lines
    )
    return order


def cart(customer) -> list[tuple[str, int, Decimal]]:
    return list(
        CartLine.objects.filter(user=customer)
        .order_by("id")
        .values_list("menuitem__title", "quantity", "price_when_added")
    )


def test_the_lines_go_in_the_cart_at_todays_prices(customer, freeze):
    freeze(NOON)
    hummus, falafel = MenuItemFactory(title="Hummus", price=Decimal("6.50")), MenuItemFactory(title="Falafel")
    order = order_of(customer, (hummus, 2), (falafel, 1))

    result = cart_reorder(user=customer, order=order)

    assert cart(customer) == [("Hummus", 2, Decimal("6.50")), ("Falafel", 1, Decimal("10.00"))]
    assert [(line.title, line.added, line.reason) for line in result.lines] == [
        ("Hummus", 2, ""),
        ("Falafel", 1, ""),
    ]
    assert result.problems == []


def test_what_could_not_be_added_is_said_with_why(customer, freeze):
    freeze(NOON)
    gone = MenuItemFactory(title="Gone")
    unavailable = MenuItemFactory(title="Switched Off", available=False)
    sold_out = MenuItemFactory(title="Special", daily_portions=3, portions_left=0, portions_date=MONDAY)
    short = MenuItemFactory(title="Tart", daily_portions=5, portions_left=2, portions_date=MONDAY)
    breakfast = MenuItemFactory(title="Eggs")
    AvailabilityWindow.objects.create(menuitem=breakfast, weekday=1, starts=time(7), ends=time(11))
    capped = MenuItemFactory(title="Lemonade")
    CartLineFactory(user=customer, menuitem=capped, quantity=97)
    order = order_of(customer, (gone, 1), (unavailable, 1), (sold_out, 1), (short, 4), (breakfast, 1), (capped, 5))
    gone.delete()

    result = cart_reorder(user=customer, order=order)

    assert [(line.title, line.quantity, line.added, line.reason, line.message) for line in result.lines] == [
        ("Gone", 1, 0, "gone", "no longer on the menu"),
        ("Switched Off", 1, 0, "unavailable", "sold out"),
        ("Special", 1, 0, "sold_out_today", "sold out for today"),
        ("Tart", 4, 2, "portions_short", "only 2 left today"),
        ("Eggs", 1, 0, "not_served_now", "not served now (tomorrow from 07:00)"),
        ("Lemonade", 5, 2, "quantity_limit", "a line holds at most 99"),
    ]
    assert cart(customer) == [("Lemonade", 99, Decimal("10.00")), ("Tart", 2, Decimal("10.00"))]


def test_only_the_orders_customer_may_order_it_again(customer, other_customer):
    order = order_of(customer, (MenuItemFactory(), 1))

    with pytest.raises(PermissionDenied):
        cart_reorder(user=other_customer, order=order)
    assert not CartLine.objects.exists()


class TestApi:
    def test_reorder_answers_each_line_and_the_cart(self, customer, freeze):
        freeze(NOON)
        dish = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
        sold_out = MenuItemFactory(title="Special", daily_portions=3, portions_left=0, portions_date=MONDAY)
        order = order_of(customer, (dish, 2), (sold_out, 1))

        response = api_client_for(customer).post(f"/api/v1/orders/{order.pk}/reorder/")

        assert response.status_code == 200
        body = response.json()
        assert body["lines"] == [
            {"title": "Hummus", "quantity": 2, "added": 2, "reason": "", "message": ""},
            {
                "title": "Special",
                "quantity": 1,
                "added": 0,
                "reason": "sold_out_today",
                "message": "sold out for today",
            },
        ]
        assert [(item["title"], item["quantity"], item["unit_price"]) for item in body["cart"]["items"]] == [
            ("Hummus", 2, "6.50")
        ]
        assert body["cart"]["total"] == "13.00"

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("anonymous", 401),
            ("customer", 404),
            ("kitchen", 403),
            ("delivery-crew", 404),
            ("manager", 403),
            ("admin", 403),
        ],
    )
    def test_permission_matrix(self, client_for_role, role, expected, customer):
        order = order_of(customer, (MenuItemFactory(), 1))
        client = api_client_for() if role == "anonymous" else client_for_role(role)[0]

        response = client.post(f"/api/v1/orders/{order.pk}/reorder/")

        assert response.status_code == expected
        assert not CartLine.objects.exists()

    def test_the_owner_gets_200(self, customer):
        order = order_of(customer, (MenuItemFactory(), 1))
        assert api_client_for(customer).post(f"/api/v1/orders/{order.pk}/reorder/").status_code == 200


class TestPage:
    def test_my_orders_offers_order_again(self, client, customer):
        order = order_of(customer, (MenuItemFactory(), 1))
        client.force_login(customer)

        page = client.get("/orders/").content.decode()

        assert f'action="/orders/{order.pk}/again/"' in page
        assert "Order again" in page

    def test_order_again_fills_the_cart_and_says_what_was_left_out(self, client, customer, freeze):
        freeze(NOON)
        dish = MenuItemFactory(title="Hummus")
        sold_out = MenuItemFactory(title="Special", daily_portions=3, portions_left=0, portions_date=MONDAY)
        order = order_of(customer, (dish, 2), (sold_out, 1))
        client.force_login(customer)

        response = client.post(f"/orders/{order.pk}/again/")

        assert response.status_code == 302 and response["Location"] == "/cart/"
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "2 dishes added to your cart at today's prices.",
            "Special was not added: sold out for today.",
        ]
        assert cart(customer) == [("Hummus", 2, Decimal("10.00"))]

    def test_someone_elses_order_is_a_404_and_changes_nothing(self, client, customer, other_customer):
        order = order_of(customer, (MenuItemFactory(), 1))
        client.force_login(other_customer)

        assert client.post(f"/orders/{order.pk}/again/").status_code == 404
        assert not CartLine.objects.exists()

    def test_anonymous_goes_to_log_in(self, client, customer):
        order = order_of(customer, (MenuItemFactory(), 1))

        response = client.post(f"/orders/{order.pk}/again/")

        assert response.status_code == 302 and "/account/login/" in response["Location"]
