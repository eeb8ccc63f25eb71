"""Deliveries through the outbox relay to a real receiver on loopback."""

import json
import re
import time
from pathlib import Path

import pytest
from django.db import transaction

from littlelemon.core.tests.receivers import http_receiver
from littlelemon.events.models import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent
from littlelemon.events.relay import events_route, relay_run
from littlelemon.notifications.models import WebhookEndpoint
from littlelemon.notifications.webhooks import addresses, services
from littlelemon.notifications.webhooks.catalogue import EVENT_TYPES

from .conftest import documented_verify, record_event

pytestmark = pytest.mark.django_db


def test_a_receiver_verifies_the_signature_with_the_documented_snippet(receiver, make_endpoint):
    endpoint = make_endpoint(url=f"{receiver.url}/little-lemon?source=test", event_types=["order.placed"])
    event = record_event("order.placed", aggregate_id=42, order_id=42, total="31.40", items=[{"title": "Soup"}])

    report = relay_run()

    assert (report.delivered, report.failed, report.dead) == (1, 0, 0)
    [request] = receiver.requests
    delivery = Delivery.objects.get()
    verify = documented_verify()
    assert verify(endpoint.secret, request.body, request.headers["Little-Lemon-Signature"]) is True
    assert verify("whsec_wrong", request.body, request.headers["Little-Lemon-Signature"]) is False
    assert verify(endpoint.secret, request.body + b" ", request.headers["Little-Lemon-Signature"]) is False
    assert request.path == "/hooks/little-lemon?source=test"
    assert request.headers["Little-Lemon-Delivery"] == str(delivery.pk)
    assert request.headers["Little-Lemon-Event"] == "order.placed"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("LittleLemon-Webhooks/")
    assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
    body = json.loads(request.body)
    assert body["id"] == str(delivery.pk)
    assert body["type"] == "order.placed"
    assert body["data"] == {"order_id": 42, "total": "31.40", "items": [{"title": "Soup"}]}
    assert body["created"].startswith(event.created.strftime("%Y-%m-%dT%H:%M:%S"))
    # the delivery log
    assert (delivery.target, delivery.status, delivery.attempts) == (endpoint.target, DeliveryStatus.DELIVERED, 1)
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.succeeded, attempt.response_code, attempt.error) == (True, 200, "")


def test_an_old_signature_is_refused_by_the_snippet(make_endpoint):
    from littlelemon.notifications.webhooks.signing import signature

    verify = documented_verify()
    body = b'{"id":"x"}'
    stale = signature(secret="whsec_s", timestamp=int(time.time()) - 301, body=body)
    fresh = signature(secret="whsec_s", timestamp=int(time.time()), body=body)

    assert verify("whsec_s", body, stale) is False
    assert verify("whsec_s", body, fresh) is True
    assert verify("whsec_s", body, "garbage") is False


