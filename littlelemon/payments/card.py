"""Paying an order online by card, through Stripe.

The browser collects the card with Stripe.js (the Card Element and `createToken`, which both
Stripe and localstripe offer) and sends the token here; the server creates and confirms a
PaymentIntent for exactly the order's server-computed total, with an idempotency key derived
from the order and the attempt. Then:

- `succeeded`: the order is placed (`services.payment_succeeded`);
- `requires_action` (3-D Secure): the page lets Stripe.js authenticate with the client secret,
  then the customer comes back (`card_payment_return`), which asks Stripe and applies its answer;
- a decline: the attempt failed, Stripe's message is shown, the order still waits and the cart
  is untouched.

The webhook (`webhooks.py`) may bring the same news first: whichever comes first records it.
"""

from dataclasses import dataclass
from typing import Any

import stripe
from django.db import transaction

from littlelemon.accounts.models import User
from littlelemon.core.exceptions import InvalidInput
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import OrderNotFound
from littlelemon.orders.models import Order

from . import gateway, services
from .exceptions import CardDeclined, PaymentNotNeeded, PaymentProviderError
from .models import Payment


@dataclass(frozen=True)
class CardOutcome:
    payment: Payment
    status: str  # "succeeded", "requires_action" or "processing"
    client_secret: str = ""


def _order_for_customer(order_id: int, customer: User) -> Order:
    order = Order.objects.filter(pk=order_id, customer=customer).first() if customer.is_authenticated else None
    if order is None:
        raise OrderNotFound()
    return order


@transaction.atomic
def _attempt_start(order_id: int, customer: User) -> Payment:
    order = Order.objects.select_for_update().filter(pk=_order_for_customer(order_id, customer).pk).get()
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise PaymentNotNeeded(f"Order #{order.pk} is {OrderStatus(order.status).label.lower()}: it needs no payment.")
    return services.payment_attempt_create(order=order)


def card_payment_start(*, order_id: int, customer: User, token: str) -> CardOutcome:
    """Charge the card behind `token` (from Stripe.js) for the order's total.

    Raises OrderNotFound (not the customer's), PaymentNotNeeded (409: not waiting for payment),
    InvalidInput (no token), CardDeclined (402, Stripe's message), PaymentProviderError (502)."""
    if not token or not token.startswith("tok_") or len(token) > 255:
        raise InvalidInput("Enter your card details.", field="token")
    payment = _attempt_start(order_id, customer)
    client = gateway.client()
    try:
        card = client.v1.tokens.retrieve(token).card.id
        intent = client.v1.payment_intents.create(
            params={
                "amount": gateway.to_minor_units(payment.amount, payment.currency),
                "currency": payment.currency.lower(),
                "payment_method": card,
                # Cards only: with the account's automatic payment methods (redirect ones
                # included) Stripe refuses `confirm=True` without a `return_url`.
                "payment_method_types": ["card"],
                "confirm": True,
                "metadata": {"order_id": str(payment.order_id), "payment_id": str(payment.pk)},
            },
            options={"idempotency_key": f"order-{payment.order_id}-payment-{payment.attempt}"},
        )
    except stripe.CardError as error:
        message = error.user_message or "Your card was declined."
        intent_id = _intent_id_of(error)
        services.payment_failed(payment_id=payment.pk, intent_id=intent_id, message=message)
        raise CardDeclined(message) from None
    except stripe.StripeError as error:
        services.payment_failed(payment_id=payment.pk, intent_id="", message="The card service did not answer.")
        raise PaymentProviderError() from error
    return _outcome(intent)


def _intent_id_of(error: stripe.CardError) -> str:
    body: Any = error.json_body or {}
    intent = (body.get("error") or {}).get("payment_intent") or {}
    return intent.get("id", "") if isinstance(intent, dict) else ""


def _outcome(intent: Any) -> CardOutcome:
    intent = intent.to_dict()  # a plain dict from here on
    payment = services.payment_intent_apply(intent)
    status = intent.get("status")
    if status == "requires_payment_method":
        error = intent.get("last_payment_error") or {}
        raise CardDeclined(error.get("message") or "Your card was declined.")
    secret = intent.get("client_secret", "") if status == "requires_action" else ""
    return CardOutcome(payment=payment, status=status, client_secret=secret)


def card_payment_return(*, order_id: int, customer: User, intent_id: str) -> CardOutcome:
    """The customer is back from 3-D Secure: ask Stripe how the PaymentIntent stands (never
    trust the browser) and apply it. Raises OrderNotFound (not theirs, or not this order's
    intent), CardDeclined, PaymentProviderError."""
    order = _order_for_customer(order_id, customer)
    if not Payment.objects.filter(order=order, provider_id=intent_id).exists() or not intent_id:
        raise OrderNotFound()
    try:
        intent = gateway.client().v1.payment_intents.retrieve(intent_id)
    except stripe.StripeError as error:
        raise PaymentProviderError() from error
    return _outcome(intent)
