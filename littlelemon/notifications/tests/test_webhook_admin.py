"""The admin: endpoints saved through the services, the secret shown once, the delivery log."""

import pytest
from django.test import Client

from littlelemon.events.models import Delivery, DeliveryStatus
from littlelemon.events.relay import relay_run
from littlelemon.notifications.models import WebhookEndpoint

from .conftest import record_event

pytestmark = pytest.mark.django_db

ADD = "/admin/notifications/webhookendpoint/add/"


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_adding_an_endpoint_shows_its_secret_once(admin_client, admin_user, loopback_allowed):
    response = admin_client.post(
        ADD, {"url": "http://127.0.0.1:9/hook", "description": "POS", "event_types": ["order.placed"]}
    )

    assert response.status_code == 200, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.event_types, endpoint.created_by) == (
        "http://127.0.0.1:9/hook",
        ["order.placed"],
        admin_user,
    )
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for page in (
        "/admin/notifications/webhookendpoint/",
        f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/",
    ):
        shown = admin_client.get(page)
        assert shown.status_code == 200
        assert endpoint.secret not in shown.content.decode()


def test_a_refused_url_is_an_error_on_the_form(admin_client, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False

    response = admin_client.post(ADD, {"url": "http://127.0.0.1/hook", "event_types": ["order.placed"]})

    assert response.status_code == 200
    assert "A webhook URL must use https (plain http is allowed only in development)." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_endpoint_links_to_its_delivery_log(admin_client, make_endpoint):
    endpoint = make_endpoint()
    record_event()
    relay_run()

    page = admin_client.get(f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/").content.decode()
    log = admin_client.get("/admin/events/delivery/", {"target": endpoint.target})

    assert f"/admin/events/delivery/?target=webhook%3A{endpoint.pk}" in page
    assert log.status_code == 200
    assert str(Delivery.objects.get().pk) in log.content.decode()


def test_deactivate_action_and_no_delete(admin_client, admin_user, make_endpoint):
    endpoint = make_endpoint()

    admin_client.post(
        "/admin/notifications/webhookendpoint/", {"action": "deactivate", "_selected_action": [endpoint.pk]}
    )

    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_reason) == (False, f"Deactivated by {admin_user.username}.")
    response = admin_client.post(f"/admin/notifications/webhookendpoint/{endpoint.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_rotate_secret_action_shows_the_new_secret(admin_client, make_endpoint):
    endpoint = make_endpoint()
    old = endpoint.secret

    response = admin_client.post(
        "/admin/notifications/webhookendpoint/", {"action": "rotate_secret", "_selected_action": [endpoint.pk]}
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()


def test_retry_in_the_delivery_admin_redelivers_with_the_same_id(admin_client, make_endpoint, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    make_endpoint()  # a closed port: the one attempt fails, the delivery is dead
    record_event()
    relay_run()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD

    admin_client.post("/admin/events/delivery/", {"action": "retry", "_selected_action": [str(delivery.pk)]})

    retried = Delivery.objects.get()
    assert (retried.pk, retried.status, retried.attempts) == (delivery.pk, DeliveryStatus.PENDING, 0)


def test_changing_an_endpoint_goes_through_the_service(admin_client, make_endpoint, settings):
    endpoint = make_endpoint()
    change = f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/"
    form = {"url": endpoint.url, "description": "Kiosk", "event_types": ["booking.created"], "active": "on"}

    response = admin_client.post(change, form)

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.event_types) == ("Kiosk", ["booking.created"])

    settings.WEBHOOKS_ALLOW_PRIVATE = False
    refused = admin_client.post(change, form | {"url": "http://10.0.0.1/x"})

    assert refused.status_code == 200
    assert "&#x27;10.0.0.1&#x27; is a private address" in refused.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.url == "http://127.0.0.1:9/hook"

    admin_client.post(change, {**form, "active": ""})

    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert endpoint.disabled_reason.startswith("Deactivated by ")
