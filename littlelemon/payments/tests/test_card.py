"""The card flow against a fake HTTP client given to StripeClient (no network)."""

from decimal import Decimal

import pytest

from littlelemon.cart.models import CartLine
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import placement
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import OnlinePaymentUnavailable, OrderNotFound
from littlelemon.orders.models import Order
from littlelemon.payments import card
from littlelemon.payments.exceptions import CardDeclined, PaymentNotNeeded, PaymentProviderError
from littlelemon.payments.models import Payment

from .fakes import DECLINED, NEEDS_3DS, SUCCEEDS

pytestmark = pytest.mark.django_db


def test_online_card_is_refused_without_stripe_keys(customer, cart_of):
    cart_of(customer)
    with pytest.raises(OnlinePaymentUnavailable) as error:
        placement.order_place(customer=customer, fulfilment="pickup", payment_method="online")
    assert error.value.field == "payment_method"
    assert not Order.objects.exists()
    assert CartLine.objects.filter(user=customer).count() == 1


def test_an_order_paid_online_waits_with_the_cart_intact(online_order, customer):
    order = online_order()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.total == Decimal("25.00")  # 2 × 12.50, pickup, no tax by default
    assert CartLine.objects.filter(user=customer).count() == 1
    assert not OutboxEvent.objects.filter(type="order.placed").exists()
    assert order.items.count() == 1


def test_a_card_that_succeeds_places_the_order(fake_stripe, online_order, customer):
    order = online_order()
    outcome = card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))

    assert outcome.status == "succeeded"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.PLACED, "paid")
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.attempt, payment.method) == ("succeeded", order.total, 1, "online")
    assert payment.provider_id.startswith("pi_") and payment.captured_at is not None
    assert not CartLine.objects.filter(user=customer).exists()
    assert OutboxEvent.objects.filter(type="order.placed", aggregate_id=str(order.pk)).count() == 1
    assert list(order.events.values_list("kind", "to_status")) == [
        ("placed", "pending_payment"),
        ("payment", "pending_payment"),
        ("status_changed", "placed"),
    ]
    (create,) = fake_stripe.posted("/v1/payment_intents")
    assert create["data"]["amount"] == "2500"  # exactly the server's total, in cents
    assert create["data"]["confirm"] == "true"
    # Cards only, so real Stripe confirms at once without a return_url (no redirect methods).
    assert create["data"]["payment_method_types[0]"] == "card"
    assert "automatic_payment_methods[enabled]" not in create["data"]
    assert sorted(create["data"]) == [
        "amount",
        "confirm",
        "currency",
        "metadata[order_id]",
        "metadata[payment_id]",
        "payment_method",
        "payment_method_types[0]",
    ]
    assert create["idempotency_key"] == f"order-{order.pk}-payment-1"


def test_a_declined_card_leaves_the_order_waiting_and_the_cart_intact(fake_stripe, online_order, customer):
    order = online_order()
    with pytest.raises(CardDeclined) as error:
        card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(DECLINED))

    assert error.value.message == "Your card was declined."
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert CartLine.objects.filter(user=customer).count() == 1
    payment = Payment.objects.get()
    assert (payment.status, payment.failure_message) == ("failed", "Your card was declined.")
    assert payment.provider_id.startswith("pi_")

    # Another card then works: a second attempt, a second idempotency key.
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert list(Payment.objects.values_list("attempt", "status")) == [(1, "failed"), (2, "succeeded")]
    assert [r["idempotency_key"] for r in fake_stripe.posted("/v1/payment_intents")] == [
        f"order-{order.pk}-payment-1",
        f"order-{order.pk}-payment-2",
    ]


def test_three_d_secure_then_the_return_is_checked_against_stripe(fake_stripe, online_order, customer):
    order = online_order()
    outcome = card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(NEEDS_3DS))
    assert outcome.status == "requires_action"
    assert outcome.client_secret.startswith(outcome.payment.provider_id)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT

    # Back without authenticating: Stripe still says requires_action; nothing changes.
    again = card.card_payment_return(order_id=order.pk, customer=customer, intent_id=outcome.payment.provider_id)
    assert again.status == "requires_action"
    fake_stripe.authenticate(outcome.payment.provider_id)
    done = card.card_payment_return(order_id=order.pk, customer=customer, intent_id=outcome.payment.provider_id)
    assert done.status == "succeeded"
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_a_failed_authentication_shows_stripes_message(fake_stripe, online_order, customer):
    order = online_order()
    outcome = card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(NEEDS_3DS))
    fake_stripe.authenticate(outcome.payment.provider_id, success=False)
    with pytest.raises(CardDeclined, match="failed authentication"):
        card.card_payment_return(order_id=order.pk, customer=customer, intent_id=outcome.payment.provider_id)
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
    assert Payment.objects.get().status == "failed"


def test_only_the_customer_pays_and_only_a_waiting_order(fake_stripe, online_order, customer, other_customer):
    order = online_order()
    with pytest.raises(OrderNotFound):
        card.card_payment_start(order_id=order.pk, customer=other_customer, token=fake_stripe.token_for(SUCCEEDS))
    with pytest.raises(OrderNotFound):
        card.card_payment_return(order_id=order.pk, customer=other_customer, intent_id="pi_1")
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    with pytest.raises(PaymentNotNeeded):
        card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    assert Payment.objects.count() == 1


def test_stripe_down_is_a_502_and_nothing_is_charged(fake_stripe, online_order, customer):
    order = online_order()
    fake_stripe.down = True
    with pytest.raises(PaymentProviderError):
        card.card_payment_start(order_id=order.pk, customer=customer, token="tok_1")
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
    assert Payment.objects.get().status == "failed"
    assert CartLine.objects.filter(user=customer).count() == 1


def test_the_client_pins_the_api_version_and_counts_in_cents(fake_stripe, online_order, customer):
    from littlelemon.payments import gateway

    order = online_order()
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    assert {request["version"] for request in fake_stripe.requests} == {gateway.STRIPE_API_VERSION}
    assert gateway.to_minor_units(Decimal("12.34"), "USD") == 1234
    assert gateway.to_minor_units(Decimal("1200"), "JPY") == 1200
    assert gateway.from_minor_units(1234, "usd") == Decimal("12.34")


def test_a_guest_pays_in_person_only(stripe_keys, db):
    from littlelemon.cart import services as cart_services
    from littlelemon.menu.tests.factories import MenuItemFactory
    from littlelemon.orders.guests import guest_details_checked

    guest_cart = cart_services.guest_cart_create()
    cart_services.cart_item_add(owner=guest_cart, menuitem_id=MenuItemFactory().pk, quantity=1)
    with pytest.raises(OnlinePaymentUnavailable) as error:
        placement.order_place(
            guest_cart=guest_cart,
            guest=guest_details_checked(name="Gina", email="gina@example.com", phone="+1 312 555 0101"),
            fulfilment="pickup",
            payment_method="online",
        )
    assert error.value.field == "payment_method"
    assert not Order.objects.exists()
