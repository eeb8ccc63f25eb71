"""The card step of checkout (web/views/payments.py) against the fake Stripe HTTP client."""

import uuid

import pytest
from django.urls import reverse

from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.payments.models import Payment
from littlelemon.payments.tests.fakes import DECLINED, NEEDS_3DS, SUCCEEDS

from .htmltext import text, texts

pytestmark = pytest.mark.django_db


def checkout(client, method: str):
    return client.post(
        reverse("web:checkout"),
        {
            "fulfilment": "pickup",
            "delivery_address": "",
            "when": "asap",
            "scheduled_for": "",
            "tip": "0",
            "payment_method": method,
            "notes": "",
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@pytest.fixture
def shopper(client, customer, menu):
    CartLineFactory(user=customer, menuitem=menu["hummus"], quantity=2)
    client.force_login(customer)
    return customer


def test_card_online_is_offered_only_when_stripe_is_configured(client, shopper, settings):
    assert 'value="online"' not in client.get(reverse("web:checkout")).content.decode()
    response = checkout(client, "online")
    assert response.status_code == 200
    assert not Order.objects.exists()

    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY, settings.STRIPE_WEBHOOK_SECRET = ("sk", "pk", "wh")
    assert 'value="online"' in client.get(reverse("web:checkout")).content.decode()


def test_checkout_by_card_online_goes_to_the_card_step_with_stripe_js_allowed(client, shopper, fake_stripe, settings):
    settings.STRIPE_JS_URL = "http://127.0.0.1:8420/js.stripe.com/v3/"
    response = checkout(client, "online")
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert response["Location"] == reverse("web:order_pay", args=[order.pk])
    assert CartLine.objects.filter(user=shopper).count() == 1

    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<script src="http://127.0.0.1:8420/js.stripe.com/v3/">' in html
    assert 'data-publishable-key="pk_test_12345"' in html
    policy = page["Content-Security-Policy"]
    for directive in ("script-src", "frame-src", "connect-src"):
        assert "http://127.0.0.1:8420" in policy.split(directive, 1)[1].split(";", 1)[0]
    # Other pages do not allow it.
    assert "127.0.0.1:8420" not in client.get(reverse("web:checkout"))["Content-Security-Policy"]


def test_paying_places_the_order_and_empties_the_cart(client, shopper, fake_stripe):
    checkout(client, "online")
    order = Order.objects.get()
    response = client.post(reverse("web:order_pay", args=[order.pk]), {"token": fake_stripe.token_for(SUCCEEDS)})
    assert response["Location"] == reverse("web:order", args=[order.pk])
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not CartLine.objects.filter(user=shopper).exists()
    html = client.get(response["Location"]).content.decode()
    assert "paid by card online" in html.lower() or "by card online" in html


def test_a_declined_card_shows_stripes_message_and_keeps_the_cart(client, shopper, fake_stripe):
    checkout(client, "online")
    order = Order.objects.get()
    response = client.post(reverse("web:order_pay", args=[order.pk]), {"token": fake_stripe.token_for(DECLINED)})
    assert response["Location"] == reverse("web:order_pay", args=[order.pk])  # a GET: a reload charges nothing
    page = client.get(response["Location"])
    assert text(page.content, id="pay-error") == "Your card was declined."
    assert text(client.get(response["Location"]).content, id="pay-error") == ""  # said once
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
    assert CartLine.objects.filter(user=shopper).count() == 1


def test_three_d_secure_hands_the_client_secret_to_stripe_js_then_checks_the_return(client, shopper, fake_stripe):
    checkout(client, "online")
    order = Order.objects.get()
    response = client.post(reverse("web:order_pay", args=[order.pk]), {"token": fake_stripe.token_for(NEEDS_3DS)})
    payment = Payment.objects.get()
    assert f'data-client-secret="{payment.provider_id}_secret_x"' in response.content.decode()
    fake_stripe.authenticate(payment.provider_id)
    back = client.get(reverse("web:order_pay_return", args=[order.pk]), {"payment_intent": payment.provider_id})
    assert back["Location"] == reverse("web:order", args=[order.pk])
    assert Order.objects.get().status == OrderStatus.PLACED


def test_no_one_else_pays_or_returns_for_the_order(client, shopper, fake_stripe, other_customer):
    checkout(client, "online")
    order = Order.objects.get()
    client.force_login(other_customer)
    assert client.get(reverse("web:order_pay", args=[order.pk])).status_code == 404
    assert client.post(reverse("web:order_pay", args=[order.pk]), {"token": "tok_1"}).status_code == 404
    assert client.get(reverse("web:order_pay_return", args=[order.pk]), {"payment_intent": "pi_1"}).status_code == 404
    assert not Payment.objects.exists()
    client.logout()
    assert client.get(reverse("web:order_pay", args=[order.pk]))["Location"].startswith("/account/login/")


def test_the_order_page_shows_the_refunds_after_a_partial_refund(
    client, shopper, fake_stripe, manager, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from django.utils import dateformat, timezone

    from littlelemon.payments import services

    checkout(client, "online")
    order = Order.objects.get()
    client.post(reverse("web:order_pay", args=[order.pk]), {"token": fake_stripe.token_for(SUCCEEDS)})
    with django_capture_on_commit_callbacks(execute=True):
        done = services.refund_request(order=order.pk, actor=manager, amount=Decimal("5.00"), reason="Cold fries")
    fake_stripe.unreachable = True  # no answer: this one is on its way
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_request(order=order.pk, actor=manager, amount=Decimal("2.00"), reason="No napkins")
    fake_stripe.unreachable = False
    fake_stripe.refunds_refused = "Charge disputed."  # refused: not money the customer gets
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_request(order=order.pk, actor=manager, amount=Decimal("1.00"), reason="Refused one")

    html = client.get(reverse("web:order", args=[order.pk])).content.decode()

    done.refresh_from_db()
    paid_on = dateformat.format(timezone.localtime(Payment.objects.get().captured_at), "j F")
    refunded_on = dateformat.format(timezone.localtime(done.refunded_at), "j F")
    assert texts(html, css_class="order-payment") == [
        f"Paid ${order.total} by card online on {paid_on} · partly refunded"
    ]
    assert texts(html, css_class="order-refund") == [
        f"Refund $5.00 on {refunded_on}: Cold fries",
        "Refund $2.00 (on its way to your card): No napkins",
    ]
    assert "Refused one" not in html
