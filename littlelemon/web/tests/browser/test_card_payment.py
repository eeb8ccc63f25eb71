"""A card order end to end in the browser, against localstripe (its fake Stripe.js and API on
loopback, its signed webhooks sent to the live server): a declined card shows Stripe's message
and keeps the cart; another card pays, the order is placed and its page says how it was paid."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.payments.models import Payment, WebhookEvent
from littlelemon.payments.tests.fakes import DECLINED, SUCCEEDS
from littlelemon.payments.tests.fixtures import wait_for

from .journeys import always_open


def fill_card(page: Page, number: str) -> None:
    """localstripe's Card Element: plain inputs named by their placeholders."""
    card = page.locator("#card-element")
    card.get_by_placeholder("number").fill(number)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("60601")


def test_a_card_order_end_to_end(new_page, localstripe_webhooks, localstripe):
    always_open()
    tilly = UserFactory(username="tilly", password=PASSWORD)
    CartLineFactory(user=tilly, menuitem=MenuItemFactory(title="Greek Salad", price=Decimal("12.50")), quantity=2)
    page: Page = new_page(csp_sources=[localstripe])

    page.goto("/account/login/?next=/checkout/")
    page.get_by_label("Username").fill("tilly")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    page.get_by_role("radio", name="Pickup", exact=True).check()
    page.get_by_role("radio", name="As soon as possible").check()
    page.get_by_role("radio", name="Card online, now").check()
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Pay for order #\d+$"))
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    fill_card(page, DECLINED)
    page.get_by_role("button", name="Pay $25.00").click()
    expect(page.locator("#pay-error")).to_have_text("Your card was declined.")
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
    assert CartLine.objects.filter(user=tilly).count() == 1

    fill_card(page, SUCCEEDS)
    page.get_by_role("button", name="Pay $25.00").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{order.pk}")
    expect(page.locator(".tracking__status")).to_have_text("Placed")
    expect(page.locator(".order-payment dd")).to_contain_text("$25.00 by card online")
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.payment_status == "paid"
    assert not CartLine.objects.filter(user=tilly).exists()
    assert list(Payment.objects.values_list("attempt", "status")) == [(1, "failed"), (2, "succeeded")]
    wait_for(lambda: WebhookEvent.objects.filter(type="payment_intent.succeeded").exists())
    assert Payment.objects.filter(status="succeeded").count() == 1
