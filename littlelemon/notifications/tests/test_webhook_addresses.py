"""Bad URLs are refused with a clear 400 through the API, and nothing is written."""

import ipaddress

import pytest

from littlelemon.audit.models import AuditEntry
from littlelemon.notifications.models import WebhookEndpoint
from littlelemon.notifications.webhooks import addresses

pytestmark = pytest.mark.django_db

PUBLIC = [ipaddress.ip_address("93.184.215.14")]


@pytest.fixture
def public_dns(monkeypatch):
    """Names resolve without the network: to a public address unless a test says otherwise."""
    answers = {}

    def resolve(host, port):
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            return answers.get(host, PUBLIC)

    monkeypatch.setattr(addresses, "host_addresses", resolve)
    return answers


@pytest.fixture
def as_manager(client_for_role):
    client, _ = client_for_role("manager")
    return client


def register(client, url, event_types=("order.placed",)):
    return client.post("/api/v1/webhooks/", {"url": url, "event_types": list(event_types)}, format="json")


def assert_refused(response, code, message):
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["fields"] == {"url": [message]}
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="webhook_endpoint").exists()


PRIVATE_NETWORK = "webhooks may only be sent to public internet addresses."


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        (
            "http://hooks.example.com/x",
            "webhook_url_refused",
            "A webhook URL must use https (plain http is allowed only in development).",
        ),
        ("ftp://hooks.example.com/x", "webhook_url_refused", "A webhook URL must start with https://."),
        ("hooks.example.com/x", "webhook_url_refused", "A webhook URL must start with https://."),
        (
            "https://user:pass@hooks.example.com/x",
            "webhook_url_refused",
            "A webhook URL must not contain a user name or password: the signature authenticates the deliveries.",
        ),
        (
            "https://token@hooks.example.com/x",
            "webhook_url_refused",
            "A webhook URL must not contain a user name or password: the signature authenticates the deliveries.",
        ),
        ("https:///x", "webhook_url_refused", "A webhook URL needs a host name."),
        ("https://hooks.example.com:99999/x", "webhook_url_refused", "This is not a valid URL."),
        ("https://hooks.example.com:0/x", "webhook_url_refused", "This is not a valid URL: port 0."),
        ("https://[::1/x", "webhook_url_refused", "This is not a valid URL."),
        ("https://127.0.0.1/x", "webhook_url_refused", f"'127.0.0.1' is a loopback address: {PRIVATE_NETWORK}"),
        ("https://10.1.2.3/x", "webhook_url_refused", f"'10.1.2.3' is a private address: {PRIVATE_NETWORK}"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "webhook_url_refused",
            f"'169.254.169.254' is a link-local address: {PRIVATE_NETWORK}",
        ),
        ("https://[::1]/x", "webhook_url_refused", f"'::1' is a loopback address: {PRIVATE_NETWORK}"),
        (
            "https://[::ffff:127.0.0.1]/x",
            "webhook_url_refused",
            f"'::ffff:127.0.0.1' is a loopback address: {PRIVATE_NETWORK}",
        ),
        ("https://192.168.0.10/x", "webhook_url_refused", f"'192.168.0.10' is a private address: {PRIVATE_NETWORK}"),
        ("https://100.64.0.1/x", "webhook_url_refused", f"'100.64.0.1' is not a public address: {PRIVATE_NETWORK}"),
        ("https://0.0.0.0/x", "webhook_url_refused", f"'0.0.0.0' is an unspecified address: {PRIVATE_NETWORK}"),
        ("https://224.0.1.1/x", "webhook_url_refused", f"'224.0.1.1' is a multicast address: {PRIVATE_NETWORK}"),
        ("https://hooks.example.com/x#top", "webhook_url_refused", "A webhook URL must not have a #fragment."),
    ],
)
def test_refused_urls(as_manager, public_dns, url, code, message):
    assert_refused(register(as_manager, url), code, message)


def test_a_host_name_resolving_to_loopback_is_refused(as_manager):
    """`localhost` resolves (from /etc/hosts, no network) to a loopback address."""
    response = register(as_manager, "https://localhost/x")

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_url_refused"
    message = response.json()["fields"]["url"][0]
    assert message.startswith("'localhost' resolves to ")
    assert message.endswith(f"which is a loopback address: {PRIVATE_NETWORK}")
    assert not WebhookEndpoint.objects.exists()


def test_a_name_with_one_private_address_among_public_ones_is_refused(as_manager, public_dns):
    public_dns["mixed.example.com"] = [*PUBLIC, ipaddress.ip_address("10.0.0.7")]

    assert_refused(
        register(as_manager, "https://mixed.example.com/x"),
        "webhook_url_refused",
        f"'mixed.example.com' resolves to 10.0.0.7, which is a private address: {PRIVATE_NETWORK}",
    )


def test_a_name_that_does_not_resolve_is_refused(as_manager, monkeypatch):
    def fail(host, port, type):
        raise OSError("Name or service not known")

    monkeypatch.setattr(addresses.socket, "getaddrinfo", fail)

    assert_refused(
        register(as_manager, "https://nowhere.example.com/x"),
        "webhook_host_unresolved",
        "'nowhere.example.com' could not be resolved (Name or service not known).",
    )


def test_a_public_https_url_is_accepted(as_manager, public_dns):
    response = register(as_manager, "https://hooks.example.com/little-lemon")

    assert response.status_code == 201, response.content
    assert WebhookEndpoint.objects.get().url == "https://hooks.example.com/little-lemon"


def test_development_settings_allow_http_and_private_addresses(as_manager, loopback_allowed):
    response = register(as_manager, "http://127.0.0.1:8080/hook")

    assert response.status_code == 201, response.content
    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:8080/hook"


def test_credentials_are_refused_even_in_development(as_manager, loopback_allowed):
    response = register(as_manager, "http://me:secret@127.0.0.1:8080/hook")

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_url_refused"
    assert not WebhookEndpoint.objects.exists()


def test_updating_to_a_private_url_is_refused_and_changes_nothing(as_manager, public_dns):
    endpoint_id = register(as_manager, "https://hooks.example.com/a").json()["id"]

    response = as_manager.patch(
        f"/api/v1/webhooks/{endpoint_id}/", {"url": "https://10.0.0.1/a", "description": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_url_refused"
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.description) == ("https://hooks.example.com/a", "")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", ""),
        ("2606:4700:4700::1111", ""),
        ("127.0.0.53", "a loopback address"),
        ("172.20.0.1", "a private address"),
        ("fe80::1", "a link-local address"),
        ("fc00::1", "a private address"),
        ("::", "an unspecified address"),
        ("240.0.0.1", "a private address"),
    ],
)
def test_address_refusal(address, reason):
    assert addresses.address_refusal(ipaddress.ip_address(address)) == reason
