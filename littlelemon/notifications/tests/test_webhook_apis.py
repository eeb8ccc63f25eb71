import json
from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from littlelemon.audit.models import AuditEntry
from littlelemon.events.models import Delivery, DeliveryAttempt, DeliveryStatus
from littlelemon.events.relay import relay_run
from littlelemon.notifications.models import WebhookEndpoint
from littlelemon.notifications.webhooks.catalogue import EVENT_TYPES

from .conftest import record_event

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"


@pytest.fixture
def manager_client(client_as, manager, loopback_allowed):
    return client_as(manager)


def create(client, **data):
    body = {"url": URL, "event_types": ["order.placed", "booking.created"], "description": "POS"} | data
    return client.post("/api/v1/webhooks/", body, format="json")


def test_create_shows_the_secret_once_and_never_again(manager_client, manager):
    response = create(manager_client)

    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    secret = body["secret"]
    assert secret == endpoint.secret and secret.startswith("whsec_") and len(secret) > 40
    assert body == {
        "id": endpoint.pk,
        "url": URL,
        "description": "POS",
        "event_types": ["order.placed", "booking.created"],
        "active": True,
        "disabled_reason": "",
        "disabled_at": None,
        "created_by": manager.pk,
        "created": body["created"],
        "updated": body["updated"],
        "secret": secret,
    }
    record_event()
    relay_run()  # a delivery in the log (to a closed port: it fails, with an error)
    for path in (
        "/api/v1/webhooks/",
        f"/api/v1/webhooks/{endpoint.pk}/",
        f"/api/v1/webhooks/{endpoint.pk}/deliveries/",
    ):
        shown = manager_client.get(path)
        assert shown.status_code == 200, path
        assert secret not in shown.content.decode(), path
        assert "secret" not in json.dumps(shown.json()), path
    patched = manager_client.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"description": "New"}, format="json")
    assert patched.status_code == 200 and "secret" not in patched.json()
    audit = AuditEntry.objects.filter(action__startswith="webhook_endpoint").values_list("changes", flat=True)
    assert len(audit) == 2 and all(secret not in json.dumps(changes) for changes in audit)


def test_rotating_shows_the_new_secret_once(manager_client):
    endpoint_id = create(manager_client).json()["id"]
    old = WebhookEndpoint.objects.get().secret

    response = manager_client.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret/")

    assert response.status_code == 200
    new = WebhookEndpoint.objects.get().secret
    assert response.json()["secret"] == new != old
    assert new not in manager_client.get(f"/api/v1/webhooks/{endpoint_id}/").content.decode()


@pytest.mark.parametrize(
    ("event_types", "code", "message"),
    [
        (
            ["order.placed", "order.eaten"],
            "unknown_event_type",
            f"Unknown event type: order.eaten. Known: {', '.join(EVENT_TYPES)}.",
        ),
        (
            ["a.b", "order.eaten"],
            "unknown_event_type",
            f"Unknown event types: a.b, order.eaten. Known: {', '.join(EVENT_TYPES)}.",
        ),
        ([], "invalid", "Choose at least one event type."),
    ],
)
def test_unknown_or_no_event_types_are_refused(manager_client, event_types, code, message):
    response = create(manager_client, event_types=event_types)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["fields"] == {"event_types": [message]}
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("event_types", ["order.placed", [1], None, {"order.placed": True}])
def test_malformed_event_types_are_a_400(manager_client, event_types):
    response = create(manager_client, event_types=event_types)

    assert response.status_code == 400
    assert "event_types" in response.json()["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_event_types_are_kept_once_in_catalogue_order(manager_client):
    response = create(manager_client, event_types=["booking.created", "order.placed", "booking.created"])

    assert response.json()["event_types"] == ["order.placed", "booking.created"]
    assert WebhookEndpoint.objects.get().event_types == ["order.placed", "booking.created"]


def test_delete_deactivates_and_keeps_the_endpoint(manager_client, manager):
    endpoint_id = create(manager_client).json()["id"]

    response = manager_client.delete(f"/api/v1/webhooks/{endpoint_id}/")

    assert response.status_code == 204
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.active is False
    assert endpoint.disabled_reason == f"Deactivated by {manager.username}."
    assert endpoint.disabled_at is not None
    assert manager_client.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204  # again: no change
    record_event()
    relay_run()
    assert not Delivery.objects.exists()

    reactivated = manager_client.patch(f"/api/v1/webhooks/{endpoint_id}/", {"active": True}, format="json")

    assert reactivated.status_code == 200
    assert (reactivated.json()["active"], reactivated.json()["disabled_reason"]) == (True, "")
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_reason, endpoint.disabled_at) == (True, "", None)


