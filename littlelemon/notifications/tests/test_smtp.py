"""The e-mails through a real SMTP server on loopback (aiosmtpd): a real order placed through
the services, the relay run, and what arrived parsed as a mail program would."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from littlelemon.events.models import Delivery, DeliveryStatus
from littlelemon.events.relay import relay_run

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler keeping every message; `refuse` lists addresses answered with 550."""

    def __init__(self, *, refuse: tuple[str, ...] = ()) -> None:
        self.envelopes = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start an SMTP server on 127.0.0.1 and point Django's SMTP backend at it."""
    started = []

    def start(**options):
        inbox = Inbox(**options)
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        overrides = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=5,
            SITE_URL="https://littlelemon.example",
            DEFAULT_FROM_EMAIL="Little Lemon <orders@littlelemon.example>",
        )
        overrides.enable()
        started.append(overrides)
        return inbox

    yield start
    for thing in reversed(started):
        thing.stop() if isinstance(thing, Controller) else thing.disable()


def test_an_order_placed_arrives_as_a_two_part_message(smtp_server, place_order, diner):
    inbox = smtp_server()
    order = place_order(diner)

    report = relay_run()

    assert (report.delivered, report.failed, report.dead) == (1, 0, 0)
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "orders@littlelemon.example"
    assert envelope.rcpt_tos == ["ada@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    delivery = Delivery.objects.get(target="email")
    assert message["Subject"] == f"Your order #{order.pk} at Little Lemon: we have it"
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Little Lemon <orders@littlelemon.example>"
    assert message["Reply-To"] == "hello@littlelemon.example"
    assert message["Message-ID"] == f"<{delivery.id}@littlelemon.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert "2 x Greek Salad ($12.50 each)  $25.00" in text.get_content()
    assert "Total: $42.60" in text.get_content()
    assert f"https://littlelemon.example/orders/{order.pk}/" in text.get_content()
    assert "Greek Salad" in html.get_content() and "$42.60" in html.get_content()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempt_log.get().succeeded


def test_a_server_that_is_down_is_retried_later_and_nothing_is_lost(smtp_server, place_order, diner, settings):
    smtp_server()
    settings.EMAIL_PORT = free_port()  # nobody listens there
    place_order(diner)

    report = relay_run()

    assert (report.delivered, report.failed) == (0, 1)
    delivery = Delivery.objects.get(target="email")
    assert delivery.status == DeliveryStatus.PENDING
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at > delivery.created


def test_a_refused_address_is_dead_lettered_at_once(smtp_server, place_order, diner):
    inbox = smtp_server(refuse=("ada@example.com",))
    place_order(diner)

    report = relay_run()

    assert (report.delivered, report.dead) == (0, 1)
    assert inbox.envelopes == []
    delivery = Delivery.objects.get(target="email")
    assert delivery.status == DeliveryStatus.DEAD
    assert "refused the address" in delivery.last_error
