"""The delivery-crew app on a 360 px phone (LIVE_MODE=poll on the WSGI live server): an order a
manager assigns appears by itself, "On my way", "Delivered" with the recipient's name, a ready
order taken from the list; the service worker installs and the app opens offline; contrast."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.orders import transitions
from littlelemon.orders.models import DeliveryProof, Order
from littlelemon.orders.tests.factories import OrderFactory

from .journeys import staff_log_in
from .test_contrast import assert_readable


@pytest.fixture
def crew(transactional_db, settings):
    settings.LIVE_MODE = "poll"
    settings.LIVE_POLL_SECONDS = 1
    settings.DELIVERY_CREW_TAKES_READY_ORDERS = True
    for role in Role:  # the test database may have been flushed: the roles' groups
        Group.objects.get_or_create(name=role)
    driver = UserFactory(username="dimitri", first_name="Dimitri", roles=[Role.DELIVERY_CREW])
    manager = UserFactory(roles=[Role.MANAGER])
    kitchen = UserFactory(roles=[Role.KITCHEN])
    return driver, manager, kitchen


def log_in(page: Page, username: str) -> None:
    staff_log_in(page, username, PASSWORD, lands_on="/staff/deliveries/")


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_driver_delivers_an_order_assigned_while_the_app_is_open(phone: Page, crew):
    driver, manager, kitchen = crew
    customer = UserFactory(first_name="Ana", last_name="Lopez", phone="+1 312 555 0142")
    order = OrderFactory(status="preparing", customer=customer, notes="<b>Ring twice</b>", items=2)
    log_in(phone, "dimitri")
    phone.goto("/staff/deliveries/")
    expect(phone.get_by_role("heading", name="My deliveries")).to_be_visible()
    expect(phone.get_by_text("Nothing to deliver right now.")).to_be_visible()
    phone.evaluate("window.stillTheSamePage = true")

    # A manager assigns it: it appears by itself, still in the kitchen.
    transitions.order_assign(order=order, actor=manager, delivery_crew=driver)
    card = phone.locator(f"#order-{order.pk}")
    expect(card).to_contain_text("Being prepared")
    expect(card).to_contain_text("Ana Lopez")
    expect(card).to_contain_text("<b>Ring twice</b>")  # the customer's note, as typed
    expect(card.get_by_role("link", name="Call +1 312 555 0142")).to_have_attribute("href", "tel:+13125550142")
    expect(card.get_by_role("link", name=re.compile("Open the map"))).to_have_attribute("target", "_blank")
    expect(card).to_contain_text("$27.50 · cash")
    expect(card.get_by_role("button", name="On my way")).to_have_count(0)

    # The kitchen marks it ready: "On my way" appears, still without a reload.
    transitions.order_status_change(order=order, actor=kitchen, status="ready")
    expect(card).to_contain_text("Ready to collect from the kitchen")
    assert phone.evaluate("window.stillTheSamePage") is True
    assert horizontal_overflow(phone) == 0
    assert_readable(phone, "/staff/deliveries/")

    card.get_by_role("button", name="On my way").click()
    expect(phone.get_by_text(f"Order #{order.pk}: you are on your way.")).to_be_visible()
    expect(card).to_contain_text("On the way")
    assert Order.objects.get(pk=order.pk).status == "out_for_delivery"

    card.get_by_role("link", name="Delivered…").click()
    expect(phone).to_have_url(f"{phone.url.split('/staff/')[0]}/staff/deliveries/{order.pk}/")
    phone.get_by_role("button", name="Delivered").click()  # no name: refused, nothing written
    expect(phone.get_by_label("Who took the order?")).to_be_focused()
    assert Order.objects.get(pk=order.pk).status == "out_for_delivery"
    assert horizontal_overflow(phone) == 0
    assert_readable(phone, f"/staff/deliveries/{order.pk}/")
    phone.get_by_label("Who took the order?").fill("Ana herself")
    phone.get_by_role("button", name="Delivered").click()

    expect(phone.get_by_text(f"Order #{order.pk} is delivered. Thank you!")).to_be_visible()
    expect(phone.get_by_text("Nothing to deliver right now.")).to_be_visible()
    expect(phone.locator(".delivered-list")).to_contain_text("to Ana herself")
    assert Order.objects.get(pk=order.pk).status == "delivered"
    assert DeliveryProof.objects.get(order=order).recipient_name == "Ana herself"
    assert_readable(phone, "/staff/deliveries/ after a delivery")


def test_a_driver_takes_a_ready_order_from_the_list(phone: Page, crew):
    driver, _manager, _kitchen = crew
    log_in(phone, "dimitri")
    phone.goto("/staff/deliveries/")
    expect(phone.get_by_text("No ready order is waiting for a driver.")).to_be_visible()
    # While nothing changes, the polls are answered 304 and the list is left as it is.
    phone.wait_for_timeout(2500)
    phone.evaluate("document.querySelector('#delivery-list section').dataset.untouched = 'yes'")
    phone.wait_for_timeout(2500)
    expect(phone.locator("#delivery-list section").first).to_have_attribute("data-untouched", "yes")

    order = OrderFactory(status="ready")
    card = phone.locator(f"#order-{order.pk}")
    card.get_by_role("button", name="Take it").click()

    expect(phone.get_by_text(f"Order #{order.pk} is yours")).to_be_visible()
    expect(phone.get_by_role("region", name=re.compile("To deliver")).locator(f"#order-{order.pk}")).to_contain_text(
        "Ready to collect from the kitchen"
    )
    assert Order.objects.get(pk=order.pk).delivery_crew == driver


def test_the_app_installs_its_service_worker_and_opens_offline(phone: Page, crew):
    log_in(phone, "dimitri")
    phone.goto("/staff/deliveries/")

    scope = phone.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope.endswith("/staff/deliveries/")
    manifest = phone.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then((response) => response.json())"
    )
    assert manifest["start_url"] == "/staff/deliveries/" and manifest["display"] == "standalone"
    # Once the worker controls the page (after its first load), a page that cannot be reached is
    # answered with the offline page.
    phone.reload()
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    try:
        phone.goto("/staff/deliveries/")
        expect(phone.get_by_role("heading", name="You are offline")).to_be_visible()
        expect(phone.get_by_text("Your deliveries will show again when the connection is back.")).to_be_visible()
        assert_readable(phone, "the offline page")
    finally:
        phone.context.set_offline(False)
