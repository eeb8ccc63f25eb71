from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.context import AuditContextMiddleware
from littlelemon.audit.models import AuditEntry
from littlelemon.audit.services import audit_changes, audit_record, audit_snapshot
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory

pytestmark = pytest.mark.django_db


def test_a_snapshot_is_json_ready_with_relations_as_text():
    item = MenuItemFactory(title="Soup", price=Decimal("6.50"), category=CategoryFactory(title="Starters"))

    snapshot = audit_snapshot(item)

    assert snapshot["price"] == "6.50"
    assert snapshot["category"] == "Starters"
    assert snapshot["image"] == ""
    assert snapshot["allergens"] == []
    assert {"id", "created", "updated"}.isdisjoint(snapshot)


def test_changes_list_only_what_differs_with_before_and_after():
    before = {"price": "6.50", "title": "Soup", "available": True}
    after = {"price": "7.00", "title": "Soup", "available": False, "featured": True}

    assert audit_changes(before, after) == {
        "available": {"before": True, "after": False},
        "featured": {"before": None, "after": True},
        "price": {"before": "6.50", "after": "7.00"},
    }


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around it
def test_an_entry_must_be_written_inside_the_changes_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="menu_item.update", target=MenuItemFactory())
    assert not AuditEntry.objects.exists()


def test_an_entry_names_its_target_and_keeps_the_actors_name():
    manager = UserFactory(username="marta")
    item = MenuItemFactory(title="Soup")

    with transaction.atomic():
        entry = audit_record(actor=manager, action="menu_item.update", target=item, changes={"x": 1})

    assert (entry.actor, entry.actor_name, entry.object_type, entry.object_id, entry.object_repr) == (
        manager,
        "marta",
        "menu.menuitem",
        str(item.pk),
        "Soup",
    )
    manager.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name) == (None, "marta")  # the trail outlives the account


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_scripts_and_anonymous_callers_are_recorded_as_nobody(actor):
    with transaction.atomic():
        entry = audit_record(actor=actor, action="menu_item.create", target=MenuItemFactory())

    assert (entry.actor, entry.actor_name, entry.ip_address, entry.user_agent) == (None, "", None, "")


def test_during_a_request_the_entry_gets_the_client_address_and_user_agent():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Till/1.0 " + "x" * 300)

    def view(request):
        with transaction.atomic():
            audit_record(actor=None, action="menu_item.create", target=MenuItemFactory())
        return None

    AuditContextMiddleware(view)(request)

    entry = AuditEntry.objects.get()
    assert entry.ip_address == "203.0.113.7"
    assert entry.user_agent == ("Till/1.0 " + "x" * 300)[:255]
    with transaction.atomic():  # after the request, no address leaks into the next entry
        assert audit_record(actor=None, action="x", target=MenuItemFactory()).ip_address is None
