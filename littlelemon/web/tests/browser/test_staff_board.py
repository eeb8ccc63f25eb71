"""The manager's order board in a browser (LIVE_MODE=poll on the WSGI live server): an order
placed meanwhile appears without a reload; accept with 20 minutes; assign the least busy driver;
cancel another with a reason after confirming; 360 px and WCAG AA contrast."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import placement
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.orders.tests.factories import OrderFactory

from .journeys import always_open, staff_log_in
from .test_contrast import assert_readable
from .test_phone import horizontal_overflow


@pytest.fixture
def live_poll(settings):
    settings.LIVE_MODE = "poll"
    settings.LIVE_POLL_SECONDS = 1


@pytest.fixture
def restaurant(transactional_db, live_poll):
    always_open()
    for role in Role:  # an earlier transactional test may have emptied the table of roles
        Group.objects.get_or_create(name=role)
    manager = UserFactory(username="mario", first_name="Mario", last_name="Rossi", roles=["manager"])
    busy = UserFactory(first_name="Busy", last_name="Driver", roles=["delivery-crew"])
    idle = UserFactory(first_name="Idle", last_name="Driver", roles=["delivery-crew"])
    OrderFactory(status=OrderStatus.PREPARING, delivery_crew=busy, items=1)
    customer = UserFactory(first_name="Tilly", last_name="Customer", phone="+1 312 555 0100")
    return {"manager": manager, "idle": idle, "customer": customer}


def place(customer, dish: str) -> Order:
    CartLineFactory(user=customer, menuitem=MenuItemFactory(title=dish, price=Decimal("12.00")), quantity=2)
    order, _ = placement.order_place(customer=customer, fulfilment="delivery", delivery_address="1 Lemon Street")
    return order


def log_in(page: Page, username: str) -> None:
    staff_log_in(page, username, PASSWORD, lands_on="/staff/orders/")


def card(page: Page, order: Order, column: str | None = None):
    scope = page.locator(f".board-column--{column}") if column else page
    return scope.locator(f"#order-{order.pk}")


def test_the_manager_works_the_board(page: Page, restaurant):
    first = place(restaurant["customer"], "Moussaka")
    log_in(page, "mario")
    page.goto("/staff/orders/")
    expect(card(page, first, "placed")).to_contain_text("Tilly Customer")

    second = place(restaurant["customer"], "Hummus")  # while the board is open
    expect(card(page, second, "placed")).to_contain_text("2 × Hummus")  # no reload
    expect(page.locator("#column-placed .board-count")).to_have_text("2")

    first_card = card(page, first)
    first_card.get_by_label("Ready in (minutes)").fill("20")
    first_card.get_by_role("button", name=f"Accept #{first.pk}").click()
    expect(page.locator(".board-messages")).to_contain_text(f"Order #{first.pk} accepted")
    expect(card(page, first, "accepted")).to_contain_text("Estimate")
    first.refresh_from_db()
    assert first.status == OrderStatus.ACCEPTED
    assert 19 * 60 < (first.estimated_ready_at - first.events.last().at).total_seconds() <= 20 * 60

    card(page, first).get_by_role("button", name="Assign least busy").click()
    expect(page.locator(".board-messages")).to_contain_text("assigned to Idle Driver, the least busy driver")
    expect(card(page, first).locator(".order-card__facts")).to_contain_text("Idle Driver")
    first.refresh_from_db()
    assert first.delivery_crew == restaurant["idle"]

    card(page, second).get_by_role("link", name=f"Cancel #{second.pk}…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cancel order #{second.pk}?")
    page.get_by_label("Reason").fill("Out of hummus")
    page.get_by_role("button", name=f"Cancel order #{second.pk}").click()
    expect(page).to_have_url(re.compile(r"/staff/orders/$"))
    expect(page.locator(".staff-messages")).to_contain_text(f"Order #{second.pk} cancelled")
    expect(card(page, second)).to_have_count(0)
    page.locator(".board-finished summary").click()
    expect(page.locator(".board-finished")).to_contain_text(f"#{second.pk}")
    second.refresh_from_db()
    assert (second.status, second.events.last().note) == (OrderStatus.CANCELLED, "Out of hummus")


def test_at_360_px_the_columns_stack_and_nothing_scrolls_sideways(phone: Page, restaurant):
    order = place(restaurant["customer"], "Moussaka")
    log_in(phone, "mario")
    for path in ("/staff/orders/", f"/staff/orders/{order.pk}/", f"/staff/orders/{order.pk}/reject/"):
        phone.goto(path)
        assert horizontal_overflow(phone) == 0, f"{path} scrolls sideways on a 360 px screen"

    phone.goto("/staff/orders/")
    placed, accepted = phone.locator(".board-column--placed"), phone.locator(".board-column--accepted")
    first, second = placed.bounding_box(), accepted.bounding_box()
    assert first["x"] == second["x"] and second["y"] > first["y"]  # one under the other
    assert first["width"] >= 320
    accept = card(phone, order).get_by_role("button", name=f"Accept #{order.pk}")
    assert accept.bounding_box()["height"] >= 32


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_the_board_meets_wcag_aa_contrast(request, viewport, restaurant):
    page: Page = request.getfixturevalue(viewport)
    order = place(restaurant["customer"], "Moussaka")
    log_in(page, "mario")
    for path in ("/staff/orders/", f"/staff/orders/{order.pk}/", f"/staff/orders/{order.pk}/cancel/"):
        page.goto(path)
        assert_readable(page, path)

    page.goto("/staff/orders/")
    page.get_by_role("button", name="Pause online orders").click()
    expect(page.locator(".staff-messages")).to_contain_text("Online orders are paused")
    page.locator(".board-finished summary").click()
    assert_readable(page, "/staff/orders/ paused, with a message")
    page.get_by_role("button", name="Resume online orders").click()
    expect(page.locator(".staff-messages")).to_contain_text("open again")
