"""A 360 px phone: nothing overflows sideways, the navigation and the filters are usable."""

import re

import pytest
from playwright.sync_api import Page, expect

from littlelemon.bookings.models import Booking
from littlelemon.orders.enums import OrderStatus

from .journeys import (
    add_to_cart,
    always_open,
    book_a_table_tomorrow,
    nav,
    place_delivery_order,
    sign_up_at_checkout,
    watch_it_move_to_delivered,
)

PAGES = ["/", "/menu/", "/menu/?search=lemon&dietary=vegan", "/menu/lamb-ragu-pappardelle/", "/account/login/"]


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_phone_sized_visit(phone: Page, demo):
    for path in [*PAGES, "/account/signup/", "/no-such-page/"]:
        phone.goto(path)
        assert horizontal_overflow(phone) == 0, f"{path} scrolls sideways on a 360 px screen"

    phone.goto("/")
    nav = phone.get_by_role("navigation", name="Main")
    for name in ("Menu", "Log in", "Sign up"):
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_in_viewport()
        box = link.bounding_box()
        assert box["height"] >= 40, f"{name} is too small a target to tap ({box['height']} px)"

    nav.get_by_role("link", name="Menu").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Menu")
    phone.get_by_role("checkbox", name="Vegetarian").tap()
    phone.get_by_label("Category").select_option(label="Pasta")
    expect(phone.get_by_role("status")).to_have_text("2 dishes found · Clear filters")
    phone.get_by_role("link", name="Mushroom Tagliatelle").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mushroom Tagliatelle")
    assert horizontal_overflow(phone) == 0
    expect(phone).to_have_url(re.compile(r"/menu/mushroom-tagliatelle/$"))


@pytest.mark.parametrize("path", ["/", "/menu/"])
def test_cards_fill_the_phone_width_in_one_column(phone: Page, demo, path):
    phone.goto(path)

    cards = phone.locator(".dish-card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] == second["x"]  # one column
    assert first["width"] >= 320


def test_on_a_phone_find_a_dish_order_it_watch_it_delivered_and_book_a_table(phone: Page, demo, live_server):
    """The issue's "Done when", at 360 px, by tapping: no page scrolls sideways on the way."""
    always_open()
    phone.goto("/")
    phone.get_by_role("link", name="Order now").tap()
    # A tap does not wait for the next page's scripts: typing before htmx has bound its
    # listeners searches nothing until the next keystroke (seen on a loaded CI machine). Nor
    # for the navigation: wait for the menu's URL first, or the load state waited for is the
    # home page's, already reached (seen again on CI).
    phone.wait_for_url(re.compile(r"/menu/"))
    phone.wait_for_load_state()
    phone.get_by_role("searchbox", name="Search dishes").fill("moussaka")
    expect(phone).to_have_url(re.compile(r"search=moussaka"))
    add_to_cart(phone, "Moussaka", in_cart=1)
    assert horizontal_overflow(phone) == 0

    nav(phone).get_by_role("link", name=re.compile(r"^Cart")).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your cart")
    assert horizontal_overflow(phone) == 0
    sign_up_at_checkout(phone, "phoebe")
    assert horizontal_overflow(phone) == 0

    order = place_delivery_order(phone, "3 Lemon Grove")
    assert horizontal_overflow(phone) == 0
    watch_it_move_to_delivered(phone, live_server.url, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.customer.username == "phoebe"

    book_a_table_tomorrow(phone, party_size="4 people", notes="")
    assert horizontal_overflow(phone) == 0
    booking = Booking.objects.get(customer__username="phoebe")
    assert booking.party_size == 4
    for path in ("/orders/", "/bookings/", f"/bookings/{booking.pk}/", "/cart/", "/checkout/"):
        phone.goto(path)
        assert horizontal_overflow(phone) == 0, f"{path} scrolls sideways on a 360 px screen"
