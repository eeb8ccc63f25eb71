import pytest
from django.db import transaction
from django.urls import reverse

from littlelemon.events import handlers
from littlelemon.events.models import Delivery, DeliveryStatus
from littlelemon.events.relay import relay_run
from littlelemon.events.services import event_record

pytestmark = pytest.mark.django_db


class Refusing:
    prefix = "rec"

    def targets(self, event):
        return ["rec:a"]

    def deliver(self, delivery, event):
        raise handlers.DeliveryFailed("receiver is gone", response_code=500, permanent=True)


def test_dead_letters_are_listed_with_their_error_and_can_be_retried(client, admin_user, monkeypatch):
    monkeypatch.setattr(handlers, "_handlers", {"rec": Refusing()})
    with transaction.atomic():
        event_record(type="order.placed", aggregate="order", aggregate_id=5, payload={})
    relay_run()
    dead = Delivery.objects.get()
    assert dead.status == DeliveryStatus.DEAD
    client.force_login(admin_user)
    url = reverse("admin:events_delivery_changelist")

    listing = client.get(url, {"status__exact": "dead"})
    detail = client.get(reverse("admin:events_delivery_change", args=[dead.pk]))
    response = client.post(url, {"action": "retry", "_selected_action": [str(dead.pk)]}, follow=True)

    assert "receiver is gone" in listing.content.decode()
    assert "receiver is gone" in detail.content.decode()  # the attempt log inline
    assert "1 deliveries queued to be tried again." in response.content.decode()
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.last_error) == (DeliveryStatus.PENDING, 0, "receiver is gone")
    assert dead.event.delivered_at is None


def test_nobody_edits_the_outbox_by_hand(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("admin:events_outboxevent_add")).status_code == 403
    assert client.get(reverse("admin:events_delivery_add")).status_code == 403