def test_update_changes_the_fields(manager_client):
    endpoint_id = create(manager_client).json()["id"]

    response = manager_client.patch(
        f"/api/v1/webhooks/{endpoint_id}/",
        {"url": "http://127.0.0.1:10/other", "event_types": ["booking.cancelled"], "description": "Kiosk"},
        format="json",
    )

    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.event_types, endpoint.description) == (
        "http://127.0.0.1:10/other",
        ["booking.cancelled"],
        "Kiosk",
    )


def test_put_is_not_offered(manager_client):
    endpoint_id = create(manager_client).json()["id"]

    assert manager_client.put(f"/api/v1/webhooks/{endpoint_id}/", {}, format="json").status_code == 405


def test_the_delivery_log_shows_status_attempts_code_duration_and_error(manager_client, receiver):
    endpoint_id = create(manager_client, url=receiver.url).json()["id"]
    receiver.statuses = [503]
    event = record_event()
    relay_run()
    delivery = Delivery.objects.get()
    attempt = DeliveryAttempt.objects.get()

    response = manager_client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    [row] = response.json()["results"]
    assert row == {
        "id": str(delivery.pk),
        "event_id": event.pk,
        "event_type": "order.placed",
        "status": "pending",
        "attempts": 1,
        "response_code": 503,
        "duration_ms": attempt.duration_ms,
        "last_error": "The receiver answered 503.",
        "next_attempt_at": row["next_attempt_at"],
        "delivered_at": None,
        "created": row["created"],
        "attempt_log": [
            {
                "number": 1,
                "at": row["attempt_log"][0]["at"],
                "succeeded": False,
                "response_code": 503,
                "duration_ms": attempt.duration_ms,
                "error": "The receiver answered 503.",
            }
        ],
    }
    assert manager_client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/?status=dead").json()["count"] == 0
    assert manager_client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/?status=pending").json()["count"] == 1
    assert manager_client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/?status=lost").status_code == 400


def test_the_delivery_log_shows_only_its_endpoints_deliveries(manager_client):
    mine = create(manager_client).json()["id"]
    create(manager_client)
    record_event()
    relay_run()

    response = manager_client.get(f"/api/v1/webhooks/{mine}/deliveries/")

    assert [row["id"] for row in response.json()["results"]] == [str(Delivery.objects.get(target=f"webhook:{mine}").pk)]


