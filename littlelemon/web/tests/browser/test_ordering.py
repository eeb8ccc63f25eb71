"""A visitor fills a cart, signs up at checkout (the cart comes along), orders for delivery and
watches the order page follow the staff's moves by itself; then books a table and cancels it."""

import re

from playwright.sync_api import Page, expect

from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking
from littlelemon.cart.models import CartLine
from littlelemon.orders.enums import OrderStatus

from .journeys import (
    PASSWORD,
    add_to_cart,
    always_open,
    book_a_table_tomorrow,
    nav,
    place_delivery_order,
    sign_up_at_checkout,
    watch_it_move_to_delivered,
)


def test_a_visitor_orders_for_delivery_and_watches_it_arrive(page: Page, demo, live_server):
    always_open()
    page.goto("/menu/")
    page.get_by_role("searchbox", name="Search dishes").fill("salad")
    expect(page).to_have_url(re.compile(r"search=salad"))  # pushed once the last search is swapped in
    add_to_cart(page, "Greek Salad", in_cart=1)
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/menu/$"))
    page.wait_for_load_state()  # htmx bound before "Add to cart" (a click does not wait for scripts)
    add_to_cart(page, "Lamb Kofta", in_cart=2)

    nav(page).get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    page.wait_for_load_state()  # htmx bound: else "One more" posts the plain form and reloads, without the status
    page.get_by_role("button", name="One more Greek Salad").click()
    expect(page.get_by_label("Quantity of Greek Salad")).to_have_value("2")
    expect(page.locator("#cart-status")).to_have_text("Greek Salad: 2 in your cart.")
    total = page.locator(".cart-summary .totals__total dd").inner_text()
    assert sorted(CartLine.objects.filter(guest_cart__isnull=False).values_list("menuitem__title", "quantity")) == [
        ("Greek Salad", 2),
        ("Lamb Kofta", 1),
    ]  # a visitor's cart is a guest cart

    sign_up_at_checkout(page, "tilly")
    tilly = User.objects.get(username="tilly")
    assert sorted(CartLine.objects.values_list("user", "menuitem__title", "quantity")) == [
        (tilly.pk, "Greek Salad", 2),
        (tilly.pk, "Lamb Kofta", 1),
    ]  # folded into the account's cart: the guest cart is emptied
    expect(page.locator("#checkout-summary .summary__dish")).to_have_text(["2 × Greek Salad", "1 × Lamb Kofta"])
    expect(page.locator("#checkout-summary .totals__total dd")).to_have_text(total)

    order = place_delivery_order(page, "12 Olive Street, flat 3")
    assert order.customer == tilly and f"${order.total}" == total
    assert order.status == OrderStatus.PLACED and not CartLine.objects.filter(user=tilly).exists()

    watch_it_move_to_delivered(page, live_server.url, order)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED

    nav(page).get_by_role("link", name=re.compile("Your account")).click()
    page.get_by_role("link", name="My orders").click()
    expect(page.locator(".order-card .status")).to_have_text(["Delivered"])


def test_a_customer_books_a_table_and_cancels_it(page: Page, demo):
    UserFactory(username="tilly", password=PASSWORD)
    page.goto("/account/login/")
    page.get_by_label("Username").fill("tilly")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    time_label = book_a_table_tomorrow(page, party_size="2 people", notes="A <b>birthday</b>")

    booking = Booking.objects.get(customer__username="tilly")
    assert booking.party_size == 2 and booking.notes == "A <b>birthday</b>"
    card = page.locator(".booking-card")
    expect(card).to_contain_text(f"Tomorrow at {time_label}")
    expect(card).to_contain_text("“A <b>birthday</b>”")  # shown as typed, not as markup

    card.get_by_role("button", name="Cancel booking").click()
    expect(page.locator(".message--success")).to_contain_text("is cancelled")
    expect(page.get_by_text("No bookings coming up.")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
