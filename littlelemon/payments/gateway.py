"""Stripe, used directly: one `stripe.StripeClient` with a pinned API version, pointed at
settings.STRIPE_API_BASE (localstripe in tests and the demo). Only what the card flow needs:
amounts to the smallest currency unit and back, the client, and whether Stripe is configured.
"""

from decimal import Decimal

import stripe
from django.conf import settings

from littlelemon.orders.placement import online_payments_enabled

# The API version this code was written and tested against; Stripe keeps answering in it
# whatever the account's default.
STRIPE_API_VERSION = "2026-10-28.endive"

# Currencies without a minor unit (Stripe's list); others have two decimal places.
ZERO_DECIMAL = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "vnd", "vuv", "xaf"})


def enabled() -> bool:
    return online_payments_enabled()


def to_minor_units(amount: Decimal, currency: str) -> int:
    """12.34 USD -> 1234 (what Stripe's `amount` means)."""
    factor = 1 if currency.lower() in ZERO_DECIMAL else 100
    return int((amount * factor).to_integral_value())


def from_minor_units(amount: int, currency: str) -> Decimal:
    factor = 1 if currency.lower() in ZERO_DECIMAL else 100
    return (Decimal(amount) / factor).quantize(Decimal("0.01"))


def stripe_client(*, http_client: stripe.HTTPClient | None = None, retries: int = 2) -> stripe.StripeClient:
    """The Stripe client: the secret key, the pinned version, STRIPE_API_BASE; a failed call is
    retried (`retries`) with the same idempotency key. Tests give a fake `http_client`."""
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        stripe_version=STRIPE_API_VERSION,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=retries,
        http_client=http_client,
    )


def client() -> stripe.StripeClient:
    """The client the services use (tests replace it with one on a fake HTTP client)."""
    return stripe_client()