@pytest.mark.parametrize("deliveries", [1, 6])
def test_the_delivery_log_runs_a_fixed_number_of_queries(
    manager_client, django_assert_num_queries, deliveries, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    endpoint_id = create(manager_client).json()["id"]
    for number in range(deliveries):
        record_event(aggregate_id=number + 1)
    relay_run()

    # auth user + groups, endpoint, count, page of deliveries, their attempts
    with django_assert_num_queries(6):
        response = manager_client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/")

    assert response.json()["count"] == deliveries


def test_redeliver_sends_a_dead_letter_again_with_the_same_delivery_id(manager_client, receiver, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    endpoint_id = create(manager_client, url=receiver.url).json()["id"]
    receiver.statuses = [500]
    record_event()
    relay_run()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD

    response = manager_client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 202, response.content
    assert (response.json()["id"], response.json()["status"], response.json()["attempts"]) == (
        str(delivery.pk),
        "pending",
        0,
    )
    relay_run()
    delivery.refresh_from_db()
    assert (delivery.status, Delivery.objects.count()) == (DeliveryStatus.DELIVERED, 1)
    assert [r.headers["Little-Lemon-Delivery"] for r in receiver.requests] == [str(delivery.pk)] * 2
    assert [json.loads(r.body)["id"] for r in receiver.requests] == [str(delivery.pk)] * 2
    assert AuditEntry.objects.filter(action="webhook_endpoint.redeliver").count() == 1


def test_redeliver_refuses_what_is_not_this_endpoints(manager_client):
    mine = create(manager_client).json()["id"]
    other = create(manager_client).json()["id"]
    record_event()
    relay_run()
    others_delivery = Delivery.objects.get(target=f"webhook:{other}")
    before = list(Delivery.objects.values_list("pk", "status", "attempts", "next_attempt_at"))

    for delivery_id in (others_delivery.pk, "00000000-0000-0000-0000-000000000000", "0" * 32):
        response = manager_client.post(f"/api/v1/webhooks/{mine}/deliveries/{delivery_id}/redeliver/")
        assert response.status_code == 404, delivery_id
        assert response.json()["code"] == "not_found"
    assert manager_client.post(f"/api/v1/webhooks/{mine}/deliveries/not-a-uuid/redeliver/").status_code == 404
    assert list(Delivery.objects.values_list("pk", "status", "attempts", "next_attempt_at")) == before


def test_redeliver_to_a_disabled_endpoint_is_a_409(manager_client):
    endpoint_id = create(manager_client).json()["id"]
    record_event()
    relay_run()
    manager_client.delete(f"/api/v1/webhooks/{endpoint_id}/")
    delivery = Delivery.objects.get()
    before = (delivery.status, delivery.attempts)

    response = manager_client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 409
    assert response.json()["code"] == "webhook_endpoint_disabled"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == before


def test_redeliver_while_it_is_being_sent_is_a_409(manager_client):
    endpoint_id = create(manager_client).json()["id"]
    record_event()
    relay_run()
    Delivery.objects.update(leased_until=timezone.now() + timedelta(seconds=60))
    delivery = Delivery.objects.get()

    response = manager_client.post(f"/api/v1/webhooks/{endpoint_id}/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 409
    assert response.json()["code"] == "delivery_in_flight"
    assert Delivery.objects.get().attempts == delivery.attempts


def test_an_unknown_endpoint_is_a_404(manager_client):
    assert manager_client.get("/api/v1/webhooks/999/").status_code == 404
    assert manager_client.get("/api/v1/webhooks/99999999999999999999/").status_code == 404


@pytest.mark.parametrize("endpoints", [1, 5])
def test_the_endpoint_list_runs_a_fixed_number_of_queries(manager_client, django_assert_num_queries, endpoints):
    for _ in range(endpoints):
        create(manager_client)

    # auth user + groups, count, page
    with django_assert_num_queries(4):
        response = manager_client.get("/api/v1/webhooks/")

    assert response.json()["count"] == endpoints


def test_the_schema_documents_the_webhook_endpoints(api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    paths = schema["paths"]

    assert {"201", "400", "401", "403"} <= set(paths["/api/v1/webhooks/"]["post"]["responses"])
    assert paths["/api/v1/webhooks/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"][
        "$ref"
    ].endswith("/WebhookEndpointWithSecret")
    assert "409" in paths["/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver/"]["post"]["responses"]
    assert "/api/v1/webhooks/{id}/deliveries/" in paths
    assert "/api/v1/webhooks/{id}/rotate-secret/" in paths
    components = schema["components"]["schemas"]
    with_secret = [name for name, component in components.items() if "secret" in component.get("properties", {})]
    assert with_secret == ["WebhookEndpointWithSecret"]
    event_types = components["WebhookEndpointCreateRequest"]["properties"]["event_types"]
    assert components[event_types["items"]["$ref"].rsplit("/", 1)[1]]["enum"] == list(EVENT_TYPES)
