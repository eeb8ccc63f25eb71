"""The kitchen display in Chromium (LIVE_MODE=poll on the WSGI live server): a new order's card
appears without a reload and its alert beeps until acknowledged; bump twice, recall once; and,
like the customer pages, 360 px and WCAG AA contrast."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from littlelemon.accounts.models import User
from littlelemon.cart.services import cart_item_add
from littlelemon.demo.data import USERS
from littlelemon.menu.models import MenuItem
from littlelemon.orders import transitions
from littlelemon.orders.models import Order
from littlelemon.orders.placement import order_place

from .journeys import always_open
from .test_contrast import assert_readable
from .test_phone import horizontal_overflow


@pytest.fixture
def kitchen_settings(settings):
    settings.LIVE_MODE = "poll"
    settings.LIVE_POLL_SECONDS = 1
    settings.KITCHEN_SHOWS_PLACED = True
    settings.KITCHEN_RECALL_MINUTES = 3


def log_in_to_the_kitchen(page: Page, username: str = "kitchen") -> None:
    page.goto("/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(USERS[username][0])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto("/staff/kitchen/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Kitchen"))


def place_an_order(notes: str):
    customer = User.objects.get(username="customer")
    dish = MenuItem.objects.filter(available=True).exclude(allergens=[]).order_by("pk").first()
    cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=2)
    order, _ = order_place(customer=customer, fulfilment="pickup", notes=notes)
    return order, dish


def test_a_new_order_beeps_until_acknowledged_then_bump_twice_and_recall(page: Page, demo, kitchen_settings):
    always_open()
    log_in_to_the_kitchen(page)
    kitchen = page.locator("[data-kitchen]")
    page.get_by_role("button", name="Start shift").click()
    expect(kitchen).to_have_attribute("data-shift", "on")
    expect(kitchen).to_have_attribute("data-alerting", "false")

    order, dish = place_an_order("<b>extra lemon</b>")

    card = page.locator(f'[data-ticket][data-order-id="{order.pk}"]')
    expect(card).to_be_visible()  # no reload: the board polled it in
    expect(card.locator(".ticket__notes")).to_have_text("Note: <b>extra lemon</b>")
    expect(card.locator(".ticket__dish")).to_have_text(dish.title)
    expect(card.locator(".ticket__qty")).to_have_text("2×")
    expect(kitchen).to_have_attribute("data-alerting", "true")
    expect(kitchen).not_to_have_attribute("data-alerts-played", "0")
    acknowledge = page.get_by_role("button", name=re.compile(r"^Acknowledge \(1 new\)"))
    expect(acknowledge).to_be_visible()
    expect(card).to_have_class(re.compile(r"ticket--new"))
    # It repeats until someone taps Acknowledge.
    played = int(kitchen.get_attribute("data-alerts-played"))
    expect(kitchen).to_have_attribute("data-alerts-played", str(played + 1), timeout=6_000)

    acknowledge.click()
    expect(kitchen).to_have_attribute("data-alerting", "false")
    expect(acknowledge).to_be_hidden()
    expect(card).not_to_have_class(re.compile(r"ticket--new"))
    # The kitchen may not accept: a manager does.
    expect(card.get_by_text("Waiting for a manager to accept")).to_be_visible()
    transitions.order_status_change(order=order.pk, actor=User.objects.get(username="manager"), status="accepted")

    card.get_by_role("button", name="Start").click()
    expect(card.locator(".ticket__status")).to_have_text("Preparing")
    card.get_by_role("button", name="Ready").click()
    expect(card).to_have_count(0)
    recent = page.locator(f'[data-recent][data-order-id="{order.pk}"]')
    expect(recent).to_be_visible()
    recent.get_by_role("button", name="Recall").click()
    expect(card.locator(".ticket__status")).to_have_text("Preparing")
    order.refresh_from_db()
    assert order.status == "preparing"
    assert order.events.order_by("-id").first().note == "Recalled by the kitchen."
    # A card seen before that comes back (a recall) does not beep again.
    expect(kitchen).to_have_attribute("data-alerting", "false")


def test_the_kitchen_display_at_360_px(phone: Page, demo, kitchen_settings):
    always_open()
    order, _ = place_an_order("No onions, please, and a very long note that must wrap rather than scroll sideways " * 2)
    transitions.order_status_change(order=order.pk, actor=User.objects.get(username="manager"), status="accepted")
    log_in_to_the_kitchen(phone)

    expect(phone.locator("[data-ticket]").first).to_be_visible()
    assert horizontal_overflow(phone) == 0, "/staff/kitchen/ scrolls sideways on a 360 px screen"
    bump = phone.locator(f'[data-order-id="{order.pk}"] .button--bump')
    box = bump.bounding_box()
    assert box["height"] >= 40

    # The demo's stations; choosing one applies at once and this screen remembers it.
    phone.get_by_label("Station").select_option(label="Bar")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kitchen · Bar")
    expect(phone.locator(f'[data-order-id="{order.pk}"]')).to_have_count(0)  # no drinks in it
    phone.goto("/staff/kitchen/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kitchen · Bar")
    assert horizontal_overflow(phone) == 0


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_the_kitchen_pages_meet_wcag_aa_contrast(request, viewport, demo, kitchen_settings):
    page: Page = request.getfixturevalue(viewport)
    always_open()
    late, _ = place_an_order("Allergic to nuts")
    waiting, _ = place_an_order("")
    Order.objects.filter(pk=late.pk).update(created=timezone.now() - timedelta(hours=1))
    Order.objects.filter(pk=waiting.pk).update(created=timezone.now() - timedelta(minutes=15))
    log_in_to_the_kitchen(page, "manager")
    # The age timers' amber and red.
    expect(page.locator(f'[data-order-id="{late.pk}"]')).to_have_class(re.compile(r"ticket--late"))
    expect(page.locator(f'[data-order-id="{waiting.pk}"]')).to_have_class(re.compile(r"ticket--warning"))
    expect(page.locator("[data-ticket]").first).to_be_visible()
    assert_readable(page, "/staff/kitchen/")
    page.get_by_role("button", name="Start shift").click()
    place_an_order("A new one")
    expect(page.get_by_role("button", name=re.compile(r"^Acknowledge"))).to_be_visible()
    assert_readable(page, "/staff/kitchen/ (a new order alerting)")
    for path in ["/staff/kitchen/stations/"]:
        page.goto(path)
        assert_readable(page, path)
