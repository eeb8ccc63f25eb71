import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import placement
from littlelemon.payments import gateway

from .fakes import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_12345"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_12345"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


@pytest.fixture
def fake_stripe(stripe_keys, monkeypatch):
    fake = FakeStripe()
    monkeypatch.setattr(gateway, "client", lambda: gateway.stripe_client(http_client=fake, retries=0))
    return fake


@pytest.fixture
def cart_of(db):
    """`cart_of(customer, ("12.50", 2), ...)`: fills the customer's cart with dishes at those prices."""

    def fill(customer, *lines):
        for price, quantity in lines or (("12.50", 2),):
            CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal(price)), quantity=quantity)
        return customer

    return fill


@pytest.fixture
def online_order(stripe_keys, customer, cart_of):
    """`online_order()`: an order of the customer's cart, paid online, waiting for its payment."""

    def make(user=None, fulfilment="pickup", **kwargs):
        user = user or customer
        if not CartLine.objects.filter(user=user).exists():
            cart_of(user)
        order, _ = placement.order_place(
            customer=user,
            fulfilment=fulfilment,
            delivery_address="1 Lemon Street" if fulfilment == "delivery" else "",
            payment_method="online",
            **kwargs,
        )
        return order

    return make


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_server():
    """localstripe (a stateful fake Stripe server, with a fake Stripe.js and signed webhooks) on a
    free loopback port, for the session: its base URL."""
    port = _free_port()
    executable = Path(sys.executable).with_name("localstripe")
    process = subprocess.Popen(
        [str(executable), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)  # waiting for a process to listen, not for timing
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def localstripe(localstripe_server, stripe_keys):
    """The settings pointed at localstripe (the real client, over HTTP)."""
    stripe_keys.STRIPE_API_BASE = localstripe_server
    stripe_keys.STRIPE_JS_URL = f"{localstripe_server}/js.stripe.com/v3/"
    return localstripe_server


@pytest.fixture
def localstripe_webhooks(localstripe, live_server):
    """localstripe sends its signed events to this test's live server (the webhook endpoint)."""
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode(
        {"url": f"{live_server.url}/payments/stripe/webhook/", "secret": WEBHOOK_SECRET}
    ).encode()
    request = urllib.request.Request(f"{localstripe}/_config/webhooks/littlelemon", data=body, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - loopback, our own fixture
        pass
    return live_server


def wait_for(condition, *, seconds: float = 20.0) -> None:
    """Wait until `condition()` holds (an event localstripe sends a second after the change)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for localstripe")
        time.sleep(0.1)


def card_token(number: str) -> str:
    """A token for the card, as Stripe.js's createToken makes one (here with the API)."""
    from littlelemon.payments import gateway

    card = {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}
    return gateway.stripe_client().v1.tokens.create(params={"card": card}).id


def assert_ledger_reconciles() -> None:
    """Every payment holds exactly its pending and succeeded refunds, never more than it took, and
    revenue (captured − refunded, over the last and next day) is captured money less succeeded
    refunds."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from littlelemon.payments.models import Payment
    from littlelemon.payments.selectors import revenue
    from littlelemon.restaurant.selectors import restaurant_tz

    captured = refunded = Decimal("0")
    for payment in Payment.objects.prefetch_related("refunds"):
        held = sum((r.amount for r in payment.refunds.all() if r.status in ("pending", "succeeded")), Decimal("0"))
        assert payment.amount_refunded == held <= payment.amount, payment
        if payment.captured_at is not None:
            captured += payment.amount
            refunded += sum((r.amount for r in payment.refunds.all() if r.status == "succeeded"), Decimal("0"))
    today = timezone.now().astimezone(restaurant_tz()).date()
    assert revenue(today - timedelta(days=1), today + timedelta(days=1)).net == captured - refunded
