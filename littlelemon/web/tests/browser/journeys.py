"""Steps the browser tests share: a visitor's way from the menu to a placed order, staff moving
the order on through the API, booking a table. Each step checks what a person would see."""

import json
import re
import urllib.request
from datetime import timedelta

from playwright.sync_api import Page, expect
from rest_framework_simplejwt.tokens import AccessToken

from littlelemon.accounts.models import User
from littlelemon.orders.models import Order
from littlelemon.restaurant.models import Closure, OpeningHours
from littlelemon.restaurant.selectors import restaurant_today

PASSWORD = "lemons are sunshine"


def always_open() -> None:
    """No opening hours and no closures: the restaurant takes orders whenever the tests run."""
    OpeningHours.objects.all().delete()
    Closure.objects.all().delete()


def nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def add_to_cart(page: Page, dish: str, *, in_cart: int) -> None:
    """ "Add to cart" on the menu card of `dish`: the header's count changes without a reload."""
    card = page.locator("#menu-results article").filter(has=page.get_by_role("link", name=dish, exact=True))
    card.get_by_role("button", name="Add to cart").click()
    expect(card.locator(".add-to-cart__status")).to_contain_text(f"{dish} is in your cart")
    expect(nav(page).get_by_role("link", name=re.compile(r"^Cart"))).to_have_text(re.compile(rf"Cart {in_cart}\b"))


def sign_up_at_checkout(page: Page, username: str) -> None:
    """From the cart: checkout asks to sign up; signing up comes back to checkout, cart kept."""
    page.get_by_role("link", name="Go to checkout").click()
    expect(page.get_by_role("group", name="Your details")).to_be_visible()  # or order as a guest
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(f"{username}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")


def place_delivery_order(page: Page, address: str) -> Order:
    page.get_by_role("radio", name="Delivery", exact=True).check()
    page.get_by_label("Delivery address").fill(address)
    page.get_by_role("radio", name="As soon as possible").check()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Order #\d+$"))
    order_id = int(re.search(r"/orders/(\d+)/", page.url).group(1))
    expect(page.locator(".tracking__status")).to_have_text("Placed")
    return Order.objects.get(pk=order_id)


def place_guest_pickup_order(page: Page) -> Order:
    """From checkout, as a visitor: Gina's details, pickup as soon as possible, "Place order";
    she lands on the order's tracking page."""
    details = page.get_by_role("group", name="Your details")
    details.get_by_label("Your name").fill("Gina Guest")
    details.get_by_label("E-mail address").fill("gina@example.com")
    details.get_by_label("Phone number").fill("+1 555 010 0200")
    page.get_by_role("radio", name="Pickup", exact=True).check()
    page.get_by_role("radio", name="As soon as possible").check()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Order #\d+$"))
    assert "/track/" in page.url
    return Order.objects.get(pk=int(re.search(r"\d+", page.get_by_role("heading", level=1).inner_text()).group()))


def staff_log_in(page: Page, username: str, password: str, *, lands_on: str) -> None:
    """Log in through the page as a staff member, who lands on their own screen (its scripts run)."""
    page.goto("/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(lands_on) + "$"))
    page.wait_for_load_state()


def api_post(base_url: str, user: User, path: str, body: dict) -> dict:
    """A staff member's call to the API, as any API client makes it (JWT, JSON)."""
    request = urllib.request.Request(  # noqa: S310 (the live test server)
        f"{base_url}{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {AccessToken.for_user(user)}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def staff_move(base_url: str, order: Order, status: str) -> None:
    manager = User.objects.get(username="manager")
    if status == "out_for_delivery":
        driver = User.objects.get(username="driver")
        api_post(base_url, manager, f"/api/v1/orders/{order.pk}/assign/", {"delivery_crew": driver.pk})
    answer = api_post(base_url, manager, f"/api/v1/orders/{order.pk}/status/", {"status": status})
    assert answer["status"] == status


def watch_it_move_to_delivered(page: Page, base_url: str, order: Order) -> None:
    """Staff move the order on through the API; the order page follows by itself (no reload),
    then stops asking once the order is delivered."""
    page.evaluate("window.stillTheSamePage = true")
    status = page.locator(".tracking__status")
    staff_move(base_url, order, "accepted")
    expect(status).to_have_text("Accepted")
    expect(page.locator(".tracking__headline")).to_have_text("The restaurant has accepted your order.")
    for step in ("preparing", "ready", "out_for_delivery"):
        staff_move(base_url, order, step)
    expect(status).to_have_text("Out for delivery")
    expect(page.locator(".tracking__headline")).to_have_text("Your order is on its way with Dimitri.")
    staff_move(base_url, order, "delivered")
    expect(status).to_have_text("Delivered")
    expect(page.locator(".timeline__step--current")).to_have_count(0)
    expect(page.locator("#order-tracking")).not_to_have_attribute("hx-trigger", re.compile("every"))
    expect(page.get_by_text("This page updates by itself.")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True


def book_a_table_tomorrow(page: Page, *, party_size: str, notes: str) -> str:
    """From the header: the date and party size show the free times (in place), one is chosen,
    "Book table". Returns the chosen time's label."""
    nav(page).get_by_role("link", name="Book a table").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a table")
    tomorrow = restaurant_today() + timedelta(days=1)
    page.get_by_label("Date").fill(f"{tomorrow:%Y-%m-%d}")
    page.get_by_label("Party size").select_option(label=party_size)
    legend = page.locator("#booking-slots legend")
    expect(legend).to_have_text(f"Free times tomorrow for {party_size}")
    # The date and the party size each asked for the times; choose once the last answer is in
    # (htmx marks #booking-slots, the indicator, while a request is under way).
    expect(page.locator("#booking-slots.htmx-request")).to_have_count(0)
    first_time = page.locator("#booking-slots").get_by_role("radio").first
    label = page.locator("#booking-slots .slot").first.inner_text().strip()
    first_time.check()
    expect(first_time).to_be_checked()
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Book table").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    expect(page.locator(".message--success")).to_contain_text(f"Your table for {party_size} is booked: Tomorrow at")
    return label