def test_a_410_disables_the_endpoint_and_dead_letters_the_delivery(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    receiver.statuses = [410]
    record_event()

    report = relay_run()

    assert (report.delivered, report.dead) == (0, 1)
    endpoint.refresh_from_db()
    delivery = Delivery.objects.get()
    assert endpoint.active is False
    assert endpoint.disabled_reason == f"The receiver answered 410 Gone to delivery {delivery.pk}."
    assert endpoint.disabled_at is not None
    assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 1
    assert DeliveryAttempt.objects.get().response_code == 410
    # nothing more is routed to it
    record_event(aggregate_id=2)
    assert relay_run().routed == 1
    assert Delivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_a_500_is_retried_with_backoff_then_dead_lettered(receiver, make_endpoint, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    make_endpoint(url=receiver.url)
    receiver.statuses = [500, 500, 500]
    record_event()

    first = relay_run()

    delivery = Delivery.objects.get()
    assert (first.failed, first.dead) == (1, 0)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "The receiver answered 500."
    assert delivery.next_attempt_at > delivery.created  # backed off: not due again yet
    assert relay_run().failed == 0  # nothing due

    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # make the remaining retries due at once
    Delivery.objects.update(next_attempt_at=delivery.created)
    report = relay_run()

    delivery.refresh_from_db()
    assert (report.failed, report.dead) == (1, 1)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 3)
    log = list(DeliveryAttempt.objects.order_by("number").values_list("number", "succeeded", "response_code"))
    assert log == [(1, False, 500), (2, False, 500), (3, False, 500)]
    assert len(receiver.requests) == 3
    assert len({r.headers["Little-Lemon-Delivery"] for r in receiver.requests}) == 1  # the same delivery id
    assert WebhookEndpoint.objects.get().active is True  # a 500 does not disable


def test_a_slow_receiver_times_out_and_is_retried(receiver, make_endpoint, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    make_endpoint(url=receiver.url)
    receiver.delay = 2
    record_event()

    started = time.monotonic()
    report = relay_run()

    assert time.monotonic() - started < 1.5
    delivery = Delivery.objects.get()
    assert report.failed == 1
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "The receiver did not answer within 0.3 seconds."
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.succeeded, attempt.response_code) == (False, None)


def test_a_redirect_is_not_followed(receiver, make_endpoint):
    make_endpoint(url=receiver.url)
    receiver.statuses = [302]
    record_event()

    relay_run()

    delivery = Delivery.objects.get()
    assert delivery.last_error == "The receiver answered 302: redirects are not followed."
    assert DeliveryAttempt.objects.get().response_code == 302
    assert len(receiver.requests) == 1


def test_a_receiver_that_is_down_fails_the_attempt(make_endpoint):
    with http_receiver() as gone:
        url = gone.url
    make_endpoint(url=url)
    record_event()

    relay_run()

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("Could not reach the receiver:")


def test_only_active_endpoints_of_the_event_type_get_a_delivery(make_endpoint):
    placed = make_endpoint(event_types=["order.placed"])
    both = make_endpoint(event_types=["order.placed", "booking.created"])
    off = make_endpoint(event_types=["order.placed"])
    services.webhook_endpoint_disable(endpoint=off, reason="test")
    make_endpoint(event_types=["booking.cancelled"])
    record_event("order.placed")

    events_route()

    assert sorted(Delivery.objects.values_list("target", flat=True)) == sorted([placed.target, both.target])


def test_a_delivery_for_an_endpoint_disabled_since_fails_for_good(receiver, make_endpoint):
    endpoint = make_endpoint(url=receiver.url)
    record_event()
    events_route()
    services.webhook_endpoint_disable(endpoint=endpoint, reason="Replaced by the new POS.")

    report = relay_run()

    delivery = Delivery.objects.get()
    assert report.dead == 1
    assert delivery.last_error == f"Not sent: endpoint #{endpoint.pk} is disabled (Replaced by the new POS.)."
    assert receiver.requests == []


def test_the_address_is_checked_again_at_send_time(receiver, make_endpoint, settings, monkeypatch):
    """DNS rebinding: a name that was public at registration and resolves to loopback now."""
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(addresses, "host_addresses", lambda host, port: [addresses.ipaddress.ip_address("8.8.8.8")])
    make_endpoint(url=f"http://hooks.example.com:{receiver.port}/x")
    record_event()
    monkeypatch.setattr(addresses, "host_addresses", lambda host, port: [addresses.ipaddress.ip_address("127.0.0.1")])

    report = relay_run()

    delivery = Delivery.objects.get()
    assert report.dead == 1
    assert delivery.last_error == (
        "Not sent: 'hooks.example.com' resolves to 127.0.0.1, which is a loopback address: "
        "webhooks may only be sent to public internet addresses."
    )
    assert receiver.requests == []


def test_the_checked_address_is_the_one_connected_to(receiver, make_endpoint, monkeypatch):
    """The name is resolved once, checked, and the POST goes to that address with the name as Host."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        return [addresses.ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(addresses, "host_addresses", resolve)
    make_endpoint(url=f"http://pos.example.invalid:{receiver.port}/in")
    record_event()

    assert relay_run().delivered == 1

    assert calls == ["pos.example.invalid", "pos.example.invalid"]  # at registration and at the send
    assert receiver.requests[0].headers["Host"] == f"pos.example.invalid:{receiver.port}"


def test_a_crash_after_the_send_repeats_it_with_the_same_delivery_id(receiver, make_endpoint):
    make_endpoint(url=receiver.url)
    record_event()
    relay_run()
    delivery = Delivery.objects.get()

    services.webhook_redeliver(endpoint=WebhookEndpoint.objects.get(), delivery_id=delivery.pk)
    relay_run()

    ids = [r.headers["Little-Lemon-Delivery"] for r in receiver.requests]
    assert ids == [str(delivery.pk), str(delivery.pk)]
    assert [json.loads(r.body)["id"] for r in receiver.requests] == ids
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_the_catalogue_lists_every_event_type_the_code_records():
    package = Path(__file__).resolve().parents[2]
    recorded = set()
    for source in package.rglob("*.py"):
        if "tests" in source.parts or "migrations" in source.parts:
            continue
        text = source.read_text()
        recorded |= set(re.findall(r"event_record\(\s*type=\"([a-z_]+\.[a-z_]+)\"", text))
        recorded |= set(re.findall(r"_record\(\s*\"([a-z_]+\.[a-z_]+)\"", text))
    assert recorded  # the scan found the services
    assert recorded == set(EVENT_TYPES)


def test_events_recorded_outside_the_catalogue_reach_no_endpoint(make_endpoint):
    make_endpoint(event_types=list(EVENT_TYPES))
    with transaction.atomic():
        OutboxEvent.objects.create(type="inventory.counted", aggregate="inventory", aggregate_id="1", payload={})

    events_route()

    assert not Delivery.objects.exists()


def test_an_order_accepted_by_a_manager_reaches_the_receiver(receiver, make_endpoint, manager):
    """The whole way: the orders service records the event, the relay delivers it, signed."""
    from littlelemon.orders.tests.factories import OrderFactory
    from littlelemon.orders.transitions import order_status_change

    endpoint = make_endpoint(url=receiver.url, event_types=["order.status_changed"])
    order = OrderFactory(status="placed", items=1)

    order_status_change(order=order.pk, actor=manager, status="accepted")
    relay_run()

    [request] = receiver.requests
    body = json.loads(request.body)
    assert request.headers["Little-Lemon-Event"] == "order.status_changed"
    assert (body["type"], body["data"]["order_id"]) == ("order.status_changed", order.pk)
    assert (body["data"]["from_status"], body["data"]["to_status"]) == ("placed", "accepted")
    assert documented_verify()(endpoint.secret, request.body, request.headers["Little-Lemon-Signature"])
    # The customer's e-mail is a delivery of its own, beside the webhook's.
    assert Delivery.objects.get(target=f"webhook:{endpoint.pk}").status == DeliveryStatus.DELIVERED
