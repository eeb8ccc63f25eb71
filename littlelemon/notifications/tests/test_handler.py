"""The e-mail handler's targets: "email" for each event that mails a customer with an address,
nothing for the others (no delivery row is made for them)."""

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.events.handlers import handler_for
from littlelemon.notifications.emails.catalogue import email_kind
from littlelemon.notifications.emails.handler import EmailHandler

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("event_type", "payload", "kind"),
    [
        ("order.placed", {}, "order_placed"),
        ("order.status_changed", {"to_status": "accepted"}, "order_accepted"),
        ("order.status_changed", {"to_status": "rejected"}, "order_rejected"),
        ("order.status_changed", {"to_status": "cancelled"}, "order_cancelled"),
        ("order.status_changed", {"to_status": "preparing"}, None),
        ("order.status_changed", {"to_status": "ready", "fulfilment": "pickup"}, "order_ready_for_pickup"),
        ("order.status_changed", {"to_status": "ready", "fulfilment": "delivery"}, None),
        ("order.status_changed", {"to_status": "out_for_delivery"}, "order_out_for_delivery"),
        ("order.status_changed", {"to_status": "delivered"}, "order_delivered"),
        ("order.status_changed", {"to_status": "collected"}, None),
        ("order.assigned", {}, None),
        ("booking.created", {}, "booking_confirmed"),
        ("booking.updated", {}, "booking_changed"),
        ("booking.cancelled", {}, "booking_cancelled"),
        ("booking.reminder", {}, "booking_reminder"),
        ("booking.seated", {}, None),
        ("booking.completed", {}, None),
        ("booking.no_show", {}, None),
        ("menu.changed", {}, None),
    ],
)
def test_which_event_means_which_email(event_type, payload, kind):
    assert email_kind(event_type, payload) == kind


def test_it_is_registered_for_email_targets():
    assert isinstance(handler_for("email"), EmailHandler)


class TestTargets:
    handler = EmailHandler()

    def test_an_order_event_for_a_customer_with_an_address(self):
        customer = UserFactory(email="ada@example.com")

        assert self.handler.targets(record("order.placed", customer_id=customer.pk)) == ["email"]
        assert self.handler.targets(record("order.status_changed", customer_id=customer.pk, to_status="accepted")) == [
            "email"
        ]

    def test_no_email_due_no_target(self):
        customer = UserFactory(email="ada@example.com")

        event = record("order.status_changed", customer_id=customer.pk, to_status="preparing")

        assert self.handler.targets(event) == []

    def test_a_customer_without_an_address_no_target(self):
        customer = UserFactory(email="")

        assert self.handler.targets(record("order.placed", customer_id=customer.pk)) == []
        assert self.handler.targets(record("booking.created", customer=customer.pk)) == []

    def test_a_guest_booking_no_target(self):
        assert self.handler.targets(record("booking.created", customer=None, guest_name="Walk In")) == []

    def test_a_booking_of_a_customer_with_an_address(self):
        customer = UserFactory(email="ada@example.com")

        assert self.handler.targets(record("booking.reminder", customer=customer.pk)) == ["email"]

    def test_targets_is_one_query(self, django_assert_num_queries):
        customer = UserFactory(email="ada@example.com")
        event = record("order.placed", customer_id=customer.pk)

        with django_assert_num_queries(1):
            self.handler.targets(event)
