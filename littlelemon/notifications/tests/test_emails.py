"""Each customer e-mail, made from a real outbox event and sent by the relay through Django's
locmem backend: subject, sender, recipient, Message-ID, text body, HTML alternative, local times."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.reminders import booking_reminders_send
from littlelemon.events.models import Delivery, DeliveryStatus
from littlelemon.events.relay import relay_run
from littlelemon.notifications.emails.compose import email_compose, email_message
from littlelemon.orders import transitions
from littlelemon.orders.housekeeping import UNACCEPTED_REASON, orders_reject_unaccepted

from .conftest import NOW, last_event

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Little Lemon <orders@littlelemon.localhost>"


@pytest.fixture
def manager(db):
    return UserFactory(roles=["manager"], first_name="Mia")


@pytest.fixture
def driver(db):
    return UserFactory(roles=["delivery-crew"], first_name="Dan")


def sent_one():
    """Run the relay; the one message it sent, with its delivery."""
    mail.outbox.clear()
    relay_run()
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    delivery = Delivery.objects.filter(target="email").order_by("-event_id").first()
    assert delivery.status == DeliveryStatus.DELIVERED
    return message, delivery


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert html.lstrip().startswith("<!doctype html>") or "<!doctype html>" in html
    return html


def assert_envelope(message, delivery, *, to="ada@example.com"):
    assert message.to == [to]
    assert message.from_email == "Little Lemon <orders@littlelemon.localhost>"
    assert message.reply_to == ["hello@littlelemon.example"]
    assert message.extra_headers["Message-ID"] == f"<{delivery.id}@littlelemon.localhost>"
    assert message.message()["Message-ID"] == f"<{delivery.id}@littlelemon.localhost>"
    assert "1 Lemon Street, Chicago" in message.body  # the restaurant's address, in every e-mail


class TestOrderPlaced:
    def test_the_receipt(self, place_order, diner):
        order = place_order(diner, notes="Ring twice")

        message, delivery = sent_one()

        assert_envelope(message, delivery)
        assert message.subject == f"Your order #{order.pk} at Little Lemon: we have it"
        body = message.body
        assert body.startswith("Hello Ada,\n\nThank you for your order!")
        assert f"Order #{order.pk}, placed Monday 1 June at noon CDT" in body
        assert "  2 x Greek Salad ($12.50 each)  $25.00\n  1 x Lemon Dessert ($6.00 each)  $6.00\n" in body
        assert "Subtotal: $31.00\nDelivery fee: $5.00\nTax: $3.60\nTip: $3.00\nTotal: $42.60\n" in body
        assert (
            "Delivery to 42 Orchard Road, Chicago\nWhen: As soon as possible\nPayment: Cash, paid on delivery" in body
        )
        assert "Your notes: Ring twice" in body
        assert f"Follow your order: {SITE}/orders/{order.pk}/" in body
        html = html_of(message)
        assert "Greek Salad" in html and "$25.00" in html and "$42.60" in html
        assert f'href="{SITE}/orders/{order.pk}/"' in html
        assert "Thank you for your order!" in html

    def test_a_scheduled_pickup_in_restaurant_time(self, place_order, diner):
        # 18:30 UTC on 2 June is 1:30 p.m. in Chicago (CDT).
        order = place_order(
            diner, fulfilment="pickup", tip=Decimal("0"), scheduled_for=datetime(2026, 6, 2, 18, 30, tzinfo=UTC)
        )

        message, _ = sent_one()

        assert "Pickup at 1 Lemon Street, Chicago\nWhen: Tuesday 2 June at 1:30 p.m. CDT\n" in message.body
        assert "Delivery fee" not in message.body and "Tip" not in message.body
        assert "Subtotal: $31.00\nTax: $3.10\nTotal: $34.10" in message.body
        assert "Payment: Cash, paid on collection" in message.body
        assert order.scheduled_for is not None

    def test_html_escapes_what_customers_typed(self, place_order, diner):
        place_order(diner, notes="<script>alert(1)</script> & more")

        message, _ = sent_one()

        assert "Your notes: <script>alert(1)</script> & more" in message.body  # the text part is plain text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html_of(message)


class TestOrderStatus:
    def test_accepted_with_the_estimate(self, place_order, diner, manager):
        order = place_order(diner)
        relay_run()
        transitions.order_status_change(order=order, actor=manager, status="accepted", estimated_minutes=40)

        message, delivery = sent_one()

        assert_envelope(message, delivery)
        assert message.subject == f"Order #{order.pk} is accepted: with you around Monday 1 June at 12:40 p.m. CDT"
        assert "It should be with you around Monday 1 June at 12:40 p.m. CDT." in message.body
        assert "Expected at your door around <strong>Monday 1 June at 12:40 p.m. CDT</strong>" in html_of(message)

    def test_accepted_pickup_without_an_estimate(self, place_order, diner, manager):
        order = place_order(diner, fulfilment="pickup")
        relay_run()
        transitions.order_status_change(order=order, actor=manager, status="accepted")

        message, _ = sent_one()

        assert message.subject == f"Order #{order.pk} is accepted"
        assert "around" not in message.body

    def test_rejected_with_the_reason(self, place_order, diner, manager):
        order = place_order(diner)
        relay_run()
        transitions.order_status_change(order=order, actor=manager, status="rejected", note="We are out of lemons.")

        message, _ = sent_one()

        assert message.subject == f"Sorry, we could not take your order #{order.pk}"
        assert "could not take your order" in message.body and "Nothing is charged." in message.body
        assert "Reason: We are out of lemons." in message.body
        assert "<strong>Reason:</strong> We are out of lemons." in html_of(message)

    def test_rejected_by_the_timeout(self, place_order, diner, freeze):
        order = place_order(diner)
        relay_run()
        freeze(NOW + timedelta(minutes=16))
        assert orders_reject_unaccepted() == [order.pk]

        message, _ = sent_one()

        assert message.subject == f"Sorry, we could not take your order #{order.pk}"
        assert f"Reason: {UNACCEPTED_REASON}" in message.body

    def test_cancelled_by_the_customer(self, place_order, diner):
        order = place_order(diner)
        relay_run()
        transitions.order_status_change(order=order, actor=diner, status="cancelled")

        message, _ = sent_one()

        assert message.subject == f"Your order #{order.pk} is cancelled"
        assert f"As you asked, your order #{order.pk} is cancelled. Nothing is charged." in message.body
        assert "Reason" not in message.body

    def test_cancelled_by_the_restaurant_with_the_reason(self, place_order, diner, manager):
        order = place_order(diner)
        relay_run()
        transitions.order_status_change(order=order, actor=manager, status="accepted")
        transitions.order_status_change(order=order, actor=manager, status="cancelled", note="The oven broke.")

        mail.outbox.clear()
        relay_run()

        assert [m.subject for m in mail.outbox] == [
            f"Order #{order.pk} is accepted",
            f"Your order #{order.pk} is cancelled",
        ]
        body = mail.outbox[1].body
        assert f"We are sorry: Little Lemon had to cancel your order #{order.pk}." in body
        assert "Reason: The oven broke." in body

    def test_ready_for_pickup(self, place_order, diner, manager):
        order = place_order(diner, fulfilment="pickup")
        for status in ("accepted", "preparing"):
            transitions.order_status_change(order=order, actor=manager, status=status)
        relay_run()
        transitions.order_status_change(order=order, actor=manager, status="ready")

        message, _ = sent_one()

        assert message.subject == f"Order #{order.pk} is ready to collect"
        assert "come and collect it at 1 Lemon Street, Chicago" in message.body
        assert "Please pay $37.10 on collection." in message.body  # 31.00 + 10% tax, no delivery fee, tip 3.00

    def test_ready_for_a_delivery_mails_nothing(self, place_order, diner, manager):
        order = place_order(diner)
        for status in ("accepted", "preparing"):
            transitions.order_status_change(order=order, actor=manager, status=status)
        relay_run()
        mail.outbox.clear()
        transitions.order_status_change(order=order, actor=manager, status="ready")

        relay_run()

        assert mail.outbox == []

    def test_out_for_delivery_and_delivered(self, place_order, diner, manager, driver):
        order = place_order(diner)
        transitions.order_status_change(order=order, actor=manager, status="accepted", estimated_minutes=45)
        transitions.order_assign(order=order, actor=manager, delivery_crew=driver)
        for status in ("preparing", "ready"):
            transitions.order_status_change(order=order, actor=manager, status=status)
        relay_run()
        transitions.order_status_change(order=order, actor=driver, status="out_for_delivery")

        message, _ = sent_one()

        assert message.subject == f"Order #{order.pk} is on its way"
        assert f"Your order #{order.pk} is on its way with Dan." in message.body
        assert "around Monday 1 June at 12:45 p.m. CDT" in message.body
        assert "Please have $42.60 ready for the driver." in message.body

        transitions.order_status_change(order=order, actor=driver, status="delivered")
        message, _ = sent_one()

        assert message.subject == f"Order #{order.pk} is delivered: enjoy your meal!"
        assert f"Hungry again another day? {SITE}/menu/" in message.body
        assert "Enjoy your meal!" in html_of(message)


class TestBookings:
    def test_confirmed(self, book_table, diner):
        booking = book_table(diner, notes="A quiet corner, please")

        message, delivery = sent_one()

        assert_envelope(message, delivery)
        assert message.subject == "Your table for 2 on Tuesday 2 June at 7:30 p.m. CDT is booked"
        assert f"Booking: #{booking.pk}\nWhen: Tuesday 2 June at 7:30 p.m. CDT\nParty: 2 people\n" in message.body
        assert "Your notes: A quiet corner, please" in message.body
        assert f"Change or cancel it: {SITE}/bookings/{booking.pk}/" in message.body
        assert "Your table is booked" in html_of(message)

    def test_changed(self, book_table, diner):
        booking = book_table(diner)
        relay_run()
        booking_services.booking_update(
            booking=booking,
            actor=diner,
            data={"start": datetime(2026, 6, 3, 1, 0, tzinfo=UTC), "party_size": 3},
            now=NOW,
        )

        message, _ = sent_one()

        assert message.subject == "Your booking is changed: 3 on Tuesday 2 June at 8 p.m. CDT"
        assert "Time: Tuesday 2 June at 7:30 p.m. CDT -> Tuesday 2 June at 8 p.m. CDT" in message.body
        assert "Party: 2 people -> 3 people" in message.body
        html = html_of(message)
        assert "<s>Tuesday 2 June at 7:30 p.m. CDT</s> → <strong>Tuesday 2 June at 8 p.m. CDT</strong>" in html

    def test_cancelled_by_the_customer_and_by_the_restaurant(self, book_table, diner, manager):
        mine = book_table(diner)
        relay_run()
        booking_services.booking_cancel(booking=mine, actor=diner, now=NOW)

        message, _ = sent_one()

        assert message.subject == "Your booking on Tuesday 2 June at 7:30 p.m. CDT is cancelled"
        assert f"As you asked, your booking #{mine.pk} is cancelled." in message.body

        theirs = booking_services.booking_create(
            actor=diner, start=datetime(2026, 6, 4, 0, 0, tzinfo=UTC), party_size=2, now=NOW
        )
        relay_run()
        booking_services.booking_cancel(booking=theirs, actor=manager, now=NOW)
        message, _ = sent_one()

        assert f"We are sorry: Little Lemon had to cancel your booking #{theirs.pk}." in message.body
        assert "Please call us on +1 312 555 0142" in message.body

    def test_the_reminder(self, book_table, diner, freeze, settings):
        settings.BOOKING_REMINDER_HOURS = 3
        booking = book_table(diner)
        relay_run()
        freeze(datetime(2026, 6, 2, 22, 0, tzinfo=UTC))  # 5 p.m. in Chicago, 2h30 before
        assert booking_reminders_send() == [booking.pk]

        message, delivery = sent_one()

        assert_envelope(message, delivery)
        assert message.subject == "See you soon: your table for 2 on Tuesday 2 June at 7:30 p.m. CDT"
        assert "your table at Little Lemon is booked for Tuesday 2 June at 7:30 p.m. CDT. See you soon!" in message.body
        assert "See you soon!" in html_of(message)

    def test_a_guest_booking_mails_nobody(self, restaurant, manager, freeze):
        freeze(NOW)
        from littlelemon.bookings.tests.factories import TableFactory

        TableFactory(seats=4)
        booking_services.booking_create(
            actor=manager, start=datetime(2026, 6, 3, 0, 30, tzinfo=UTC), party_size=2, guest_name="Walk In", now=NOW
        )

        relay_run()

        assert mail.outbox == []
        assert not Delivery.objects.exists()
        assert last_event("booking.created").delivered_at is not None


class TestMessageIdAndQueries:
    def test_a_repeated_send_of_one_delivery_carries_the_same_message_id(self, place_order, diner):
        place_order(diner)
        message, delivery = sent_one()
        event = delivery.event

        again = email_message(delivery=delivery, composed=email_compose(event))

        assert (
            again.message()["Message-ID"] == message.message()["Message-ID"] == f"<{delivery.id}@littlelemon.localhost>"
        )

    def test_the_domain_falls_back_to_the_site(self, place_order, diner, settings):
        settings.DEFAULT_FROM_EMAIL = "orders"
        settings.SITE_URL = "https://lemon.example"
        order = place_order(diner)

        message, delivery = sent_one()

        assert message.extra_headers["Message-ID"] == f"<{delivery.id}@lemon.example>"
        assert f"https://lemon.example/orders/{order.pk}/" in message.body

    def test_rendering_an_order_email_is_a_few_queries(self, place_order, diner, django_assert_num_queries):
        place_order(diner)
        event = last_event("order.placed")

        with django_assert_num_queries(3):  # the settings row, the order with its people, its items
            composed = email_compose(event)

        assert len(composed.context["lines"]) == 2

    def test_rendering_a_booking_email_is_a_few_queries(self, book_table, diner, django_assert_num_queries):
        book_table(diner)
        event = last_event("booking.created")

        with django_assert_num_queries(2):  # the settings row, the booking with its customer
            email_compose(event)
