"""A visitor orders without an account (name, e-mail, phone), lands on the order's tracking
page, and the tracking link, opened afresh, follows the staff's moves by polling."""

import re
import urllib.request

from playwright.sync_api import Page, expect

from littlelemon.cart.models import GuestCart
from littlelemon.orders.enums import OrderStatus

from .journeys import add_to_cart, always_open, nav, place_guest_pickup_order, staff_move


def test_a_guest_orders_and_follows_the_tracking_link(page: Page, demo, live_server, settings):
    settings.LIVE_POLL_SECONDS = 1
    always_open()
    page.goto("/menu/")
    page.wait_for_load_state()
    add_to_cart(page, "Greek Salad", in_cart=1)
    add_to_cart(page, "Lamb Kofta", in_cart=2)  # over the demo's minimum order
    nav(page).get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    page.get_by_role("link", name="Go to checkout").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")

    order = place_guest_pickup_order(page)
    assert (order.customer, order.guest_email, order.status) == (None, "gina@example.com", OrderStatus.PLACED)
    link = page.locator(".tracking-link__url").inner_text()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/track/[^/]+/", link)

    page.goto(link)  # the link, opened afresh (as from the e-mail)
    expect(page.locator(".tracking__status")).to_have_text("Placed")
    page.evaluate("window.stillTheSamePage = true")
    staff_move(live_server.url, order, "accepted")
    expect(page.locator(".tracking__status")).to_have_text("Accepted")
    assert page.evaluate("window.stillTheSamePage") is True

    page.goto(link[:-2] + "x/")  # a forged link
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile(r"^Order #"))


def test_a_first_add_past_the_guest_limit_says_so_where_the_confirmation_goes(
    page: Page, demo, live_server, throttle_rates
):
    """htmx shows a 429's message (base.html's htmx-config), in place, without leaving the menu."""
    throttle_rates(guest="1/min")
    request = urllib.request.Request(f"{live_server.url}/api/v1/cart/guest/", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (this address's one cart of the minute)
        assert answer.status == 201
    guest_carts = GuestCart.objects.count()
    page.goto("/menu/")
    page.wait_for_load_state()
    card = page.locator("#menu-results article").filter(has=page.get_by_role("link", name="Greek Salad", exact=True))

    card.get_by_role("button", name="Add to cart").click()

    expect(card.locator(".add-to-cart__status")).to_have_text(
        re.compile(r"Too many new carts from your address\. Please try again in \d+ seconds\.")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Menu")
    expect(nav(page).get_by_role("link", name=re.compile(r"^Cart"))).to_have_text(re.compile(r"Cart 0\b"))
    assert GuestCart.objects.count() == guest_carts
