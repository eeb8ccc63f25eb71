"""Media (and static) files on S3 with django-storages, against a real S3 server on loopback:
moto's `moto_server`, started here as a process. The settings are the ones the environment
makes (AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, STATIC_ON_S3), read in a fresh interpreter."""

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.templatetags.static import static
from PIL import Image

from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import CategoryFactory

from .test_settings import read_settings

pytestmark = pytest.mark.server

BUCKET = "littlelemon-media"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "moto-test-key",
    "AWS_SECRET_ACCESS_KEY": "moto-test-secret",
    "AWS_DEFAULT_REGION": "eu-west-1",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    """moto_server on a loopback port, for this module."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # start-up: up to a minute on a loaded machine
            if process.poll() is not None:
                raise AssertionError(f"moto_server exited:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=5):  # noqa: S310 (loopback)
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"moto_server did not answer:\n{log.read_text()}")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=CREDENTIALS["AWS_DEFAULT_REGION"])
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    # Readable by anyone under media/ and static/, as the bucket policy makes them for the CDN.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{BUCKET}/media/*", f"arn:aws:s3:::{BUCKET}/static/*"],
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def storages_for(endpoint: str, **env: str) -> dict:
    """settings.STORAGES as production settings make it from these variables."""
    return read_settings(
        "config.settings.prod",
        "s.STORAGES",
        SECRET_KEY="a-secret-key-for-reading-settings-only-0123456789abcdef",
        ALLOWED_HOSTS="testserver",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="eu-west-1",
        **env,
    )


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the loopback S3)
        return response.status, response.headers["Content-Type"], response.read()


def png(color: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_dish_photo_uploaded_through_the_api_is_stored_and_served_by_s3(
    s3, s3_endpoint, settings, client_as, manager
):
    settings.STORAGES = storages_for(s3_endpoint)
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    CategoryFactory(slug="mezze", title="Mezze")
    photo = png("#f4ce14", size=(1600, 1200))
    upload = io.BytesIO(photo)
    upload.name = "hummus.png"

    response = client_as(manager).post(
        "/api/v1/menu-items/",
        {"title": "Hummus", "slug": "hummus", "price": "6.50", "category": "mezze", "image": upload},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    item = MenuItem.objects.get(slug="hummus")
    # Re-encoded on upload (menu/photos.py): a JPEG without metadata, whatever came in.
    assert item.image.name.startswith("menu/hummus") and item.image.name.endswith(".jpg")
    key = f"media/{item.image.name}"
    stored = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored.startswith(b"\xff\xd8") and stored != photo
    url = response.json()["image"]
    assert url == f"{s3_endpoint}/{BUCKET}/{key}"  # unsigned: the CDN in front serves it as it is
    # Read back through the API too (the public menu), and fetched from S3 by that URL.
    read = client_as(None).get(f"/api/v1/menu-items/{item.pk}/")
    assert read.json()["image"] == url
    assert fetch(url) == (200, "image/jpeg", stored)
    # The cards' size beside it (menu/photos.py), a smaller JPEG, served by S3 as the cards link it
    # (the card's partial alone: the prod static storage here has no manifest for whole pages).
    card_key = f"media/{item.image_card.name}"
    assert card_key == key.removesuffix(".jpg") + "-card.jpg"
    card = s3.get_object(Bucket=BUCKET, Key=card_key)["Body"].read()
    assert card.startswith(b"\xff\xd8") and len(card) < len(stored)
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="media/menu/")["Contents"]
    assert sorted(entry["Key"] for entry in listed) == sorted([key, card_key])
    card_url = f"{s3_endpoint}/{BUCKET}/{card_key}"
    assert f'srcset="{card_url} 1x, {url} 2x"' in render_to_string("web/partials/dish_card_image.html", {"item": item})
    assert fetch(card_url) == (200, "image/jpeg", card)


def test_a_second_photo_with_the_same_name_does_not_overwrite_the_first(s3, s3_endpoint, settings, client_as, manager):
    settings.STORAGES = storages_for(s3_endpoint)
    CategoryFactory(slug="mezze", title="Mezze")
    urls = []
    for n, color in enumerate(("#f4ce14", "#495e57")):
        upload = io.BytesIO(png(color))
        upload.name = "dish.png"
        response = client_as(manager).post(
            "/api/v1/menu-items/",
            {"title": f"Dish {n}", "slug": f"dish-{n}", "price": "5.00", "category": "mezze", "image": upload},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        urls.append(response.json()["image"])

    assert urls[0] != urls[1]
    first, second = (fetch(url)[2] for url in urls)
    assert first.startswith(b"\xff\xd8") and second.startswith(b"\xff\xd8") and first != second


def test_static_files_collected_to_s3_and_linked_from_there(s3, s3_endpoint, settings):
    settings.STORAGES = storages_for(s3_endpoint, STATIC_ON_S3="true")
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "storages.backends.s3.S3ManifestStaticStorage"
    # Only this project's own static files (the libraries' add minutes and prove nothing more).
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app.startswith(("littlelemon", "django."))]
    settings.STATICFILES_DIRS = [Path(django_settings.BASE_DIR) / "static"]

    call_command("collectstatic", "--noinput", "--ignore=admin", verbosity=0)

    url = static("web/apple-touch-icon.png")
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/static/web/apple-touch-icon.")  # a hashed name
    icon = (Path(django_settings.BASE_DIR) / "static" / "web" / "apple-touch-icon.png").read_bytes()
    assert fetch(url) == (200, "image/png", icon)
    manifest = s3.get_object(Bucket=BUCKET, Key="static/staticfiles.json")["Body"].read()
    assert b"web/app.css" in manifest


def test_the_content_security_policy_allows_the_bucket(s3_endpoint):
    directives = read_settings(
        "config.settings.prod",
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']",
        SECRET_KEY="a-secret-key-for-reading-settings-only-0123456789abcdef",
        ALLOWED_HOSTS="testserver",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_CUSTOM_DOMAIN="d111111abcdef8.cloudfront.net",
        STATIC_ON_S3="true",
    )

    for directive in ("img-src", "script-src", "style-src", "font-src"):
        assert "https://d111111abcdef8.cloudfront.net" in directives[directive], directive
    assert "https://d111111abcdef8.cloudfront.net" not in directives["connect-src"]
    assert os.environ.get("AWS_STORAGE_BUCKET_NAME") is None  # nothing leaked into this process
