"""Issuing, listing and revoking keys through the API: the key is shown once, never listed,
and bad input is a 400 that issues nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from littlelemon.apikeys.models import ApiKey
from littlelemon.apikeys.scopes import MENU_READ, ORDERS_READ, ORDERS_WRITE, SCOPES
from littlelemon.audit.models import AuditEntry

from .factories import issue_key, key_client

pytestmark = pytest.mark.django_db

KEYS = "/api/v1/api-keys/"


def test_a_manager_issues_a_key_shown_once_that_works(client_as, manager):
    response = client_as(manager).post(
        KEYS, {"name": " Kiosk ", "scopes": [ORDERS_WRITE, MENU_READ, MENU_READ]}, format="json"
    )

    assert response.status_code == 201
    body = response.data
    api_key = ApiKey.objects.get()
    assert body["key"].startswith(api_key.prefix + ".")
    assert len(body["key"]) == 8 + 1 + 32
    assert {k: body[k] for k in ("prefix", "name", "scopes", "created_by", "revoked", "last_used_at")} == {
        "prefix": api_key.prefix,
        "name": "Kiosk",
        "scopes": [MENU_READ, ORDERS_WRITE],  # each once, in the documented order
        "created_by": manager.username,
        "revoked": False,
        "last_used_at": None,
    }
    assert (api_key.created_by, api_key.scopes) == (manager, [MENU_READ, ORDERS_WRITE])
    assert body["key"] not in str(ApiKey.objects.values().get())
    assert AuditEntry.objects.get(action="api_key.issue").actor == manager
    assert key_client(body["key"]).get("/api/v1/orders/").status_code == 200

    # Never again: neither the list nor the key's page shows the key or its hash.
    for page in (client_as(manager).get(KEYS), client_as(manager).get(f"{KEYS}{api_key.prefix}/")):
        assert page.status_code == 200
        assert body["key"].split(".")[1] not in page.content.decode()
        assert api_key.hashed_key.split("$$")[1] not in page.content.decode()
        assert b'"key"' not in page.content and b"hashed" not in page.content


def test_the_list_shows_prefix_scopes_last_use_expiry_and_revocation(client_as, admin_user):
    expiry = timezone.now() + timedelta(days=30)
    old, _ = issue_key([MENU_READ], name="Old")
    ApiKey.objects.filter(pk=old.pk).update(revoked=True, revoked_at=timezone.now())
    new, _ = issue_key([ORDERS_READ], name="New", expiry_date=expiry)

    response = client_as(admin_user).get(KEYS)

    assert response.status_code == 200
    rows = response.data["results"]
    assert [(row["prefix"], row["name"], row["scopes"], row["revoked"]) for row in rows] == [
        (new.prefix, "New", [ORDERS_READ], False),
        (old.prefix, "Old", [MENU_READ], True),
    ]
    assert rows[0]["expiry_date"] == expiry.astimezone(timezone.get_current_timezone()).isoformat()
    assert set(rows[0]) == {
        "prefix",
        "name",
        "scopes",
        "created",
        "created_by",
        "last_used_at",
        "expiry_date",
        "expired",
        "revoked",
        "revoked_at",
    }


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "X", "scopes": ["orders:delete"]}, "scopes", "Unknown scope: orders:delete. Known scopes: "),
        (
            {"name": "X", "scopes": ["menu:read", "admin", "users:write"]},
            "scopes",
            "Unknown scopes: admin, users:write.",
        ),
        ({"name": "X", "scopes": []}, "scopes", "Give the key at least one scope."),
        ({"name": "X", "scopes": "menu:read"}, "scopes", None),
        ({"name": "X", "scopes": [{"scope": "menu:read"}]}, "scopes", None),
        ({"name": "X"}, "scopes", None),
        ({"name": "   ", "scopes": [MENU_READ]}, "name", None),
        ({"name": "x" * 51, "scopes": [MENU_READ]}, "name", None),
        ({"name": "X", "scopes": [MENU_READ], "expiry_date": "2020-01-01T00:00:00Z"}, "expiry_date", "future"),
        ({"name": "X", "scopes": [MENU_READ], "expiry_date": "tomorrow"}, "expiry_date", None),
    ],
)
def test_bad_input_is_a_400_that_issues_nothing(client_as, manager, payload, field, message):
    response = client_as(manager).post(KEYS, payload, format="json")

    assert response.status_code == 400, response.data
    assert field in response.data["fields"]
    if message:
        assert message in response.data["fields"][field][0]
    assert not ApiKey.objects.exists()
    assert not AuditEntry.objects.exists()


def test_delete_revokes_and_the_key_stops_working(client_as, manager):
    api_key, key = issue_key([MENU_READ])

    response = client_as(manager).delete(f"{KEYS}{api_key.prefix}/")

    assert response.status_code == 204
    api_key.refresh_from_db()
    assert api_key.revoked and api_key.revoked_at is not None
    assert key_client(key).get("/api/v1/menu-items/").status_code == 401
    assert AuditEntry.objects.get(action="api_key.revoke").actor == manager
    assert client_as(manager).get(f"{KEYS}{api_key.prefix}/").data["revoked"] is True  # kept, for the record


def test_post_revoke_answers_the_key_and_is_idempotent(client_as, manager):
    api_key, _ = issue_key([MENU_READ])
    client = client_as(manager)

    first = client.post(f"{KEYS}{api_key.prefix}/revoke/")
    revoked_at = ApiKey.objects.get().revoked_at
    second = client.post(f"{KEYS}{api_key.prefix}/revoke/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.data["revoked"] is True and "key" not in first.data
    assert ApiKey.objects.get().revoked_at == revoked_at
    assert AuditEntry.objects.filter(action="api_key.revoke").count() == 1


def test_an_unknown_prefix_is_a_404(client_as, manager):
    assert client_as(manager).delete(f"{KEYS}nosuchkey/").status_code == 404
    assert client_as(manager).post(f"{KEYS}nosuchkey/revoke/").status_code == 404


def test_a_key_cannot_issue_or_revoke_keys():
    api_key, key = issue_key(list(SCOPES))
    client = key_client(key)

    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, {"name": "More", "scopes": list(SCOPES)}, format="json").status_code == 403
    assert client.delete(f"{KEYS}{api_key.prefix}/").status_code == 403
    assert ApiKey.objects.get().revoked is False
    assert ApiKey.objects.count() == 1


def test_the_list_is_a_fixed_number_of_queries(client_as, manager, django_assert_num_queries):
    for number in range(5):
        issue_key([MENU_READ], name=f"Key {number}", created_by=manager)
    client = client_as(manager)

    with django_assert_num_queries(4):  # the user, their roles, the count, the page (issuers joined)
        assert client.get(KEYS).status_code == 200
