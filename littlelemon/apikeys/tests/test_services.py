"""Issuing and revoking: who may, what is checked, what is recorded."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from littlelemon.apikeys import services
from littlelemon.apikeys.models import ApiKey
from littlelemon.apikeys.principal import Integration
from littlelemon.apikeys.scopes import BOOKINGS_WRITE, MENU_READ, SCOPES
from littlelemon.audit.models import AuditEntry
from littlelemon.core.exceptions import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def test_issuing_stores_the_hash_and_returns_the_key_once(manager):
    api_key, key = services.api_key_issue(actor=manager, name="POS", scopes=[BOOKINGS_WRITE, MENU_READ])

    assert ApiKey.objects.get_from_key(key) == api_key
    assert api_key.scopes == [MENU_READ, BOOKINGS_WRITE]
    assert key not in str(ApiKey.objects.values().get())
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.changes["scopes"]["after"]) == (
        "api_key.issue",
        manager,
        [MENU_READ, BOOKINGS_WRITE],
    )


@pytest.mark.parametrize("role", ["customer", "kitchen_user", "crew_user"])
def test_only_managers_and_admins_issue_and_revoke(request, role):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.api_key_issue(actor=actor, name="POS", scopes=[MENU_READ])
    api_key, _ = ApiKey.objects.create_key(name="POS", scopes=[MENU_READ])
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(actor=actor, api_key=api_key)
    assert ApiKey.objects.get().revoked is False
    assert not AuditEntry.objects.exists()


def test_an_integration_cannot_issue_a_key_even_with_every_scope():
    api_key, _ = ApiKey.objects.create_key(name="POS", scopes=list(SCOPES))
    with pytest.raises(PermissionDenied):
        services.api_key_issue(actor=Integration(api_key), name="More", scopes=list(SCOPES))
    assert ApiKey.objects.count() == 1


def test_an_expiry_in_the_past_is_refused(admin_user):
    with pytest.raises(InvalidInput) as error:
        services.api_key_issue(
            actor=admin_user, name="POS", scopes=[MENU_READ], expiry_date=timezone.now() - timedelta(minutes=1)
        )
    assert error.value.field == "expiry_date"
    assert not ApiKey.objects.exists()


def test_get_from_key_queries_nothing_for_a_malformed_key():
    ApiKey.objects.create_key(name="POS", scopes=[MENU_READ])
    with CaptureQueriesContext(connection) as queries, pytest.raises(ApiKey.DoesNotExist):
        ApiKey.objects.get_from_key("POS")  # the library would look this up as a prefix
    assert len(queries) == 0


def test_revoked_and_expired_keys_are_not_usable():
    usable, _ = ApiKey.objects.create_key(name="A", scopes=[MENU_READ])
    ApiKey.objects.create_key(name="B", scopes=[MENU_READ], revoked=True)
    ApiKey.objects.create_key(name="C", scopes=[MENU_READ], expiry_date=timezone.now() - timedelta(seconds=1))

    assert list(ApiKey.objects.get_usable_keys()) == [usable]
