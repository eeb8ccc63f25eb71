"""The admin issues keys (the key shown once, in a message), lists them without secrets and revokes them."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from littlelemon.apikeys.models import ApiKey
from littlelemon.apikeys.scopes import MENU_READ, ORDERS_WRITE
from littlelemon.audit.models import AuditEntry

from .factories import issue_key, key_client

pytestmark = pytest.mark.django_db

ADD = "/admin/apikeys/apikey/add/"
LIST = "/admin/apikeys/apikey/"


@pytest.fixture
def admin_client_(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_issuing_shows_the_key_once_in_a_message(admin_client_, admin_user):
    assert admin_client_.get(ADD).status_code == 200

    response = admin_client_.post(ADD, {"name": "Kiosk", "scopes": [MENU_READ, ORDERS_WRITE]})

    assert response.status_code == 302
    api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.scopes, api_key.created_by) == ("Kiosk", [MENU_READ, ORDERS_WRITE], admin_user)
    [message] = [str(m) for m in get_messages(response.wsgi_request) if "copy it now" in str(m)]
    key = next(word for word in message.split() if word.startswith(api_key.prefix + "."))
    assert key_client(key).get("/api/v1/categories/").status_code == 200
    assert AuditEntry.objects.get(action="api_key.issue").actor == admin_user
    # The page the admin lands on shows the message once; no page shows the key again.
    assert key in admin_client_.get(LIST).content.decode()
    for page in (LIST, f"{LIST}{api_key.pk}/change/"):
        content = admin_client_.get(page).content.decode()
        assert api_key.prefix in content
        assert key.split(".")[1] not in content
        assert api_key.hashed_key not in content


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "Kiosk", "scopes": ["root"]}, "Select a valid choice"),
        ({"name": "Kiosk"}, "This field is required"),
        ({"name": "Kiosk", "scopes": [MENU_READ], "expiry_date_0": "2020-01-01", "expiry_date_1": "00:00"}, "future"),
    ],
)
def test_bad_input_issues_nothing(admin_client_, data, error):
    response = admin_client_.post(ADD, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ApiKey.objects.exists()


def test_the_list_shows_prefix_scopes_last_use_and_revocation(admin_client_):
    api_key, _ = issue_key([MENU_READ, ORDERS_WRITE], name="POS", expiry_date=timezone.now() + timedelta(days=1))

    content = admin_client_.get(LIST).content.decode()

    assert api_key.prefix in content
    assert "menu:read, orders:write" in content
    assert "POS" in content


def test_the_revoke_action_revokes(admin_client_):
    api_key, key = issue_key([MENU_READ])

    response = admin_client_.post(LIST, {"action": "revoke", "_selected_action": [api_key.pk]})

    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked
    assert key_client(key).get("/api/v1/categories/").status_code == 401


def test_a_key_is_never_deleted_nor_edited(admin_client_):
    api_key, _ = issue_key([MENU_READ])

    assert admin_client_.post(f"{LIST}{api_key.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client_.post(f"{LIST}{api_key.pk}/change/", {"name": "Renamed"})
    api_key.refresh_from_db()
    assert api_key.name == "Front-desk POS"
