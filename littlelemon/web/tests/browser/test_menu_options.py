"""A customer, and a guest without an account, order the demo's Lemon Burger with a size and two
extras (the price on the page following the choices) and the Lunch Deal (a dish per slot, the
burger with its own size), and see both, with their options, on the order page (the guest's
tracking page)."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.orders.models import Order

from .journeys import PASSWORD, always_open, place_delivery_order, place_guest_pickup_order


def test_a_customer_orders_a_burger_with_options_and_a_meal_deal(page: Page, demo, live_server):
    always_open()
    olive = UserFactory(username="olive")
    olive.set_password(PASSWORD)
    olive.save()
    page.goto("/account/login/")
    page.get_by_label("Username").fill("olive")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    choose_a_burger_and_a_meal_deal(page)
    assert_the_cart_holds_them(CartLine.objects.filter(user=olive))

    page.get_by_role("link", name="Go to checkout").click()
    order = place_delivery_order(page, "3 Lemon Grove")

    see_the_burger_and_the_meal_deal(page, order)


def choose_a_burger_and_a_meal_deal(page: Page) -> None:
    """The burger (Large, Feta and Bacon) and the Lunch Deal (the burger, Regular; hummus; ayran)
    in the cart, through the dishes' pages."""
    page.goto("/menu/lemon-burger/")
    page.wait_for_load_state()
    price = page.locator("[data-price-output]")
    expect(price).to_have_text("$13.50")
    size = page.get_by_role("group", name=re.compile(r"^Size"))
    extras = page.get_by_role("group", name=re.compile(r"^Extras"))
    size.get_by_role("radio", name=re.compile(r"^Large")).check()
    expect(price).to_have_text("$16.00")
    extras.get_by_role("checkbox", name=re.compile(r"^Feta")).check()
    extras.get_by_role("checkbox", name=re.compile(r"^Bacon")).check()
    expect(price).to_have_text("$19.75")  # 13.50 + 2.50 + 1.50 + 2.25
    page.locator("article.dish").get_by_role("button", name="Add to cart").click()  # not a "pairs well with" card
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    expect(page.locator(".cart-line").first).to_contain_text("Size: Large (+$2.50)")

    page.goto("/menu/lunch-deal/")
    page.wait_for_load_state()
    main = page.get_by_role("group", name="A main")
    main.get_by_role("radio", name=re.compile(r"^Lemon Burger")).check()
    main.get_by_role("group", name=re.compile(r"^Size")).get_by_role("radio", name=re.compile(r"^Regular")).check()
    page.get_by_role("group", name="A side").get_by_role("radio", name=re.compile(r"^Hummus")).check()
    page.get_by_role("group", name="A drink").get_by_role("radio", name=re.compile(r"^Ayran")).check()
    expect(page.locator("[data-price-output]")).to_have_text("$19.50")  # 19.00 + 0.50 for the ayran
    page.locator("article.dish").get_by_role("button", name="Add to cart").click()  # not a "pairs well with" card
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")


def assert_the_cart_holds_them(lines) -> None:
    assert sorted(lines.values_list("menuitem__title", "price_when_added")) == [
        ("Lemon Burger", Decimal("19.75")),
        ("Lunch Deal", Decimal("19.50")),
    ]


def see_the_burger_and_the_meal_deal(page: Page, order: Order) -> None:
    """The order's page shows both lines with their options, as the order's items hold them."""
    lines = page.locator(".summary__line")
    expect(lines.nth(0)).to_contain_text("1 × Lemon Burger")
    expect(lines.nth(0)).to_contain_text("Size: Large (+$2.50)")
    expect(lines.nth(0)).to_contain_text("Extras: Bacon (+$2.25)")
    expect(lines.nth(1)).to_contain_text("1 × Lunch Deal")
    expect(lines.nth(1)).to_contain_text("A main: Lemon Burger")
    expect(lines.nth(1)).to_contain_text("Size: Regular")
    expect(lines.nth(1)).to_contain_text("A drink: Ayran (+$0.50)")
    assert [item.unit_price for item in order.items.order_by("id")] == [Decimal("19.75"), Decimal("19.50")]


def test_a_guest_orders_a_burger_with_options_and_a_meal_deal_and_sees_them_on_the_tracking_page(
    page: Page, demo, live_server
):
    always_open()
    choose_a_burger_and_a_meal_deal(page)
    assert sorted(
        CartLine.objects.filter(guest_cart__isnull=False).values_list("menuitem__title", "price_when_added")
    ) == [
        ("Lemon Burger", Decimal("19.75")),
        ("Lunch Deal", Decimal("19.50")),
    ]

    page.get_by_role("link", name="Go to checkout").click()
    order = place_guest_pickup_order(page)

    assert (order.customer, order.guest_name) == (None, "Gina Guest")
    see_the_burger_and_the_meal_deal(page, order)
