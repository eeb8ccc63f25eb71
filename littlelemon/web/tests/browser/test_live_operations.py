"""One order through every screen at once, as a Friday night works: four browsers (the customer,
the kitchen display, the manager's board, the driver's phone) on a real ASGI server (uvicorn).
Nobody reloads: each screen learns of each step by itself, by the live stream (LIVE_MODE=stream)
or by polling with If-None-Match (LIVE_MODE=poll, as on AWS Lambda). Then the reconnection: the
server stops and starts under an open kitchen display; the order placed meanwhile appears once."""

import re

import pytest
from playwright.sync_api import Page, expect

from littlelemon.accounts.models import User
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.demo.data import USERS
from littlelemon.menu.models import MenuItem
from littlelemon.orders import placement
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import DeliveryProof, Order

from .conftest import PHONE
from .journeys import add_to_cart, always_open, place_delivery_order, staff_log_in

STREAM = re.compile(r"/live/stream/")
# The customer's page writes down every status it shows, as it shows it.
RECORD_STATUSES = """() => {
  const now = () => document.querySelector(".tracking__status")?.textContent.trim();
  window.statusesSeen = [now()];
  new MutationObserver(() => {
    const status = now();
    if (status && window.statusesSeen.at(-1) !== status) window.statusesSeen.push(status);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

# How long the customer's page may take to show a step: a poll every second, but a CI machine
# running two browser tests at once has been seen to need more than Playwright's 5 s.
STATUS_WAIT_MS = 15_000


def log_in(page: Page, username: str, lands_on: str) -> None:
    staff_log_in(page, username, USERS[username][0], lands_on=lands_on)


def ticket(kitchen: Page, order: Order):
    return kitchen.locator(f'[data-ticket][data-order-id="{order.pk}"]')


@pytest.mark.parametrize("mode", ["stream", "poll"])
def test_an_order_travels_live_through_every_screen(new_page, asgi_server_factory, demo, mode):
    always_open()
    # This kitchen sees orders as soon as they are placed (KITCHEN_SHOWS_PLACED): its alert is the
    # first sign of a new order.
    server = asgi_server_factory(LIVE_MODE=mode, LIVE_POLL_SECONDS="1", KITCHEN_SHOWS_PLACED="true")
    customer, kitchen, manager = (new_page(base_url=server.url) for _ in range(3))
    driver = new_page(base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True)

    log_in(kitchen, "kitchen", "/staff/kitchen/")
    kitchen.get_by_role("button", name="Start shift").click()
    display = kitchen.locator("[data-kitchen]")
    expect(display).to_have_attribute("data-shift", "on")
    log_in(manager, "manager", "/staff/orders/")
    log_in(driver, "driver", "/staff/deliveries/")
    log_in(customer, "customer", "/")
    for screen in (kitchen, manager, driver):
        expect(screen.locator("body")).to_have_attribute("data-live", mode)
        screen.evaluate("window.stillTheSamePage = true")

    # The customer orders.
    customer.goto("/menu/")
    add_to_cart(customer, "Greek Salad", in_cart=1)
    add_to_cart(customer, "Moussaka", in_cart=2)
    customer.goto("/checkout/")
    order = place_delivery_order(customer, "7 Lemon Grove, Chicago")
    expect(customer.locator("[data-live]")).to_have_attribute("data-live", mode)
    customer.evaluate(RECORD_STATUSES)
    customer.evaluate("window.stillTheSamePage = true")
    status = customer.locator(".tracking__status")

    # The kitchen display shows the card by itself and sounds its alert until acknowledged.
    expect(ticket(kitchen, order)).to_contain_text("Greek Salad")
    expect(display).to_have_attribute("data-alerting", "true")
    expect(display).not_to_have_attribute("data-alerts-played", "0")
    kitchen.get_by_role("button", name=re.compile(r"^Acknowledge")).click()
    expect(display).to_have_attribute("data-alerting", "false")

    # The manager accepts it with an estimate, which the customer sees.
    card = manager.locator(f".board-column--placed #order-{order.pk}")
    expect(card).to_contain_text("Tilly Customer")
    card.get_by_label("Ready in (minutes)").fill("25")
    card.get_by_role("button", name=f"Accept #{order.pk}").click()
    expect(status).to_have_text("Accepted", timeout=STATUS_WAIT_MS)
    expect(customer.locator(".tracking__estimate")).to_contain_text("around")

    # The kitchen bumps it twice.
    ticket(kitchen, order).get_by_role("button", name="Start").click()
    expect(status).to_have_text("Preparing", timeout=STATUS_WAIT_MS)
    ticket(kitchen, order).get_by_role("button", name="Ready").click()
    expect(status).to_have_text("Ready", timeout=STATUS_WAIT_MS)
    expect(ticket(kitchen, order)).to_have_count(0)

    # The manager gives it to the driver, whose phone shows it by itself.
    manager.locator(f"#order-{order.pk}").get_by_role("button", name="Assign least busy").click()
    delivery = driver.locator(f"#order-{order.pk}")
    expect(delivery).to_contain_text("Ready to collect from the kitchen")
    delivery.get_by_role("button", name="On my way").click()
    expect(status).to_have_text("Out for delivery", timeout=STATUS_WAIT_MS)
    expect(customer.locator(".tracking__headline")).to_have_text("Your order is on its way with Dimitri.")
    driver.locator(f"#order-{order.pk}").get_by_role("link", name="Delivered…").click()
    driver.get_by_label("Who took the order?").fill("Tilly at the door")
    driver.get_by_role("button", name="Delivered").click()
    expect(driver.get_by_text(f"Order #{order.pk} is delivered. Thank you!")).to_be_visible()

    # The customer's page showed every step, live, without a reload.
    expect(status).to_have_text("Delivered", timeout=STATUS_WAIT_MS)
    assert customer.evaluate("window.statusesSeen") == [
        "Placed",
        "Accepted",
        "Preparing",
        "Ready",
        "Out for delivery",
        "Delivered",
    ]
    for screen in (customer, kitchen, manager):  # the driver opened the order's page to deliver it
        assert screen.evaluate("window.stillTheSamePage") is True
    expect(manager.locator(f".board-column--out_for_delivery #order-{order.pk}")).to_have_count(0)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert DeliveryProof.objects.get(order=order).recipient_name == "Tilly at the door"
    assert [event.to_status for event in order.events.filter(kind="status_changed")] == [
        "accepted",
        "preparing",
        "ready",
        "out_for_delivery",
        "delivered",
    ]


def test_the_kitchen_display_reconnects_after_a_server_restart_and_shows_what_came_meanwhile(
    new_page, asgi_server_factory, demo
):
    always_open()
    server = asgi_server_factory(LIVE_MODE="stream")
    kitchen = new_page(base_url=server.url)
    with kitchen.expect_response(STREAM):
        log_in(kitchen, "kitchen", "/staff/kitchen/")
    kitchen.evaluate("window.stillTheSamePage = true")
    indicator = kitchen.locator("[data-live-status]")
    expect(indicator).to_have_text("Live")
    before = kitchen.locator("[data-ticket]").count()

    server.stop()
    expect(indicator).to_have_text("Offline")
    customer = User.objects.get(username="customer")
    CartLineFactory(user=customer, menuitem=MenuItem.objects.get(title="Moussaka"), quantity=2)
    meanwhile, _ = placement.order_place(customer=customer, fulfilment="pickup")
    manager = User.objects.get(username="manager")
    from littlelemon.orders.transitions import order_status_change

    order_status_change(order=meanwhile, actor=manager, status=OrderStatus.ACCEPTED, estimated_minutes=15)

    with kitchen.expect_response(STREAM, timeout=20_000):
        server.start()
    expect(indicator).to_have_text("Live", timeout=20_000)
    expect(ticket(kitchen, meanwhile)).to_have_count(1)  # there, and once
    expect(ticket(kitchen, meanwhile)).to_contain_text("2× Moussaka")
    expect(kitchen.locator("[data-ticket]")).to_have_count(before + 1)
    assert kitchen.evaluate("window.stillTheSamePage") is True
