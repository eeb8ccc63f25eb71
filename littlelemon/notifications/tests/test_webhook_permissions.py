"""Every webhook endpoint x every method x the six roles: managers and admins only."""

from dataclasses import replace

import pytest
from django.utils import timezone

from littlelemon.api.tests.matrix import Row, cell_ids, cells, managers, run_row
from littlelemon.events.models import Delivery, DeliveryStatus, OutboxEvent
from littlelemon.notifications.models import WebhookEndpoint
from littlelemon.notifications.webhooks import services

URL = "http://127.0.0.1:9/hook"


def _endpoint(user):
    endpoint = services.webhook_endpoint_create(url=URL, event_types=["order.placed"])
    return {"endpoint": endpoint.pk}


def _dead_letter(user):
    context = _endpoint(user)
    event = OutboxEvent.objects.create(type="order.placed", aggregate="order", aggregate_id="1", payload={})
    delivery = Delivery.objects.create(
        event=event,
        target=f"webhook:{context['endpoint']}",
        aggregate="order:1",
        status=DeliveryStatus.DEAD,
        attempts=8,
        next_attempt_at=timezone.now(),
        last_error="The receiver answered 500.",
    )
    return context | {"delivery": delivery.pk}


ROWS = [
    Row("GET", "/api/v1/webhooks/", managers(200), setup=_endpoint),
    Row(
        "POST",
        "/api/v1/webhooks/",
        managers(201),
        payload=lambda ctx: {"url": URL, "event_types": ["order.placed"]},
    ),
    Row("GET", "/api/v1/webhooks/{endpoint}/", managers(200), setup=_endpoint),
    Row(
        "PATCH",
        "/api/v1/webhooks/{endpoint}/",
        managers(200),
        setup=_endpoint,
        payload=lambda ctx: {"description": "Changed", "event_types": ["booking.created"]},
    ),
    Row("DELETE", "/api/v1/webhooks/{endpoint}/", managers(204), setup=_endpoint),
    Row("POST", "/api/v1/webhooks/{endpoint}/rotate-secret/", managers(200), setup=_endpoint),
    Row("GET", "/api/v1/webhooks/{endpoint}/deliveries/", managers(200), setup=_dead_letter),
    Row("POST", "/api/v1/webhooks/{endpoint}/deliveries/{delivery}/redeliver/", managers(202), setup=_dead_letter),
]


def state():
    return (
        sorted(WebhookEndpoint.objects.values_list("pk", "url", "event_types", "description", "active", "secret")),
        sorted(Delivery.objects.values_list("pk", "status", "attempts")),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role, loopback_allowed):
    saved = {}

    def setup(user):
        context = row.setup(user)
        saved["before"] = state()
        return context

    response = run_row(replace(row, setup=setup), role)

    if response.status_code >= 400:
        assert state() == saved["before"]  # a refusal changed nothing
        assert "whsec_" not in response.content.decode()
