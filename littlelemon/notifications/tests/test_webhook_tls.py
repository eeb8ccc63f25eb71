"""https deliveries: sent to the checked address, with the URL's host name for SNI, Host and the
certificate check (a receiver on loopback with its own certificate authority)."""

import datetime
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from littlelemon.core.tests.receivers import http_receiver
from littlelemon.events.models import Delivery, DeliveryStatus
from littlelemon.events.relay import relay_run
from littlelemon.notifications.webhooks import addresses

from .conftest import documented_verify, record_event

pytestmark = pytest.mark.django_db


def _certificate(tmp_path, host: str) -> tuple[str, str]:
    """A self-signed certificate for `host` (its own authority): (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_receiver(tmp_path, settings, monkeypatch):
    """A receiver answering https as `hooks.test` on 127.0.0.1 ("DNS" says so), trusted by the sender."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    cert_file, key_file = _certificate(tmp_path, "hooks.test")
    settings.WEBHOOKS_CA_BUNDLE = cert_file
    monkeypatch.setattr(addresses, "host_addresses", lambda host, port: [ipaddress.ip_address("127.0.0.1")])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    with http_receiver(tls=context) as receiver:
        yield receiver


def test_an_https_delivery_is_verified_against_the_host_name(tls_receiver, make_endpoint):
    endpoint = make_endpoint(url=tls_receiver.https_url("hooks.test"))
    record_event()

    report = relay_run()

    assert report.delivered == 1, Delivery.objects.get().last_error
    [request] = tls_receiver.requests
    assert request.headers["Host"] == f"hooks.test:{tls_receiver.port}"
    assert documented_verify()(endpoint.secret, request.body, request.headers["Little-Lemon-Signature"])


def test_a_certificate_for_another_name_fails_the_delivery(tls_receiver, make_endpoint):
    make_endpoint(url=tls_receiver.https_url("pos.example.com"))
    record_event()

    report = relay_run()

    delivery = Delivery.objects.get()
    assert (report.delivered, delivery.status) == (0, DeliveryStatus.PENDING)
    assert delivery.last_error == "Could not reach the receiver: hostname 'pos.example.com' doesn't match 'hooks.test'"
    assert tls_receiver.requests == []
